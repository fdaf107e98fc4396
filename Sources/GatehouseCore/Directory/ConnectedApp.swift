import Foundation

/// An OAuth client registered with Gatehouse, with the policies that decide who may use it.
public struct ConnectedApp: Sendable, Hashable, Codable {
    /// The scope of the admin API: a token carrying it acts as its user (or the app's run-as user) with that user's
    /// admin permissions.
    public static let adminScope = "gatehouse.admin"

    public var id: ConnectedAppID
    public var name: String
    /// The public OAuth `client_id` (RFC 6749 §2.2).
    public var clientID: String
    /// Hashes of the current client secrets; more than one while a secret is being rotated.
    public var secrets: [ClientSecret]
    /// Public clients (RFC 6749 §2.1) hold no secret and must use PKCE.
    public var isPublic: Bool
    /// Redirection endpoints, matched exactly (RFC 6749 §3.1.2, RFC 9700 §2.1).
    public var callbackURLs: [String]
    public var scopes: [String]
    public var grantTypes: Set<GrantType>
    public var permittedUsers: PermittedUsers
    public var refreshTokenPolicy: RefreshTokenPolicy
    public var isRefreshTokenRotationEnabled: Bool
    /// The user that client-credentials tokens act for; nil means the tokens act for the app itself.
    public var runAsUser: UserID?
    public var accessTokenFormat: AccessTokenFormat
    public var accessTokenLifetime: PolicyDuration
    public var idTokenLifetime: PolicyDuration
    /// The longest a browser session may be reused for this app: an authorize after this long since the user
    /// signed in needs a fresh sign-in, as `max_age` asks (OIDC Core §3.1.2.1). Nil: as long as the session lasts.
    public var sessionTimeout: PolicyDuration?
    /// Whether the app's users must sign in with a second factor, and what becomes of a session without one.
    public var highAssurance: HighAssurance
    /// Extra claims of the app's ID tokens, JWT access tokens and userinfo.
    public var customAttributes: [CustomAttribute]
    /// Confidential apps may be made to use PKCE too; public apps always do.
    public var requiresPKCE: Bool
    /// A blocked app gets no tokens for anyone, and every token it holds stops working.
    public var isBlocked: Bool
    /// For admin-approved apps: refuse users without an assignment, or only log that it would.
    public var enforcement: AccessEnforcement
    /// How the users' profile login IP ranges apply to this app.
    public var ipRelaxation: IPRelaxation
    /// Addresses that pass the IP check for this app even where a user's profile ranges would refuse them (the
    /// app's own servers, at the token endpoint).
    public var trustedIPRanges: [IPRange]
    /// Public keys (PEM or JWK) that sign this app's JWT bearer assertions (RFC 7523 §2.1).
    public var assertionKeys: [String]
    /// Tokens issued before this instant are dead: set when an admin revokes every grant of the app, so that even
    /// JWT access tokens are refused at introspection.
    public var tokensNotBefore: Date?
    /// A resource server's right to introspect every app's access tokens (never their refresh tokens); without it,
    /// an app introspects only its own (RFC 7662 §2.2, §4).
    public var introspectsAllTokens: Bool
    /// An app Gatehouse made for itself (the admin console, ``console(callbackURLs:)``): never deleted, and what it
    /// is — client id, client type, callbacks, grant types, scopes, PKCE — is Gatehouse's to set. Admins set who may
    /// use it and its token policies, as for any app.
    public var isBuiltIn: Bool

