import Foundation

/// RFC 6749 §6: a refresh token buys a new access token. The app's refresh-token policy is checked on every
/// use; with rotation on, the old token retires and presenting it again revokes the whole grant.
public struct RefreshTokenGrant: GrantHandler {
    public let grantType = GrantType.refreshToken

    public init() {}

    public func handle(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> JSONObject {
        let hash = TokenValue.hash(try request.required("refresh_token"))
        guard let (record, grant) = try await context.store.refreshToken(hash: hash), grant.app == app.id else {
            throw OAuthError.invalidGrant("refresh token is invalid", reason: "refresh_token_invalid")
        }
        let user = grant.user.flatMap { context.directory.users[$0] }
        if let user { context.attempt.note(attemptedUsername: user.username) }
        if grant.revokedAt != nil { throw OAuthError.refusal(.refreshTokenRevoked) }
        if record.retiredAt != nil { throw try await reuse(of: grant, context: context) }
        // RFC 6749 §6: the scope may narrow, never widen; and never beyond what the app is allowed now.
        let scopes = try refreshedScopes(request["scope"], grant: grant, app: app)
        guard let user else { throw OAuthError.invalidGrant("the user no longer exists", reason: "user_missing") }
        // The decision includes the refresh-token policy as it is now, not as it was when the token was issued.
        try context.requireAccess(user: user, app: app, flow: .refresh, refreshToken: record.use(of: grant))

        // Every check passed: use (with rotation, retire) the token and store the new ones, atomically.
        let rotate = app.isRefreshTokenRotationEnabled
        let minted = try TokenMinting.tokens(
            for: grant, app: app, user: user, scopes: scopes, nonce: nil, context: context, issueRefreshToken: rotate,
            refreshExpiresAt: .some(record.expiresAt))
        let outcome = try await context.store.completeRefresh(
            hash: hash, retire: rotate, issued: minted.records, at: context.now)
        switch outcome {
        case .current: break
        case .reused: throw try await reuse(of: grant, context: context)
        case .grantRevoked: throw OAuthError.refusal(.refreshTokenRevoked)
        case .notFound:  // purged or deleted between the read and the write: nothing was stored
            throw OAuthError.invalidGrant("refresh token is invalid", reason: "refresh_token_invalid")
        }
        return minted.response
    }

    private func reuse(of grant: Grant, context: GrantContext) async throws -> OAuthError {
        try await context.store.revokeGrant(grant.id, at: context.now)
        return OAuthError.refusal(.refreshTokenReused)
    }

    /// Without `scope`, the granted scopes the app still allows (an admin may have removed some since: the response's
    /// `scope` then says what was issued, RFC 6749 §5.1). With it, a subset of those; a removed one is `invalid_scope`.
    private func refreshedScopes(_ parameter: String?, grant: Grant, app: ConnectedApp) throws(OAuthError) -> Scopes {
        let allowed = Scopes(grant.scopes.values.filter(app.scopes.contains))
        guard let parameter, parameter.contains(where: { $0 != " " }) else { return allowed }
        guard let requested = Scopes(parameter: parameter) else { throw .invalidRequest("scope is malformed") }
        guard requested.isSubset(of: grant.scopes) else {
            throw .invalidScope("a refresh may narrow the granted scopes, never widen them")
        }
        if let removed = requested.values.first(where: { !app.scopes.contains($0) }) {
            throw .invalidScope("scope '\(removed)' is no longer allowed for this app")
        }
        return requested
    }
}
