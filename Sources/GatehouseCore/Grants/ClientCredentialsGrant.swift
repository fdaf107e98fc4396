import Foundation

/// RFC 6749 §4.4: an app authenticates and gets a token for its run-as user, or for itself.
public struct ClientCredentialsGrant: GrantHandler {
    public let grantType = GrantType.clientCredentials

    public init() {}

    public func claim(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> GrantClaim<
        Void
    > {
        var runAs: User?
        if let id = app.runAsUser {
            guard let user = try await context.users.user(id) else {
                throw OAuthError.invalidGrant("the app's run-as user no longer exists", reason: .runAsUserMissing)
            }
            runAs = user
        }
        // RFC 6749 §3.3: no scope means the app's default scopes.
        return GrantClaim(user: runAs, scopes: .requested(request["scope"]), evidence: ())
    }

    public func issue(_ grant: AuthorizedGrant<Void>, app: ConnectedApp, context: GrantContext) async throws
        -> JSONObject
    {
        try await TokenMinting.accessTokenOnly(for: grant, app: app, context: context)
    }
}
