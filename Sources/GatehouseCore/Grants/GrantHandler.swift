import Foundation

/// A token request's parameters after form parsing (RFC 6749 §3.2: each at most once).
public struct TokenRequest: Sendable {
    public var parameters: [String: String]

    public init(_ parameters: [String: String]) { self.parameters = parameters }

    public subscript(_ name: String) -> String? { parameters[name] }

    /// A required parameter, or `invalid_request` naming it.
    public func required(_ name: String) throws(OAuthError) -> String {
        guard let value = parameters[name], !value.isEmpty else { throw .invalidRequest("\(name) is required") }
        return value
    }
}

/// What a grant handler needs, passed in: the snapshot it decides on, where its users are found, the keys, the
/// clock's reading, storage.
public struct GrantContext: Sendable {
    public var directory: Directory
    /// The users: a server's cache (ADR 8), or `directory` itself.
    public var users: any UserSource
    public var approvals: ApprovalBook
    public var keys: KeyRing
    public var now: Date
    public var issuer: TokenIssuer
    public var store: any TokenStore
    public var clientIP: String?
    /// What the handler learns about the attempt (the user, the decision), for login history.
    public let attempt: LoginAttempt

    public init(
        directory: Directory, users: (any UserSource)? = nil, approvals: ApprovalBook = ApprovalBook(), keys: KeyRing,
        now: Date, issuer: TokenIssuer, store: any TokenStore, clientIP: String?, attempt: LoginAttempt = LoginAttempt()
    ) {
        self.directory = directory
        self.users = users ?? directory
        self.approvals = approvals
        self.keys = keys
        self.now = now
        self.issuer = issuer
        self.store = store
        self.clientIP = clientIP
        self.attempt = attempt
    }
}

extension OAuthError {
    /// The authorization endpoint's error for a refusal: `access_denied` (RFC 6749 §4.1.2.1), with the reason.
    public static func accessDenied(_ refusal: AccessRefusal) -> OAuthError {
        OAuthError(.accessDenied, refusal.description, reason: refusal.reason)
    }

    /// The token endpoint's error for a refusal of the access decision: `invalid_client` for a blocked app (the
    /// client itself may not be used), `invalid_grant` otherwise (RFC 6749 §5.2).
    public static func refusal(_ refusal: AccessRefusal) -> OAuthError {
        let code: OAuthErrorCode = refusal == .appBlocked ? .invalidClient : .invalidGrant
        return OAuthError(code, refusal.description, reason: refusal.reason)
    }
}

/// One grant type of the token endpoint (RFC 6749 §4), dispatched by `grant_type` as in fosite and run by
/// ``TokenEndpoint`` in two halves around the steps every grant shares (dex's shape): ``claim(_:app:context:)`` reads
/// and checks the grant's own evidence (a code, a refresh token, an assertion) and says whom and what it is for;
/// ``issue(_:app:context:)`` mints and stores the tokens once the scope policy and the access decision allowed it. An
/// ``AuthorizedGrant`` can only be made by ``TokenEndpoint``, so no handler can issue without those steps.
public protocol GrantHandler: Sendable {
    /// What ``claim(_:app:context:)`` hands on to ``issue(_:app:context:)``: the checked evidence.
    associatedtype Evidence: Sendable
    /// The `grant_type` value this handler serves.
    var grantType: GrantType { get }
    /// The grant's own checks. Nothing is issued here; what a check uses up (a code) it may use up.
    func claim(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> GrantClaim<Evidence>
    /// The token response's members (RFC 6749 §5.1) for a grant that passed every shared step.
    func issue(_ grant: AuthorizedGrant<Evidence>, app: ConnectedApp, context: GrantContext) async throws -> JSONObject
}

/// What a grant asks for, before the shared steps decide on it.
public struct GrantClaim<Evidence: Sendable>: Sendable {
    /// The user the tokens act for; nil for an app acting for itself (client credentials without a run-as user).
    public var user: User?
    public var scopes: ScopeRequest
    /// On a refresh: the token presented, for the app's refresh-token policy.
    public var refreshToken: RefreshTokenUse?
    /// How the user authenticated for what is presented (a code's, a refreshed grant's); nil without a user step.
    public var authentication: AuthenticationMethods?
    public var evidence: Evidence

    public init(
        user: User?, scopes: ScopeRequest, refreshToken: RefreshTokenUse? = nil,
        authentication: AuthenticationMethods? = nil, evidence: Evidence
    ) {
        self.user = user
        self.scopes = scopes
        self.refreshToken = refreshToken
        self.authentication = authentication
        self.evidence = evidence
    }
}

/// Builds the members every successful token response has (RFC 6749 §5.1).
enum TokenResponse {
    static func members(_ token: IssuedAccessToken, scopes: Scopes) -> JSONObject {
        [
            "access_token": .string(token.value), "token_type": .string("Bearer"),
            "expires_in": .integer(token.expiresIn),
            "scope": .string(scopes.description),
        ]
    }
}
