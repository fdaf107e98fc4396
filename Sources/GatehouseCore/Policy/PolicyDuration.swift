/// A whole number of seconds written as `30d`, `12h`, `15m`, `90s` or `2w` in config and on the CLI.
public struct PolicyDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    private static let units: [(suffix: Character, seconds: Int64)] = [
        ("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1),
    ]

    /// Parses `<whole number><s|m|h|d|w>`; returns nil for anything else. Ranges are checked where used.
    public init?(parsing text: String) {
        guard let unitCharacter = text.last,
            let unit = Self.units.first(where: { $0.suffix == unitCharacter }),
            let count = Int64(text.dropLast()), count >= 0,
            text.dropLast().allSatisfy(\.isASCII),
            count <= Int64.max / unit.seconds
        else { return nil }
        self.seconds = count * unit.seconds
    }

    /// The largest unit up to days that divides the duration exactly: `86400` seconds reads `1d`, and `7d` stays
    /// `7d` (weeks are read, never written, since people write policies in days).
    public var description: String {
        for unit in Self.units.dropFirst() where seconds % unit.seconds == 0 {
            return "\(seconds / unit.seconds)\(unit.suffix)"
        }
        return "\(seconds)s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = PolicyDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a duration: \(text)")
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
