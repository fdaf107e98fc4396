import Foundation

/// One revocation every node must honour for JWT access tokens, which are checked by signature and so outlive
/// their rows: a whole grant (a replayed code, a reused refresh token, RFC 7009 revocation of a refresh token) or
/// one token by its `jti` (RFC 7009 revocation of a JWT access token). Kept until no token it covers can still be
/// unexpired.
public struct TokenRevocation: Sendable, Hashable {
    /// What is revoked.
    public enum Subject: Sendable, Hashable {
        case grant(GrantID)
        case token(jti: String)
    }

    public var subject: Subject
    /// After this instant every token the revocation covers has expired anyway, so it can be forgotten.
    public var keepUntil: Date

    public init(_ subject: Subject, keepUntil: Date) {
        self.subject = subject
        self.keepUntil = keepUntil
    }

    /// A grant revoked at `time`: its JWTs live at most the longest access-token lifetime an app may have.
    public static func grant(_ grant: GrantID, revokedAt time: Date) -> TokenRevocation {
        TokenRevocation(
            .grant(grant), keepUntil: time.addingTimeInterval(Double(ConnectedApp.maximumAccessTokenLifetime)))
    }
}

/// The revocations in force, held in memory by every node so that checking a JWT costs no database read.
public struct RevocationList: Sendable, Equatable {
    private var grants: [GrantID: Date] = [:]
    private var tokens: [String: Date] = [:]

    public init(_ revocations: [TokenRevocation] = []) {
        for revocation in revocations { insert(revocation) }
    }

    /// How many revocations are held.
    public var count: Int { grants.count + tokens.count }

    /// Whether a token from `grant` with `jti` has been revoked, by its grant or by itself.
    public func isRevoked(grant: GrantID?, jti: String?) -> Bool {
        if let grant, grants[grant] != nil { return true }
        if let jti, tokens[jti] != nil { return true }
        return false
    }

    public mutating func insert(_ revocation: TokenRevocation) {
        switch revocation.subject {
        case .grant(let id): grants[id] = max(grants[id] ?? .distantPast, revocation.keepUntil)
        case .token(let jti): tokens[jti] = max(tokens[jti] ?? .distantPast, revocation.keepUntil)
        }
    }

    /// Forgets revocations whose tokens have all expired by `time`.
    public mutating func prune(at time: Date) {
        grants = grants.filter { $0.value >= time }
        tokens = tokens.filter { $0.value >= time }
    }
}
