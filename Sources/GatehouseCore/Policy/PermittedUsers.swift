/// Who may use a connected app.
public enum PermittedUsers: String, CaseIterable, Sendable, Codable {
    /// Any active user may use the app after approving it once on a consent page.
    case allUsersSelfAuthorize = "all-users-self-authorize"
    /// Only users whose profile, or one of whose permission sets, grants the app; they see no consent page.
    case adminApprovedPreauthorized = "admin-approved-preauthorized"
}

/// How access tokens of an app are encoded.
public enum AccessTokenFormat: String, CaseIterable, Sendable, Codable {
    /// A signed JWT per RFC 9068, verifiable offline until it expires.
    case jwt
    /// A random handle stored as a hash; checked on every use, so revocation is immediate.
    case opaque
}

/// Whether an admin-approved app refuses users without an assignment, or only reports that it would.
public enum AccessEnforcement: String, CaseIterable, Sendable, Codable {
    /// Users the decision refuses are refused.
    case enforce
    /// Users without an assignment still get in; each such access is logged as "would have refused", so an admin
    /// can fix assignments before enforcing.
    case reportOnly = "report-only"
}
