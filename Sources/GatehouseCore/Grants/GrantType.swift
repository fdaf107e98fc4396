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

    /// The flow login history and the access decision name this grant by.
    public var accessFlow: AccessFlow {
        switch self {
        case .authorizationCode: .codeExchange
        case .refreshToken: .refresh
        case .clientCredentials: .clientCredentials
        case .jwtBearer: .jwtBearer
        }
    }
}
