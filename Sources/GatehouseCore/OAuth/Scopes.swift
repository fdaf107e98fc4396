/// A set of scopes in request order, without duplicates (RFC 6749 §3.3: space-delimited, order does not matter).
public struct Scopes: Sendable, Hashable, Codable, CustomStringConvertible {
    public private(set) var values: [String]

    public init(_ values: some Sequence<String>) {
        var seen: Set<String> = []
        self.values = values.filter { seen.insert($0).inserted }
    }

    /// Parses a `scope` parameter; nil if any token breaks RFC 6749 §3.3's syntax.
    public init?(parameter: String) {
        let tokens = parameter.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var report = ValidationReport()
        for token in tokens { FieldRules.checkScope(token, at: "scope", into: &report) }
        guard report.isValid else { return nil }
        self.init(tokens)
    }

    public var isEmpty: Bool { values.isEmpty }
    public func contains(_ scope: String) -> Bool { values.contains(scope) }
    public func isSubset(of other: Scopes) -> Bool { Set(values).isSubset(of: other.values) }

    /// The `scope` parameter form.
    public var description: String { values.joined(separator: " ") }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self).split(separator: " ").map(String.init))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
