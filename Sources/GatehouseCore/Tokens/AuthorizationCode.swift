import Foundation

/// An authorization code as stored (RFC 6749 §4.1.2): only its hash, bound to the client, the callback URL,
/// the PKCE challenge and the user; single use and short-lived.
public struct AuthorizationCodeRecord: Sendable, Hashable {
    public var codeHash: String
    public var app: ConnectedAppID
    public var user: UserID
    public var redirectURI: String
    public var scopes: Scopes
    /// RFC 7636 S256 challenge; nil only for confidential apps that do not require PKCE and sent none.
    public var codeChallenge: String?
    public var nonce: String?
    public var authTime: Date
    /// How the session that approved the code was authenticated.
    public var amr: AuthenticationMethods
    public var createdAt: Date
    public var expiresAt: Date
    /// Set when the code is exchanged; a second exchange by the same app finds it set and revokes ``grant``.
    public var consumedAt: Date?
    /// The grant the first exchange created.
    public var grant: GrantID?

    public init(
        codeHash: String, app: ConnectedAppID, user: UserID, redirectURI: String, scopes: Scopes,
        codeChallenge: String?,
        nonce: String?, authTime: Date, amr: AuthenticationMethods = .password, createdAt: Date, expiresAt: Date,
        consumedAt: Date? = nil, grant: GrantID? = nil
    ) {
        self.codeHash = codeHash
        self.app = app
        self.user = user
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.codeChallenge = codeChallenge
        self.nonce = nonce
        self.authTime = authTime
        self.amr = amr
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
        self.grant = grant
    }

    /// RFC 6749 §4.1.2 recommends at most ten minutes; one is plenty for a redirect and a back-channel call.
    public static let lifetime: TimeInterval = 60
}

/// A refresh token as stored: only its hash, hanging from a grant.
public struct RefreshTokenRecord: Sendable, Hashable {
    public var tokenHash: String
    public var grant: GrantID
    public var createdAt: Date
    /// From the app's `expire-after` policy, fixed when the grant's first refresh token was issued.
    public var expiresAt: Date?
    public var lastUsedAt: Date
    /// Set when rotation replaced this token; presenting it again is reuse.
    public var retiredAt: Date?

    public init(
        tokenHash: String, grant: GrantID, createdAt: Date, expiresAt: Date?, lastUsedAt: Date, retiredAt: Date? = nil
    ) {
        self.tokenHash = tokenHash
        self.grant = grant
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.retiredAt = retiredAt
    }
}

/// The outcome of trying to consume an authorization code.
public enum CodeConsumption: Sendable, Equatable {
    /// The code was valid and is now consumed; exchange it.
    case consumed(AuthorizationCodeRecord)
    /// The code was already consumed: a replay. Its grant, if the first exchange linked one, is revoked; if not yet,
    /// that exchange will store nothing (RFC 6749 §4.1.2).
    case replayed(AuthorizationCodeRecord)
    /// No such code, or a code of another app (which is left untouched).
    case notFound
}

/// The outcome of trying to rotate a refresh token.
public enum RefreshRotation: Sendable, Equatable {
    /// The token was current and is now retired (or kept, without rotation).
    case current(RefreshTokenRecord)
    /// The token had already been retired: reuse. The whole grant must be revoked.
    case reused(RefreshTokenRecord)
    /// The grant was revoked while the refresh was being decided: nothing was stored.
    case grantRevoked
    case notFound
}

/// The rows one token response adds: an opaque access token and a refresh token, either or both absent.
public struct IssuedTokenRecords: Sendable, Equatable {
    public var accessToken: OpaqueAccessToken?
    public var refreshToken: RefreshTokenRecord?

    public init(accessToken: OpaqueAccessToken? = nil, refreshToken: RefreshTokenRecord? = nil) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
    }
}

/// Storage of grants and of the tokens that hang from them, keyed by hash (narrow, as in fosite). Each token
/// response costs one write transaction.
public protocol TokenStore: Sendable {
    /// A grant by id, revoked or not.
    func grant(_ id: GrantID) async throws -> Grant?
    /// Revokes a grant: its opaque access tokens are deleted, its refresh tokens stay (refused as revoked), and every
    /// node refuses its JWT access tokens (``TokenRevocation``).
    func revokeGrant(_ id: GrantID, at time: Date) async throws
    /// Revokes one JWT access token by its `jti` until it expires, on every node (RFC 7009 §2.1).
    func revokeAccessToken(jti: String, expiresAt: Date) async throws

    /// Stores an opaque access token that hangs from no grant (client credentials).
    func saveAccessToken(_ token: OpaqueAccessToken) async throws
    /// An opaque access token by hash (revoking a grant deletes its access tokens).
    func accessToken(hash: String) async throws -> OpaqueAccessToken?
    /// Deletes one opaque access token.
    func deleteAccessToken(hash: String) async throws

    /// Stores a new authorization code.
    func saveCode(_ code: AuthorizationCodeRecord) async throws
    /// Marks `app`'s code consumed, atomically: exactly one caller ever gets `.consumed`. Another app's code is
    /// `.notFound` and stays as it was; a second exchange by `app` is `.replayed` and revokes what the first issued.
    func consumeCode(hash: String, app: ConnectedAppID, at time: Date) async throws -> CodeConsumption
    /// Stores the grant a consumed code produced, links it to the code, and stores the issued tokens; false, storing
    /// nothing, when a replay of the code came first.
    func completeCodeExchange(grant: Grant, codeHash: String, issued: IssuedTokenRecords) async throws -> Bool

    /// A refresh token with its grant, in one read.
    func refreshToken(hash: String) async throws -> (token: RefreshTokenRecord, grant: Grant)?
    /// Uses a refresh token (with `retire`, retires it) and stores what the refresh issued, atomically: if the
    /// token was retired meanwhile, nothing is stored and the answer is `.reused`; if its grant was revoked meanwhile,
    /// `.grantRevoked`. A revocation racing the refresh either comes first or also ends what the refresh issued.
    func completeRefresh(hash: String, retire: Bool, issued: IssuedTokenRecords, at time: Date) async throws
        -> RefreshRotation

    /// Records a JWT bearer assertion's `jti` until `expiresAt`, atomically: false when the app already presented it
    /// (a replay).
    func recordAssertion(app: ConnectedAppID, jti: String, expiresAt: Date) async throws -> Bool

    /// Deletes expired codes and access tokens, long-revoked grants and expired refresh tokens; returns rows removed.
    func purgeExpired(before time: Date) async throws -> Int
}

extension RefreshTokenRecord {
    /// This token's use, as the refresh-token policy sees it.
    public func use(of grant: Grant) -> RefreshTokenUse {
        RefreshTokenUse(grantCreatedAt: grant.createdAt, lastUsedAt: lastUsedAt)
    }
}
