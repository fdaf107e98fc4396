import Crypto
import Foundation

/// Identifies a ``Grant``.
public struct GrantID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// How a grant came to be; recorded on grants and login events.
public enum GrantFlow: String, Sendable, Codable, CaseIterable {
    case authorizationCode = "authorization_code"
    case clientCredentials = "client_credentials"
    case jwtBearer = "jwt_bearer"
}

/// One authorization of one app by one user (or of one app for itself): its scopes, when it was made, and the
/// tokens that hang from it. Revoking the grant revokes every token issued from it.
public struct Grant: Sendable, Hashable {
    public var id: GrantID
    public var app: ConnectedAppID
    /// Nil when client-credentials tokens act for the app itself.
    public var user: UserID?
    public var scopes: Scopes
    public var flow: GrantFlow
    public var createdAt: Date
    /// When the user authenticated (OIDC Core §2 `auth_time`), for ID tokens issued on refresh.
    public var authTime: Date?
    /// How they did (RFC 8176 `amr`); nil for a grant made without a user step (client credentials, JWT bearer).
    public var amr: AuthenticationMethods?
    public var revokedAt: Date?

    public init(
        id: GrantID = .random(), app: ConnectedAppID, user: UserID?, scopes: Scopes, flow: GrantFlow, createdAt: Date,
        authTime: Date? = nil, amr: AuthenticationMethods? = nil, revokedAt: Date? = nil
    ) {
        self.id = id
        self.app = app
        self.user = user
        self.scopes = scopes
        self.flow = flow
        self.createdAt = createdAt
        self.authTime = authTime
        self.amr = amr
        self.revokedAt = revokedAt
    }

    /// When and how the user authenticated, for the tokens the grant issues; nil without a user step.
    public var authentication: Authentication? {
        authTime.map { Authentication(time: $0, methods: amr ?? .password) }
    }
}

/// An opaque access token as stored: only its hash.
public struct OpaqueAccessToken: Sendable, Hashable {
    public var tokenHash: String
    /// Nil for client-credentials tokens, which hang from no user's authorization.
    public var grant: GrantID?
    public var app: ConnectedAppID
    public var user: UserID?
    public var scopes: Scopes
    public var jti: String
    public var issuedAt: Date
    public var expiresAt: Date

    public init(
        tokenHash: String, grant: GrantID?, app: ConnectedAppID, user: UserID?, scopes: Scopes, jti: String,
        issuedAt: Date, expiresAt: Date
    ) {
        self.tokenHash = tokenHash
        self.grant = grant
        self.app = app
        self.user = user
        self.scopes = scopes
        self.jti = jti
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}

/// Random token values and their storage hashes. Tokens carry 256 bits of randomness, so a plain SHA-256 is
/// enough to make a stolen table useless; lookups are by hash, so no comparison of secrets happens at all.
public enum TokenValue {
    /// 32 random bytes, base64url (43 characters), after a short prefix that tells token kinds apart in logs
    /// and secret scanners without revealing anything.
    public static func generate(prefix: String) -> String {
        prefix + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncodedString()
    }

    /// SHA-256, hex.
    public static func hash(_ token: String) -> String { Data(SHA256.hash(data: Data(token.utf8))).hexString }
}
