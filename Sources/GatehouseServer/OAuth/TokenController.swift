import Foundation
import GatehouseCore
import GatehouseStorage
import Hummingbird
import Logging

/// `POST /token` (RFC 6749 §3.2): authenticates the client, then hands the request to the grant type's handler.
struct TokenController: Sendable {
    let services: OAuthServices

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("token") { request, context in
            await OAuthResponse.handling(context) {
                let form = try await FormBody.parse(request)
                let app = try services.authenticateClient(authorization: request.headers[.authorization], form: form)
                guard let grantType = form["grant_type"] else {
                    throw OAuthError.invalidRequest("grant_type is required")
                }
                guard let handler = services.grantHandlers[grantType] else {
                    throw OAuthError(.unsupportedGrantType, "grant_type \(grantType) is not supported")
                }
                guard app.grantTypes.contains(handler.grantType) else {
                    throw OAuthError(
                        .unauthorizedClient, "this app may not use the \(grantType) grant",
                        reason: "grant_type_not_enabled")
                }
                let body = try await handler.handle(
                    TokenRequest(form), app: app,
                    context: services.grantContext(clientIP: clientAddress(request, context)))
                return OAuthResponse.json(body)
            }
        }
    }
}

/// The peer address of the request, for login history and throttling.
func clientAddress(_ request: Request, _ context: some RequestContext) -> String? {
    (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
}
