import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// `GET|POST /userinfo` (OIDC Core §5.3): claims by scope, for a bearer access token that carries `openid`.
/// Errors follow RFC 6750 §3: 401 with `WWW-Authenticate: Bearer …`.
struct UserinfoController: Sendable {
    let services: OAuthServices

    func addRoutes(to router: Router<some RequestContext>) {
        let inspector = TokenInspector(services: services)
        router.get("userinfo") { request, context in
            await respond(request, context, inspector: inspector, form: [:])
        }
        router.post("userinfo") { request, context in
            var form: [String: String] = [:]
            if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                do throws(OAuthError) {
                    form = try await FormBody.parse(request)
                } catch {
                    return challenge(error, context: context)
                }
            }
            return await respond(request, context, inspector: inspector, form: form)
        }
    }

    private func respond(
        _ request: Request, _ context: some RequestContext, inspector: TokenInspector, form: [String: String]
    ) async -> Response {
        let header = request.headers[.authorization]
        let fromHeader = header.flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
        // RFC 6750 §2: one method at a time; the query string is not accepted (tokens leak from URLs).
        if fromHeader != nil && form["access_token"] != nil {
            return challenge(.invalidRequest("send the access token in one place only"), context: context)
        }
        guard let token = fromHeader ?? form["access_token"] else {
            var response = Response(status: .unauthorized, headers: [.cacheControl: "no-store"])
            response.headers[.wwwAuthenticate] = #"Bearer realm="gatehouse""#
            return response
        }
        do {
            let inspection = try await inspector.inspect(
                token, hint: "access_token", flow: .userinfo, traceID: context.id,
                clientIP: clientAddress(request, context))
            if case .refused(let found, let refusal) = inspection, found.kind == .access {
                // The token is genuine but its user or app lost access: say why (DESIGN.md "Refusals").
                return challenge(
                    OAuthError(.invalidToken, refusal.description, reason: refusal.reason), context: context)
            }
            guard let active = inspection.activeToken, active.kind == .access, let user = active.user else {
                return challenge(
                    OAuthError(
                        .invalidToken, "the access token is invalid, expired or revoked", reason: .tokenInactive),
                    context: context)
            }
            guard active.scopes.contains("openid") else {
                return challenge(
                    OAuthError(.insufficientScope, "the access token lacks the openid scope"), context: context)
            }
            var claims: JSONObject = ["sub": .string(user.id.rawValue)]
            for (name, value) in UserClaims.claims(of: user, scopes: active.scopes).members { claims[name] = value }
            // The app's custom attributes, as in its ID tokens (OIDC Core §5.3.2 allows more claims).
            for (name, value) in CustomAttribute.claims(
                of: active.app, for: user, scopes: active.scopes, in: services.directory.current
            ).members where claims[name] == nil {
                claims[name] = value
            }
            return OAuthResponse.json(claims)
        } catch {
            return challenge(Failure.refusal(for: error, logger: context.logger), context: context)
        }
    }

    /// RFC 6750 §3: the error in a `WWW-Authenticate: Bearer` challenge and in the JSON body; the server's own
    /// failures carry no challenge (nothing about the request is wrong), and an unreachable database `Retry-After`.
    private func challenge(_ error: OAuthError, context: some RequestContext) -> Response {
        var response = OAuthResponse.json(
            OAuthResponse.body(error, traceID: context.id), status: .init(code: error.resourceStatus))
        if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
        if error.code != .serverError && error.code != .temporarilyUnavailable {
            response.headers[.wwwAuthenticate] =
                #"Bearer realm="gatehouse", error="\#(error.code.rawValue)", error_description="\#(error.message)""#
        }
        return response
    }
}
