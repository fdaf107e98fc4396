import Foundation
import GatehouseCore
import Testing

/// docs/errors.md catalogues every reason code Gatehouse can send: a new ``RefusalReason`` without an entry fails
/// here, and so does an entry for a reason that no longer exists.
@Suite struct ReasonCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func catalogue() throws -> String {
        try String(contentsOf: root.appendingPathComponent("docs/errors.md"), encoding: .utf8)
    }

    @Test func everyReasonIsInDocsErrors() throws {
        let catalogue = try Self.catalogue()
        for reason in RefusalReason.allCases {
            #expect(catalogue.contains("`\(reason.rawValue)`"), "docs/errors.md does not catalogue \(reason)")
        }
    }

    @Test func everyReasonInTheCatalogueTablesExists() throws {
        // The first cell of each table row names one or more reasons: `a`, `b`.
        let row = try Regex(#"(?m)^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|"#)
        let known = Set(RefusalReason.allCases.map(\.rawValue))
        var listed: Set<String> = []
        for match in try Self.catalogue().matches(of: row) {
            guard let cell = match.output[1].substring else { continue }
            for name in cell.split(separator: ",") {
                listed.insert(name.trimmingCharacters(in: CharacterSet(charactersIn: " `")))
            }
        }
        #expect(listed.count >= 25, "found \(listed.count) catalogued reasons: the scan looks broken")
        #expect(listed.subtracting(known).isEmpty, "catalogued but unknown: \(listed.subtracting(known).sorted())")
    }
}
