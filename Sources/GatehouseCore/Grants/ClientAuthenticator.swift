import Foundation

/// How a client presented its credentials at the token, introspection or revocation endpoint.
public struct PresentedClientCredentials: Sendable, Equatable {
    /// RFC 6749 §2.3.1 and OIDC Core §9: `client_secret_basic`, `client_secret_post`, or `none` (public clients).
    public enum Method: String, Sendable {
        case clientSecretBasic = "client_secret_basic"
        case clientSecretPost = "client_secret_post"
        case none
    }

    public var clientID: String
    public var secret: String?
    public var method: Method

    public init(clientID: String, secret: String?, method: Method) {
        self.clientID = clientID
        self.secret = secret
        self.method = method
    }

    /// Reads credentials from an `Authorization` header value and the form; refuses two methods at once
    /// (RFC 6749 §2.3: "MUST NOT use more than one authentication method in each request").
    public static func read(authorization: String?, form: [String: String]) throws(OAuthError)
        -> PresentedClientCredentials
    {
        let formID = form["client_id"]
        let formSecret = form["client_secret"]
        if let authorization, authorization.utf8.count > 6, authorization.prefix(6).lowercased() == "basic " {
            if formSecret != nil {
                throw .invalidRequest("use one client authentication method: HTTP Basic or client_secret, not both")
            }
            let encoded = String(authorization.dropFirst("basic ".count).drop { $0 == " " })
            guard let data = Data(base64Encoded: encoded), let decoded = String(data: data, encoding: .utf8),
                let colon = decoded.firstIndex(of: ":")
            else { throw .invalidClient("the Authorization header is not valid HTTP Basic credentials") }
            // RFC 6749 §2.3.1: both parts are application/x-www-form-urlencoded before Basic encoding.
            guard let id = formDecode(decoded[..<colon]),
                let secret = formDecode(decoded[decoded.index(after: colon)...])
            else { throw .invalidClient("the Authorization header is not valid HTTP Basic credentials") }
            if let formID, formID != id {
                throw .invalidRequest("client_id in the form differs from the one in the Authorization header")
            }
            return PresentedClientCredentials(clientID: id, secret: secret, method: .clientSecretBasic)
        }
        guard let formID, !formID.isEmpty else {
            throw .invalidClient("client authentication is required: HTTP Basic, or client_id in the form")
        }
        return PresentedClientCredentials(
            clientID: formID, secret: formSecret, method: formSecret == nil ? .none : .clientSecretPost)
    }

    private static func formDecode(_ text: Substring) -> String? {
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(text) }
        return text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Authenticates clients against the in-memory directory: a keyed hash per stored secret, compared in constant
/// time; no database read and no slow KDF on the token path.
public struct ClientAuthenticator: Sendable {
    let hasher: SecretHasher

    public init(hasher: SecretHasher) { self.hasher = hasher }

    /// The authenticated app. Unknown clients, wrong secrets, and secrets sent by public clients are all
    /// `invalid_client` (RFC 6749 §5.2), with one description so that nothing leaks about which part was wrong.
    public func authenticate(_ presented: PresentedClientCredentials, in directory: Directory) throws(OAuthError)
        -> ConnectedApp
    {
        guard let app = directory.app(clientID: presented.clientID) else { throw .invalidClient() }
        if app.isPublic {
            // The same answer as a wrong secret: nothing tells an attacker which apps are public.
            guard presented.secret == nil else { throw .invalidClient() }
        } else {
            guard let secret = presented.secret,
                app.secrets.contains(where: { hasher.verify(secret, against: $0.hash) })
            else { throw .invalidClient() }
        }
        if app.isBlocked { throw OAuthError(.invalidClient, "this app is blocked by admin", reason: .appBlocked) }
        return app
    }
}
