import Foundation
import GatehouseCore
import GatehouseStorage
import Hummingbird
import Logging

/// `POST /token` (RFC 6749 §3.2): authenticates the client, then runs the ``TokenEndpoint`` sequence, and records
/// the attempt in login history.
struct TokenController: Sendable {
    let services: OAuthServices

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("token") { request, context in
            let attempt = LoginAttempt()
            var flow: AccessFlow?
            var app: ConnectedApp?
            let clientIP = clientAddress(request, context)
            var refusal: OAuthError?
            let response = await OAuthResponse.handling(context) {
                do {
                    let form = try await FormBody.parse(request)
                    // Before the client is authenticated: a request without a grant to run tests no secret.
                    flow = try services.tokenEndpoint.grantType(of: TokenRequest(form)).accessFlow
                    let presented = try PresentedClientCredentials.read(
                        authorization: request.headers[.authorization], form: form)
                    let directory = services.directory.current
                    // Named in login history even when authentication fails (a wrong secret, a blocked app).
                    app = directory.app(clientID: presented.clientID)
                    let client = try services.authenticator.authenticate(presented, in: directory)
                    app = client
                    let context = services.grantContext(directory: directory, clientIP: clientIP, attempt: attempt)
                    return OAuthResponse.json(
                        try await services.tokenEndpoint.respond(to: TokenRequest(form), app: client, context: context))
                } catch {
                    let mapped = Failure.refusal(for: error, logger: context.logger)
                    refusal = mapped
                    throw mapped
                }
            }
            // One login event per attempt at a grant type Gatehouse serves, whatever its outcome.
            if let flow {
                services.loginHistory.record(
                    .attempt(
                        flow: flow, app: app, attempt: attempt, error: refusal, clientIP: clientIP,
                        traceID: context.id, at: services.now()))
            }
            return response
        }
    }
}

/// The client address of the request (``ClientAddressMiddleware``), for login history and throttling.
func clientAddress(_ request: Request, _ context: some RequestContext) -> String? {
    if let context = context as? GatehouseRequestContext { return context.clientAddress }
    return (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
}
