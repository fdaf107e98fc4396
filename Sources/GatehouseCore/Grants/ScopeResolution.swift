import Foundation

/// Which scopes a request receives (RFC 6749 §3.3).
public enum ScopeResolution {
    /// The requested scopes if every one is allowed for the app; the app's default scopes when none are
    /// requested (never an error). `invalid_scope` names the first scope the app may not have.
    public static func resolve(requested parameter: String?, for app: ConnectedApp, defaults: Scopes? = nil)
        throws(OAuthError)
        -> Scopes
    {
        guard let parameter, parameter.contains(where: { $0 != " " }) else {
            return defaults ?? Scopes(app.scopes)
        }
        guard let requested = Scopes(parameter: parameter) else {
            throw .invalidRequest("scope is malformed (RFC 6749 §3.3: space-separated printable ASCII)")
        }
        if let forbidden = requested.values.first(where: { !app.scopes.contains($0) }) {
            throw .invalidScope("scope '\(forbidden)' is not allowed for this app")
        }
        return requested
    }
}
