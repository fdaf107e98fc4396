import GatehouseCore
import Testing

/// Text from outside is bounded before it is stored and escaped before a person sees it (issue 9, item 9).
@Suite struct UntrustedTextTests {
    @Test func controlAndBidiCharactersBecomeVisibleEscapes() {
        let forged = "eve\n2026-12-01T09:00:00Z\tallowed\tadmin\u{1B}[2K\u{1B}[1A\u{202E}"
        let escaped = UntrustedText.escaped(forged)
        #expect(escaped == #"eve\n2026-12-01T09:00:00Z\tallowed\tadmin\u{1B}[2K\u{1B}[1A\u{202E}"#)
        #expect(!escaped.unicodeScalars.contains { $0.value < 0x20 })
        #expect(UntrustedText.escaped("Zoë 日本", keepingLayout: false) == "Zoë 日本", "letters stay letters")
        #expect(UntrustedText.escaped("a\nb\u{1B}c", keepingLayout: true) == #"a"# + "\n" + #"b\u{1B}c"#)
    }

    @Test func textIsBoundedBeforeItIsStored() {
        let long = String(repeating: "x", count: 60_000)
        let bounded = UntrustedText.bounded(long, to: UntrustedText.usernameLimit)
        #expect(bounded.count == UntrustedText.usernameLimit)
        #expect(bounded.hasSuffix("…"))
        #expect(UntrustedText.bounded("alice", to: 128) == "alice")
    }

    @Test func errorDescriptionsKeepToRFC6749sCharacters() {
        let error = OAuthError(.invalidRequest, "grant_type \"a\\b\u{1B}\nc\" is not supported é")
        #expect(error.message == "grant_type 'a/b??c' is not supported ?")
        let huge = OAuthError(.invalidRequest, String(repeating: "y", count: 70_000))
        #expect(huge.message.count == UntrustedText.textLimit)
        #expect(huge.message.hasSuffix("..."))
    }
}
