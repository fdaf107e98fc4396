import Foundation

/// RFC 6749 §4.1.3: exchanges a single-use code, bound to the client, the callback URL and the PKCE verifier.
public struct AuthorizationCodeGrant: GrantHandler {
    public let grantType = GrantType.authorizationCode

    public init() {}

    public func handle(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> JSONObject {
        let code = try request.required("code")
        let redirectURI = try request.required("redirect_uri")
        let codeHash = TokenValue.hash(code)
        let record: AuthorizationCodeRecord
        // Bound to this client before anything is consumed or revoked: another app's code is merely invalid here.
        switch try await context.store.consumeCode(hash: codeHash, app: app.id, at: context.now) {
        case .notFound:
            throw OAuthError.invalidGrant("authorization code is invalid", reason: "code_invalid")
        case .replayed:
            // RFC 6749 §4.1.2: a code used twice revokes every token issued from it (the store has done so).
            throw Self.codeReused
        case .consumed(let consumed):
            record = consumed
        }
        if let user = context.directory.users[record.user] { context.attempt.note(user: user) }
        guard record.app == app.id else {
            throw OAuthError.invalidGrant("authorization code was issued to another client", reason: "code_invalid")
        }
        guard record.expiresAt > context.now else {
            throw OAuthError.invalidGrant("authorization code has expired", reason: "code_expired")
        }
        guard record.redirectURI == redirectURI else {
            throw OAuthError.invalidGrant(
                "redirect_uri differs from the authorization request's", reason: "redirect_uri_mismatch")
        }
        try verifyPKCE(record: record, verifier: request["code_verifier"])
        guard let user = context.directory.users[record.user] else {
            throw OAuthError.invalidGrant("the user no longer exists", reason: "user_missing")
        }
        try context.requireAccess(user: user, app: app, flow: .codeExchange)

        let grant = Grant(
            app: app.id, user: user.id, scopes: record.scopes, flow: .authorizationCode, createdAt: context.now,
            authTime: record.authTime)
        let minted = try TokenMinting.tokens(
            for: grant, app: app, user: user, nonce: record.nonce, context: context, issueRefreshToken: true)
        guard try await context.store.completeCodeExchange(grant: grant, codeHash: codeHash, issued: minted.records)
        else { throw Self.codeReused }  // replayed while this exchange was being decided: nothing was stored
        return minted.response
    }

    private static let codeReused = OAuthError.invalidGrant(
        "authorization code was already used; the tokens issued from it have been revoked", reason: "code_reused")

    /// RFC 7636 §4.6, and RFC 9700 §4.8.2: a verifier for a code issued without a challenge is refused too.
    private func verifyPKCE(record: AuthorizationCodeRecord, verifier: String?) throws(OAuthError) {
        switch (record.codeChallenge, verifier) {
        case (nil, nil): return
        case (nil, .some):
            throw .invalidGrant(
                "code_verifier was sent but the authorization request had no code_challenge", reason: "pkce_failed")
        case (.some, nil):
            throw .invalidGrant("code_verifier is required: the authorization request used PKCE", reason: "pkce_failed")
        case (.some(let challenge), .some(let verifier)):
            guard PKCE.verify(verifier: verifier, challenge: challenge) else {
                throw .invalidGrant("code_verifier does not match the code_challenge", reason: "pkce_failed")
            }
        }
    }
}

/// The tokens issued for a user grant, shared by the code exchange and refresh: the response, and the rows the
/// caller stores in the same transaction as the rest of its change.
enum TokenMinting {
    static func tokens(
        for grant: Grant, app: ConnectedApp, user: User, scopes: Scopes? = nil, nonce: String?, context: GrantContext,
        issueRefreshToken: Bool, refreshExpiresAt: Date?? = nil
    ) throws -> (response: JSONObject, records: IssuedTokenRecords) {
        let scopes = scopes ?? grant.scopes
        let token = try context.issuer.accessToken(
            app: app, user: user, scopes: scopes, grant: grant.id, authTime: grant.authTime, at: context.now,
            keys: context.keys)
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
                    app: app, user: user, scopes: scopes, nonce: nonce, authTime: grant.authTime,
                    accessToken: token.value, at: context.now, keys: context.keys))
        }
        return (response, records)
    }
}
