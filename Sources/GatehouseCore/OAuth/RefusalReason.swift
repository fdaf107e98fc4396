/// Every stable reason Gatehouse gives for a refusal, on the wire (`reason`), in login history and in the CLI. The
/// compiler checks each use; docs/errors.md catalogues every case (a test holds the two together).
public enum RefusalReason: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    // The access decision (AccessPolicy).
    case appBlocked = "app_blocked"
    case userInactive = "user_inactive"
    case userNotAdminApproved = "user_not_admin_approved"
    case userNotApproved = "user_not_approved"
    case refreshTokenExpired = "refresh_token_expired"
    case ipRestricted = "ip_restricted"
    case outsideLoginHours = "outside_login_hours"
    case highAssuranceRequired = "high_assurance_required"
    // The authorization endpoint.
    case consentDenied = "consent_denied"
    case loginRequired = "login_required"
    case consentRequired = "consent_required"
    case pkceRequired = "pkce_required"
    case requestNotSupported = "request_not_supported"
    case scopeNotAllowed = "scope_not_allowed"
    // Sign-in.
    case invalidCredentials = "invalid_credentials"
    case invalidSecondFactor = "invalid_second_factor"
    case loginThrottled = "login_throttled"
    case signInBusy = "sign_in_busy"
    // The token endpoint.
    case clientAuthenticationFailed = "client_authentication_failed"
    case grantTypeNotEnabled = "grant_type_not_enabled"
    case codeInvalid = "code_invalid"
    case codeExpired = "code_expired"
    case codeReused = "code_reused"
    case redirectURIMismatch = "redirect_uri_mismatch"
    case pkceFailed = "pkce_failed"
    case refreshTokenInvalid = "refresh_token_invalid"
    case refreshTokenRevoked = "refresh_token_revoked"
    case refreshTokenReused = "refresh_token_reused"
    case userMissing = "user_missing"
    case runAsUserMissing = "run_as_user_missing"
    case assertionKeyMissing = "assertion_key_missing"
    case assertionInvalid = "assertion_invalid"
    case assertionExpired = "assertion_expired"
    case assertionReplayed = "assertion_replayed"
    // Protected resources.
    case tokenInactive = "token_inactive"
    // Any endpoint.
    case storageUnavailable = "storage_unavailable"
}

extension RefusalReason: CustomStringConvertible {
    public var description: String { rawValue }
}
