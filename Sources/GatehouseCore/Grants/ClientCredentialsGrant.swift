import Foundation

/// RFC 6749 §4.4: an app authenticates and gets a token for its run-as user, or for itself.
public struct ClientCredentialsGrant: GrantHandler {
    public let grantType = GrantType.clientCredentials

    public init() {}

    public func handle(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> JSONObject {
        // RFC 6749 §3.3: no scope means the app's default scopes; user-facing scopes make no sense here.
        let defaults = Scopes(app.scopes.filter { $0 != "openid" && $0 != "offline_access" })
        let scopes = try ScopeResolution.resolve(requested: request["scope"], for: app, defaults: defaults)
        var runAs: User?
        if let id = app.runAsUser {
            guard let user = context.directory.users[id] else {
                throw OAuthError.invalidGrant("the app's run-as user no longer exists", reason: "run_as_user_missing")
            }
            runAs = user
        }
        try context.requireAccess(user: runAs, app: app, flow: .clientCredentials)
        let token = try context.issuer.accessToken(
            app: app, user: runAs, scopes: scopes, grant: nil, authTime: nil, at: context.now, keys: context.keys)
        if let record = token.opaqueRecord { try await context.store.saveAccessToken(record) }
        // RFC 6749 §4.4.3: no refresh token.
        return TokenResponse.members(token, scopes: scopes)
    }
}
