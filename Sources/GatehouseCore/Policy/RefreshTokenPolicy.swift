import Foundation

/// How long a refresh token stays usable. Checked every time a refresh token is used.
public enum RefreshTokenPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Usable until revoked (the default).
    case validUntilRevoked
    /// No usable refresh token is issued: the access token lives until it expires, then the user authorizes again.
    case immediatelyExpire
    /// Usable for a fixed time after the grant was made.
    case expireAfter(PolicyDuration)
    /// Usable while it is used at least once per period.
    case expireIfUnused(PolicyDuration)

    /// Parses the config and CLI form: `valid-until-revoked`, `immediately-expire`, `expire-after 30d`,
    /// `expire-if-unused 7d`.
    public init?(parsing text: String) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch (words.first, words.count) {
        case ("valid-until-revoked", 1): self = .validUntilRevoked
        case ("immediately-expire", 1): self = .immediatelyExpire
        case ("expire-after", 2):
            guard let duration = PolicyDuration(parsing: words[1]) else { return nil }
            self = .expireAfter(duration)
        case ("expire-if-unused", 2):
            guard let duration = PolicyDuration(parsing: words[1]) else { return nil }
            self = .expireIfUnused(duration)
        default: return nil
        }
    }

    /// The accepted spellings, for error messages and `--help`.
    public static let syntax =
        "valid-until-revoked | immediately-expire | expire-after <duration> | expire-if-unused <duration> (duration: e.g. 30d, 12h, 15m)"

    public var description: String {
        switch self {
        case .validUntilRevoked: "valid-until-revoked"
        case .immediatelyExpire: "immediately-expire"
        case .expireAfter(let duration): "expire-after \(duration)"
        case .expireIfUnused(let duration): "expire-if-unused \(duration)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let policy = RefreshTokenPolicy(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected \(Self.syntax)")
        }
        self = policy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A refresh token being used, as the refresh-token policy sees it.
public struct RefreshTokenUse: Sendable, Equatable {
    /// When the grant the token hangs from was made.
    public var grantCreatedAt: Date
    /// When the token (or the one it replaced) was last used, or issued.
    public var lastUsedAt: Date

    public init(grantCreatedAt: Date, lastUsedAt: Date) {
        self.grantCreatedAt = grantCreatedAt
        self.lastUsedAt = lastUsedAt
    }
}

extension RefreshTokenPolicy {
    /// Whether the policy as it is now (not as it was when the token was issued) refuses `use` at `now`.
    public func refuses(_ use: RefreshTokenUse, at now: Date) -> Bool {
        switch self {
        case .validUntilRevoked: false
        case .immediatelyExpire: true
        case .expireAfter(let duration): use.grantCreatedAt.addingTimeInterval(Double(duration.seconds)) <= now
        case .expireIfUnused(let duration): use.lastUsedAt.addingTimeInterval(Double(duration.seconds)) <= now
        }
    }
}
