/// Who may use a connected app.
public enum PermittedUsers: String, CaseIterable, Sendable, Codable {
    /// Any active user may use the app after approving it once on a consent page.
    case allUsersSelfAuthorize = "all-users-self-authorize"
    /// Only users whose profile, or one of whose permission sets, grants the app; they see no consent page.
    case adminApprovedPreauthorized = "admin-approved-preauthorized"
}

/// The OAuth grant types an app may use (RFC 6749 §4, RFC 7523 §2.1).
public enum GrantType: String, CaseIterable, Sendable, Codable, Comparable {
    case authorizationCode = "authorization_code"
    case refreshToken = "refresh_token"
    case clientCredentials = "client_credentials"
    case jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

    /// Listing order: the order of RFC 6749 §4, then extension grants.
    private var rank: Int {
        switch self {
        case .authorizationCode: 0
        case .refreshToken: 1
        case .clientCredentials: 2
        case .jwtBearer: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
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
