import Foundation

/// RFC 6749 §6: a refresh token buys a new access token. The app's refresh-token policy is checked on every
/// use (the access decision's `refresh_token_policy` step); with rotation on, the old token retires and presenting
/// it again revokes the whole grant.
public struct RefreshTokenGrant: GrantHandler {
    public let grantType = GrantType.refreshToken

    public init() {}

    public struct Evidence: Sendable {
        var hash: String
        var record: RefreshTokenRecord
        var grant: Grant
        var user: User
    }

    public func claim(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws
        -> GrantClaim<Evidence>
    {
        let hash = TokenValue.hash(try request.required("refresh_token"))
        guard let (record, grant) = try await context.store.refreshToken(hash: hash), grant.app == app.id else {
            throw OAuthError.invalidGrant("refresh token is invalid", reason: .refreshTokenInvalid)
        }
        let user: User? = if let id = grant.user { try await context.users.user(id) } else { nil }
        if let user { context.attempt.note(attemptedUsername: user.username) }
        if grant.revokedAt != nil { throw OAuthError.refusal(.refreshTokenRevoked) }
        if record.retiredAt != nil { throw try await reuse(of: grant, context: context) }
        guard let user else { throw OAuthError.invalidGrant("the user no longer exists", reason: .userMissing) }
        // RFC 6749 §6: the scope may narrow, never widen; and never beyond what the app is allowed now.
        return GrantClaim(
            user: user, scopes: .granted(grant.scopes, narrowedTo: request["scope"]),
            refreshToken: record.use(of: grant),
            // A grant from before methods were recorded was made with a password; one without a user step, with none.
            authentication: grant.amr ?? .password,
            evidence: Evidence(hash: hash, record: record, grant: grant, user: user))
    }

    public func issue(_ authorized: AuthorizedGrant<Evidence>, app: ConnectedApp, context: GrantContext) async throws
        -> JSONObject
    {
        let (hash, record, grant) = (authorized.evidence.hash, authorized.evidence.record, authorized.evidence.grant)
        // Use (with rotation, retire) the token and store the new ones, atomically.
        let rotate = app.isRefreshTokenRotationEnabled
        let minted = try TokenMinting.tokens(
            for: grant, app: app, user: authorized.evidence.user, scopes: authorized.scopes, nonce: nil,
            context: context,
            issueRefreshToken: rotate, refreshExpiresAt: .some(record.expiresAt))
        let outcome = try await context.store.completeRefresh(
            hash: hash, retire: rotate, issued: minted.records, at: context.now)
        switch outcome {
        case .current: return minted.response
        case .reused: throw try await reuse(of: grant, context: context)
        case .grantRevoked: throw OAuthError.refusal(.refreshTokenRevoked)
        case .notFound:  // purged or deleted between the read and the write: nothing was stored
            throw OAuthError.invalidGrant("refresh token is invalid", reason: .refreshTokenInvalid)
        }
    }

    private func reuse(of grant: Grant, context: GrantContext) async throws -> OAuthError {
        try await context.store.revokeGrant(grant.id, at: context.now)
        return OAuthError.refusal(.refreshTokenReused)
    }
}
