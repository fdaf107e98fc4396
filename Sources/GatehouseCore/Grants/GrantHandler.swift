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

/// What a grant handler needs, passed in: the snapshot it decides on, the keys, the clock's reading, storage.
public struct GrantContext: Sendable {
    public var directory: Directory
    public var approvals: ApprovalBook
    public var keys: KeyRing
    public var now: Date
    public var issuer: TokenIssuer
    public var store: any TokenStore
    public var clientIP: String?
    /// What the handler learns about the attempt (the user, the decision), for login history.
    public let attempt: LoginAttempt

    public init(
        directory: Directory, approvals: ApprovalBook = ApprovalBook(), keys: KeyRing, now: Date, issuer: TokenIssuer,
        store: any TokenStore, clientIP: String?, attempt: LoginAttempt = LoginAttempt()
    ) {
        self.directory = directory
        self.approvals = approvals
        self.keys = keys
        self.now = now
        self.issuer = issuer
        self.store = store
        self.clientIP = clientIP
        self.attempt = attempt
    }

    /// Runs the access decision; a refusal becomes the token endpoint's error (DESIGN.md "Refusals").
    func requireAccess(
        user: User?, app: ConnectedApp, flow: AccessFlow, refreshToken: RefreshTokenUse? = nil
    ) throws(OAuthError) {
        let approval = user.flatMap { approvals.approval(user: $0.id, app: app.id) }
        let decision = AccessPolicy.decide(
            user: user, app: app,
            context: AccessContext(
                flow: flow, time: now, clientIP: clientIP, approval: approval, refreshToken: refreshToken),
            in: directory)
        attempt.note(user: user, decision: decision)
        if let refusal = decision.refusal { throw OAuthError.refusal(refusal) }
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

/// One grant type of the token endpoint (RFC 6749 §4), dispatched by `grant_type` as in fosite.
public protocol GrantHandler: Sendable {
    /// The `grant_type` value this handler serves.
    var grantType: GrantType { get }
    /// The token response's members (RFC 6749 §5.1), or an ``OAuthError``.
    func handle(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> JSONObject
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
