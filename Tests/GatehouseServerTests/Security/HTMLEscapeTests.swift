import Testing

@testable import GatehouseServer

/// The pages' escaping works scalar by scalar, as the HTML tokenizer reads: a quote followed by a combining mark is
/// one Swift `Character`, but a quote still, and would otherwise end the attribute it is in.
@Suite struct HTMLEscapeTests {
    @Test(arguments: ["\"\u{301}", "'\u{301}", "<\u{301}", "&\u{301}", "\u{301}\"", "a\"\u{20DD}b"])
    func markupFollowedByACombiningMarkIsEscaped(text: String) {
        for escaped in [HTML.escape(text), HTML.escapeData(text)] {
            #expect(!escaped.unicodeScalars.contains { "\"'<>".unicodeScalars.contains($0) }, "\(escaped)")
        }
    }

    @Test func invisibleCharactersAreShownInTextAndKeptInData() {
        #expect(HTML.escape("a\u{202E}b") != "a\u{202E}b")
        #expect(HTML.escapeData("a\u{202E}b\u{200C}") == "a\u{202E}b\u{200C}")
        #expect(HTML.escape("Zoë") == "Zoë", "a precomposed or decomposed letter is kept as it is")
        #expect(HTML.escape("Zoe\u{308}") == "Zoe\u{308}")
    }
}