    public init(
        id: ConnectedAppID = .random(),
        name: String,
        clientID: String,
        secrets: [ClientSecret] = [],
        isPublic: Bool = false,
        callbackURLs: [String] = [],
        scopes: [String] = ["openid"],
        grantTypes: Set<GrantType> = [.authorizationCode, .refreshToken],
        permittedUsers: PermittedUsers = .allUsersSelfAuthorize,
        refreshTokenPolicy: RefreshTokenPolicy = .validUntilRevoked,
        isRefreshTokenRotationEnabled: Bool = true,
        runAsUser: UserID? = nil,
        accessTokenFormat: AccessTokenFormat = .jwt,
        accessTokenLifetime: PolicyDuration = ConnectedApp.defaultAccessTokenLifetime,
        idTokenLifetime: PolicyDuration = ConnectedApp.defaultIDTokenLifetime,
        sessionTimeout: PolicyDuration? = nil,
        highAssurance: HighAssurance = .none,
        customAttributes: [CustomAttribute] = [],
        requiresPKCE: Bool = true,
        isBlocked: Bool = false,
        enforcement: AccessEnforcement = .enforce,
        ipRelaxation: IPRelaxation = .enforce,
        trustedIPRanges: [IPRange] = [],
        assertionKeys: [String] = [],
        tokensNotBefore: Date? = nil,
        introspectsAllTokens: Bool = false,
        isBuiltIn: Bool = false
    ) {
        self.id = id
        self.name = name
        self.clientID = clientID
        self.secrets = secrets
        self.isPublic = isPublic
        self.callbackURLs = callbackURLs
        self.scopes = scopes
        self.grantTypes = grantTypes
        self.permittedUsers = permittedUsers
        self.refreshTokenPolicy = refreshTokenPolicy
        self.isRefreshTokenRotationEnabled = isRefreshTokenRotationEnabled
        self.runAsUser = runAsUser
        self.accessTokenFormat = accessTokenFormat
        self.accessTokenLifetime = accessTokenLifetime
        self.idTokenLifetime = idTokenLifetime
        self.sessionTimeout = sessionTimeout
        self.highAssurance = highAssurance
        self.customAttributes = customAttributes
        self.requiresPKCE = requiresPKCE
        self.isBlocked = isBlocked
        self.enforcement = enforcement
        self.ipRelaxation = ipRelaxation
        self.trustedIPRanges = trustedIPRanges
        self.assertionKeys = assertionKeys
        self.tokensNotBefore = tokensNotBefore
        self.introspectsAllTokens = introspectsAllTokens
        self.isBuiltIn = isBuiltIn
    }

    /// Whether `redirectURI` is one of the app's callback URLs: matched exactly (RFC 9700 §2.1), except that a native
    /// app's loopback callback (`http://127.0.0.1/…`, `http://[::1]/…`) may name any port (RFC 8252 §7.3).
    public func acceptsCallback(_ redirectURI: String) -> Bool {
        if callbackURLs.contains(redirectURI) { return true }
        guard let requested = Self.loopbackWithoutPort(redirectURI) else { return false }
        return callbackURLs.contains { Self.loopbackWithoutPort($0) == requested }
    }

    /// An `http` URL on a literal loopback address with its port removed; nil for any other URL.
    private static func loopbackWithoutPort(_ text: String) -> String? {
        guard var components = URLComponents(string: text), components.scheme == "http",
            let host = components.host, FieldRules.isLoopback(host: host), components.user == nil,
            components.password == nil
        else { return nil }
        components.port = nil
        return components.string
    }

    /// Whether a token issued at `issuedAt` predates the app's last revoke-all.
    public func predatesRevocation(_ issuedAt: Date?) -> Bool {
        guard let tokensNotBefore else { return false }
        guard let issuedAt else { return true }
        return issuedAt < tokensNotBefore
    }

    /// Short by default: a JWT access token checked offline can only lapse at its expiry.
    public static let defaultAccessTokenLifetime = PolicyDuration(seconds: 300)
    public static let defaultIDTokenLifetime = PolicyDuration(seconds: 3_600)
    /// The longest access-token lifetime an app may be given (a day): a revocation is kept this long.
    public static let maximumAccessTokenLifetime: Int64 = 86_400
    /// Thirty days: a session timeout is a reason to sign in again, not a session's lifetime.
    public static let maximumSessionTimeout: Int64 = 30 * 86_400
}

/// One client secret of an app, stored only as a keyed hash (see ``SecretHasher``).
public struct ClientSecret: Sendable, Hashable, Codable {
    public var id: ClientSecretID
    /// `hmac-sha256:<key id>:<hex digest>`.
    public var hash: String
    public var createdAt: Date

    public init(id: ClientSecretID = .random(), hash: String, createdAt: Date) {
        self.id = id
        self.hash = hash
        self.createdAt = createdAt
    }
}
