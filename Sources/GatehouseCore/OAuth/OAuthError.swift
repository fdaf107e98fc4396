/// The standard OAuth error codes (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, OIDC Core §3.1.2.6).
public enum OAuthErrorCode: String, Sendable, Equatable {
    case invalidRequest = "invalid_request"
    case invalidClient = "invalid_client"
    case invalidGrant = "invalid_grant"
    case unauthorizedClient = "unauthorized_client"
    case unsupportedGrantType = "unsupported_grant_type"
    case invalidScope = "invalid_scope"
    case accessDenied = "access_denied"
    case unsupportedResponseType = "unsupported_response_type"
    case serverError = "server_error"
    case temporarilyUnavailable = "temporarily_unavailable"
    case invalidToken = "invalid_token"
    case insufficientScope = "insufficient_scope"
    case unsupportedTokenType = "unsupported_token_type"
    case loginRequired = "login_required"
    case consentRequired = "consent_required"
    case interactionRequired = "interaction_required"
}

/// An OAuth refusal: the RFC's code for the wire, a human description, and Gatehouse's stable reason code.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: OAuthErrorCode
    /// `error_description`: printable ASCII without `"` or `\` (RFC 6749 §5.2).
    public var message: String
    /// A stable, documented reason (docs/errors.md), e.g. `user_not_admin_approved`.
    public var reason: RefusalReason?

    /// `message` may echo what a client sent: it is bounded and kept to RFC 6749 §5.2's characters here, once, so
    /// that no response, redirect, header or login event carries a control character or a quote from outside.
    public init(_ code: OAuthErrorCode, _ message: String, reason: RefusalReason? = nil) {
        self.code = code
        self.message = UntrustedText.errorDescription(message)
        self.reason = reason
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The HTTP status the token endpoint answers with (RFC 6749 §5.2): 401 for client authentication
    /// failures, 400 for everything the client can fix, 500/503 for the server's own failures.
    public var tokenEndpointStatus: Int {
        switch code {
        case .invalidClient: 401
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    /// The HTTP status for a protected resource such as userinfo (RFC 6750 §3.1).
    public var resourceStatus: Int {
        switch code {
        case .invalidToken: 401
        case .insufficientScope: 403
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    // MARK: Common refusals

    public static func invalidRequest(_ message: String) -> OAuthError { OAuthError(.invalidRequest, message) }
    public static func invalidClient(_ message: String = "client authentication failed") -> OAuthError {
        OAuthError(.invalidClient, message, reason: .clientAuthenticationFailed)
    }
    public static func invalidGrant(_ message: String, reason: RefusalReason) -> OAuthError {
        OAuthError(.invalidGrant, message, reason: reason)
    }
    /// The database could not be reached or could not take the write: RFC 6749 §4.1.2.1's `temporarily_unavailable`
    /// (503 with `Retry-After` on the token, introspection, revocation and userinfo endpoints).
    public static let storageUnavailable = OAuthError(
        .temporarilyUnavailable, "the server cannot reach its database just now; try again in a moment",
        reason: .storageUnavailable)

    public static func invalidScope(_ message: String) -> OAuthError {
        OAuthError(.invalidScope, message, reason: .scopeNotAllowed)
    }
}
