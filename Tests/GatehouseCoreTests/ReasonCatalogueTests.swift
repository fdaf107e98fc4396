import Foundation
import Testing

/// docs/errors.md catalogues every reason code the code can send: a new reason without an entry fails here.
@Suite struct ReasonCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyReasonInTheSourcesIsInDocsErrors() throws {
        let catalogue = try String(contentsOf: Self.root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
        let pattern = try Regex(#"reason: "([a-z_]+)""#)
        var reasons: Set<String> = []
        let sources = Self.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let reason = match.output[1].substring { reasons.insert(String(reason)) }
            }
        }
        #expect(reasons.count >= 25, "found \(reasons.count) reasons: the scan looks broken")
        for reason in reasons.sorted() {
            #expect(catalogue.contains("`\(reason)`"), "docs/errors.md does not catalogue \(reason)")
        }
    }
}
