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
        if grant.revokedAt != nil {
            throw OAuthError.invalidGrant("refresh token was revoked", reason: "refresh_token_revoked")
        }
        if record.retiredAt != nil { throw try await reuse(of: grant, context: context) }
        if isExpired(record, grant: grant, policy: app.refreshTokenPolicy, at: context.now) {
            throw OAuthError.invalidGrant("expired refresh token", reason: "refresh_token_expired")
        }
        // RFC 6749 §6: the scope may narrow, never widen.
        let scopes = try narrowedScopes(request["scope"], grant: grant)
        guard let userID = grant.user, let user = context.directory.users[userID] else {
            throw OAuthError.invalidGrant("the user no longer exists", reason: "user_missing")
        }
        try context.requireAccess(user: user, app: app, flow: .refresh)

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
        case .notFound:  // purged or deleted between the read and the write: nothing was stored
            throw OAuthError.invalidGrant("refresh token is invalid", reason: "refresh_token_invalid")
        }
        return minted.response
    }

    private func reuse(of grant: Grant, context: GrantContext) async throws -> OAuthError {
        try await context.store.revokeGrant(grant.id, at: context.now)
        return OAuthError.invalidGrant(
            "refresh token was already used; its grant has been revoked", reason: "refresh_token_reused")
    }

    /// The policy as it is now, not as it was when the token was issued (DESIGN.md: checked on every use).
    public func isExpired(_ record: RefreshTokenRecord, grant: Grant, policy: RefreshTokenPolicy, at now: Date) -> Bool
    {
        switch policy {
        case .validUntilRevoked: false
        case .immediatelyExpire: true
        case .expireAfter(let duration): grant.createdAt.addingTimeInterval(Double(duration.seconds)) <= now
        case .expireIfUnused(let duration): record.lastUsedAt.addingTimeInterval(Double(duration.seconds)) <= now
        }
    }

    private func narrowedScopes(_ parameter: String?, grant: Grant) throws(OAuthError) -> Scopes {
        guard let parameter, parameter.contains(where: { $0 != " " }) else { return grant.scopes }
        guard let requested = Scopes(parameter: parameter) else { throw .invalidRequest("scope is malformed") }
        guard requested.isSubset(of: grant.scopes) else {
            throw .invalidScope("a refresh may narrow the granted scopes, never widen them")
        }
        return requested
    }
}
