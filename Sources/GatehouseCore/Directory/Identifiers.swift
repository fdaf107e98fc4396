import Foundation

/// A stable, opaque identifier of a stored entity. Names can change; identifiers never do.
public protocol EntityIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The identifier as stored.
    var rawValue: String { get }
    init(rawValue: String)
}

extension EntityIdentifier {
    /// A new random identifier (a lowercase UUID).
    public static func random() -> Self { Self(rawValue: UUID().uuidString.lowercased()) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Identifies a ``User``.
public struct UserID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a ``Profile``.
public struct ProfileID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a ``PermissionSet``.
public struct PermissionSetID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a ``ConnectedApp`` inside Gatehouse (distinct from its public OAuth `client_id`).
public struct ConnectedAppID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies one ``ClientSecret`` of a connected app, so that rotation can retire one secret.
public struct ClientSecretID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// The key under which names are unique: case-insensitive, surrounding spaces ignored.
public func uniquenessKey(_ name: String) -> String {
    // ASCII (nearly every name) without Foundation: a sort of a million users computes this for each comparison.
    var bytes = Array(name.utf8)
    guard bytes.allSatisfy({ $0 < 0x80 }) else { return name.trimmingCharacters(in: .whitespaces).lowercased() }
    let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
    guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) })
    else { return "" }
    for index in first...last where (0x41...0x5A).contains(bytes[index]) { bytes[index] |= 0x20 }
    return String(decoding: bytes[first...last], as: UTF8.self)
}
