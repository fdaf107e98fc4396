import Foundation

/// RFC 6749 §4.1.3: exchanges a single-use code, bound to the client, the callback URL and the PKCE verifier.
public struct AuthorizationCodeGrant: GrantHandler {
    public let grantType = GrantType.authorizationCode

    public init() {}

    public struct Evidence: Sendable {
        var record: AuthorizationCodeRecord
        var user: User
    }

    public func claim(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws
        -> GrantClaim<Evidence>
    {
        let code = try request.required("code")
        let redirectURI = try request.required("redirect_uri")
        let record: AuthorizationCodeRecord
        // Bound to this client before anything is consumed or revoked: another app's code is merely invalid here.
        switch try await context.store.consumeCode(hash: TokenValue.hash(code), app: app.id, at: context.now) {
        case .notFound:
            throw OAuthError.invalidGrant("authorization code is invalid", reason: .codeInvalid)
        case .replayed:
            // RFC 6749 §4.1.2: a code used twice revokes every token issued from it (the store has done so).
            throw Self.codeReused
        case .consumed(let consumed):
            record = consumed
        }
        let user = try await context.users.user(record.user)
        if let user { context.attempt.note(user: user) }
        guard record.app == app.id else {
            throw OAuthError.invalidGrant("authorization code was issued to another client", reason: .codeInvalid)
        }
        guard record.expiresAt > context.now else {
            throw OAuthError.invalidGrant("authorization code has expired", reason: .codeExpired)
        }
        guard record.redirectURI == redirectURI else {
            throw OAuthError.invalidGrant(
                "redirect_uri differs from the authorization request's", reason: .redirectURIMismatch)
        }
        try verifyPKCE(record: record, verifier: request["code_verifier"])
        guard let user else {
            throw OAuthError.invalidGrant("the user no longer exists", reason: .userMissing)
        }
        return GrantClaim(
            user: user, scopes: .granted(record.scopes, narrowedTo: nil), authentication: record.amr,
            evidence: Evidence(record: record, user: user))
    }

    public func issue(_ authorized: AuthorizedGrant<Evidence>, app: ConnectedApp, context: GrantContext) async throws
        -> JSONObject
    {
        let record = authorized.evidence.record
        let grant = Grant(
            app: app.id, user: record.user, scopes: authorized.scopes, flow: .authorizationCode,
            createdAt: context.now, authTime: record.authTime, amr: record.amr)
        let minted = try TokenMinting.tokens(
            for: grant, app: app, user: authorized.evidence.user, nonce: record.nonce, context: context,
            issueRefreshToken: true)
        guard
            try await context.store.completeCodeExchange(
                grant: grant, codeHash: record.codeHash, issued: minted.records)
        else { throw Self.codeReused }  // replayed while this exchange was being decided: nothing was stored
        return minted.response
    }

    private static let codeReused = OAuthError.invalidGrant(
        "authorization code was already used; the tokens issued from it have been revoked", reason: .codeReused)

    /// RFC 7636 §4.6, and RFC 9700 §4.8.2: a verifier for a code issued without a challenge is refused too.
    private func verifyPKCE(record: AuthorizationCodeRecord, verifier: String?) throws(OAuthError) {
        switch (record.codeChallenge, verifier) {
        case (nil, nil): return
        case (nil, .some):
            throw .invalidGrant(
                "code_verifier was sent but the authorization request had no code_challenge", reason: .pkceFailed)
        case (.some, nil):
            throw .invalidGrant("code_verifier is required: the authorization request used PKCE", reason: .pkceFailed)
        case (.some(let challenge), .some(let verifier)):
            guard PKCE.verify(verifier: verifier, challenge: challenge) else {
                throw .invalidGrant("code_verifier does not match the code_challenge", reason: .pkceFailed)
            }
        }
    }
}

/// The tokens a grant issues: for a user grant (the code exchange, refresh) the response and the rows the caller
/// stores in the same transaction as the rest of its change; for a grant the app can simply make again (client
/// credentials, JWT bearer) an access token alone.
enum TokenMinting {
    /// RFC 6749 §4.4.3 and RFC 7523 §2.1: no refresh token, since the app can authenticate or assert again.
    static func accessTokenOnly<Evidence>(
        for grant: AuthorizedGrant<Evidence>, app: ConnectedApp, context: GrantContext
    )
        async throws -> JSONObject
    {
        let token = try context.issuer.accessToken(
            app: app, user: grant.user, scopes: grant.scopes, grant: nil, authentication: nil,
            customClaims: CustomAttribute.claims(
                of: app, for: grant.user, scopes: grant.scopes, in: context.directory), at: context.now,
            keys: context.keys)
        if let record = token.opaqueRecord { try await context.store.saveAccessToken(record) }
        return TokenResponse.members(token, scopes: grant.scopes)
    }

    static func tokens(
        for grant: Grant, app: ConnectedApp, user: User, scopes: Scopes? = nil, nonce: String?, context: GrantContext,
        issueRefreshToken: Bool, refreshExpiresAt: Date?? = nil
    ) throws -> (response: JSONObject, records: IssuedTokenRecords) {
        let scopes = scopes ?? grant.scopes
        let custom = CustomAttribute.claims(of: app, for: user, scopes: scopes, in: context.directory)
        let token = try context.issuer.accessToken(
            app: app, user: user, scopes: scopes, grant: grant.id, authentication: grant.authentication,
            customClaims: custom, at: context.now, keys: context.keys)
        var records = IssuedTokenRecords(accessToken: token.opaqueRecord)
        var response = TokenResponse.members(token, scopes: scopes)
        // DESIGN.md: immediately-expire issues no usable refresh token; the access token lives until it expires.
        if issueRefreshToken, app.grantTypes.contains(.refreshToken), app.refreshTokenPolicy != .immediatelyExpire {
            let value = TokenValue.generate(prefix: "ghr_")
            let expiresAt: Date? =
                switch refreshExpiresAt {
                case .some(let fixed): fixed
                case .none:
                    if case .expireAfter(let duration) = app.refreshTokenPolicy {
                        grant.createdAt.addingTimeInterval(Double(duration.seconds))
                    } else {
                        nil
                    }
                }
            records.refreshToken = RefreshTokenRecord(
                tokenHash: TokenValue.hash(value), grant: grant.id, createdAt: context.now, expiresAt: expiresAt,
                lastUsedAt: context.now)
            response["refresh_token"] = .string(value)
        }
        if scopes.contains("openid") {
            response["id_token"] = .string(
                try context.issuer.idToken(
                    app: app, user: user, scopes: scopes, nonce: nonce, authentication: grant.authentication,
                    accessToken: token.value, customClaims: custom, at: context.now, keys: context.keys))
        }
        return (response, records)
    }
}
