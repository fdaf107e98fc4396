import Foundation
import GatehouseCore
import GatehouseStorage
import Hummingbird
import Logging

/// `POST /introspect` (RFC 7662) and `POST /revoke` (RFC 7009), both for authenticated clients.
struct IntrospectionController: Sendable {
    let services: OAuthServices

    func addRoutes(to router: Router<some RequestContext>) {
        let inspector = TokenInspector(services: services)
        router.post("introspect") { request, context in
            await OAuthResponse.handling(context) {
                let form = try await FormBody.parse(request)
                let caller = try services.authenticateClient(authorization: request.headers[.authorization], form: form)
                // RFC 7662 §2.1 asks for authorization; a public client's id is no secret, so it would make the
                // endpoint an oracle for anyone's tokens. Answered like a wrong secret, so it tells nobody which
                // apps are public (docs/errors.md says why).
                guard !caller.isPublic else { throw OAuthError.invalidClient() }
                let token = try TokenRequest(form).required("token")
                guard
                    let active = try await inspector.inspect(
                        token, hint: form["token_type_hint"], flow: .introspection, traceID: context.id,
                        clientIP: clientAddress(request, context), caller: caller
                    ).activeToken
                else { return OAuthResponse.json(["active": .bool(false)]) }
                return OAuthResponse.json(introspection(active))
            }
        }
        router.post("revoke") { request, context in
            await OAuthResponse.handling(context) {
                let form = try await FormBody.parse(request)
                let caller = try services.authenticateClient(authorization: request.headers[.authorization], form: form)
                let token = try TokenRequest(form).required("token")
                try await revoke(token, by: caller, inspector: inspector)
                // RFC 7009 §2.2: 200 whether or not the token was known; nothing is revealed.
                return Response(status: .ok, headers: [.cacheControl: "no-store", .contentLength: "0"])
            }
        }
    }

    /// RFC 7662 §2.2's members for an active token.
    private func introspection(_ token: ActiveToken) -> JSONObject {
        var object: JSONObject = [
            "active": .bool(true), "scope": .string(token.scopes.description), "client_id": .string(token.app.clientID),
            "token_type": .string(token.kind == .access ? "Bearer" : "refresh_token"),
            "iss": .string(services.issuer.issuer),
            "sub": .string(token.user?.id.rawValue ?? token.app.clientID), "aud": .string(token.app.clientID),
        ]
        if let user = token.user { object["username"] = .string(user.username) }
        if let issuedAt = token.issuedAt { object["iat"] = .integer(Int64(issuedAt.timeIntervalSince1970)) }
        if let expiresAt = token.expiresAt { object["exp"] = .integer(Int64(expiresAt.timeIntervalSince1970)) }
        if let jti = token.jti { object["jti"] = .string(jti) }
        return object
    }

    /// Revokes a token the caller holds (RFC 7009 §2.1): a refresh token takes its whole grant with it, JWTs
    /// included; an opaque access token is deleted; a JWT access token is refused by every node from now until it
    /// expires (a resource server that checks it offline still accepts it until then: docs/oauth.md says so).
    /// Another app's token is left alone.
    private func revoke(_ token: String, by caller: ConnectedApp, inspector: TokenInspector) async throws {
        let hash = TokenValue.hash(token)
        let now = services.now()
        if let (_, grant) = try await services.tokens.refreshToken(hash: hash) {
            if grant.app == caller.id { try await services.tokens.revokeGrant(grant.id, at: now) }
            return
        }
        guard let found = try await inspector.find(token, hint: "access_token"), found.kind == .access,
            found.app.id == caller.id
        else { return }
        if found.isJWT {
            if let jti = found.jti, let expiresAt = found.expiresAt {
                try await services.tokens.revokeAccessToken(jti: jti, expiresAt: expiresAt)
            }
        } else {
            try await services.tokens.deleteAccessToken(hash: hash)
        }
    }
}

extension ConnectedApp {
    /// RFC 7662 §2.2 and §4: an app learns only about its own tokens, unless it is a resource server flagged to
    /// introspect every app's access tokens; nobody else's refresh tokens, ever.
    func mayIntrospect(_ token: ActiveToken) -> Bool {
        token.app.id == id || (introspectsAllTokens && token.kind == .access)
    }
}
