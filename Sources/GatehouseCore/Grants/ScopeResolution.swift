import Foundation

/// What a token request asks for in scopes, before the scope policy decides (RFC 6749 §3.3).
public enum ScopeRequest: Sendable, Equatable {
    /// A new grant made at the token endpoint (client credentials, JWT bearer): the `scope` parameter, or by default
    /// the app's scopes without the user-facing `openid` and `offline_access`.
    case requested(String?)
    /// An existing grant (a code, a refresh token): its scopes the app still allows, or the `scope` parameter
    /// narrowing them (RFC 6749 §6: never widening).
    case granted(Scopes, narrowedTo: String?)
}

/// The scope policy: which scopes a request receives (RFC 6749 §3.3), always within what the app allows now.
public enum ScopeResolution {
    /// The requested scopes if every one is allowed for the app; the app's default scopes when none are
    /// requested (never an error). `invalid_scope` names the first scope the app may not have.
    public static func resolve(requested parameter: String?, for app: ConnectedApp, defaults: Scopes? = nil)
        throws(OAuthError)
        -> Scopes
    {
        guard let requested = try parsed(parameter) else { return defaults ?? Scopes(app.scopes) }
        if let forbidden = requested.values.first(where: { !app.scopes.contains($0) }) {
            throw .invalidScope("scope '\(forbidden)' is not allowed for this app")
        }
        return requested
    }

    /// The scopes a token request receives. Without `scope`, a granted set keeps what the app still allows (an admin
    /// may have removed some since: the response's `scope` then says what was issued, RFC 6749 §5.1); with it, a
    /// subset of the grant, and a scope removed since is `invalid_scope`.
    public static func resolve(_ request: ScopeRequest, for app: ConnectedApp) throws(OAuthError) -> Scopes {
        switch request {
        case .requested(let parameter):
            return try resolve(
                requested: parameter, for: app,
                defaults: Scopes(app.scopes.filter { $0 != "openid" && $0 != "offline_access" }))
        case .granted(let granted, let parameter):
            guard let requested = try parsed(parameter) else {
                let allowed = Scopes(granted.values.filter(app.scopes.contains))
                if allowed.isEmpty && !granted.isEmpty {
                    throw .invalidScope("every scope of this grant has been removed from the app; authorize again")
                }
                return allowed
            }
            guard requested.isSubset(of: granted) else {
                throw .invalidScope("a refresh may narrow the granted scopes, never widen them")
            }
            if let removed = requested.values.first(where: { !app.scopes.contains($0) }) {
                throw .invalidScope("scope '\(removed)' is no longer allowed for this app")
            }
            return requested
        }
    }

    /// The `scope` parameter's scopes; nil when absent or blank.
    private static func parsed(_ parameter: String?) throws(OAuthError) -> Scopes? {
        guard let parameter, parameter.contains(where: { $0 != " " }) else { return nil }
        guard let requested = Scopes(parameter: parameter) else {
            throw .invalidRequest("scope is malformed (RFC 6749 §3.3: space-separated printable ASCII)")
        }
        return requested
    }
}
