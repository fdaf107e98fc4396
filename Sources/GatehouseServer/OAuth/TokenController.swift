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
            let attempt = LoginAttempt()
            var flow: AccessFlow?
            var app: ConnectedApp?
            let clientIP = clientAddress(request, context)
            let response = await OAuthResponse.handling(context) {
                do {
                    let form = try await FormBody.parse(request)
                    // Read once: the flow for login history and the handler to run both come from it.
                    let grantType = form["grant_type"].flatMap(GrantType.init)
                    flow = grantType?.accessFlow
                    let presented = try PresentedClientCredentials.read(
                        authorization: request.headers[.authorization], form: form)
                    let directory = services.directory.current
                    // Named in login history even when authentication fails (a wrong secret, a blocked app).
                    app = directory.app(clientID: presented.clientID)
                    let client = try services.authenticator.authenticate(presented, in: directory)
                    app = client
                    return OAuthResponse.json(
                        try await grant(
                            grantType, form, app: client, directory: directory, attempt: attempt, clientIP: clientIP))
                } catch let error as OAuthError {
                    if let flow {
                        services.loginHistory.record(
                            .attempt(
                                flow: flow, app: app, attempt: attempt, error: error, clientIP: clientIP,
                                traceID: context.id, at: services.now()))
                    }
                    throw error
                }
            }
            if let flow, response.status == .ok {
                services.loginHistory.record(
                    .attempt(
                        flow: flow, app: app, attempt: attempt, error: nil, clientIP: clientIP, traceID: context.id,
                        at: services.now()))
            }
            return response
        }
    }

    /// Hands an authenticated request to its grant type's handler.
    private func grant(
        _ grantType: GrantType?, _ form: [String: String], app: ConnectedApp, directory: Directory,
        attempt: LoginAttempt, clientIP: String?
    ) async throws -> JSONObject {
        guard let named = form["grant_type"] else { throw OAuthError.invalidRequest("grant_type is required") }
        guard let grantType, let handler = services.grantHandlers[grantType] else {
            throw OAuthError(.unsupportedGrantType, "grant_type \(named) is not supported")
        }
        guard app.grantTypes.contains(grantType) else {
            throw OAuthError(
                .unauthorizedClient, "this app may not use the \(named) grant", reason: "grant_type_not_enabled")
        }
        return try await handler.handle(
            TokenRequest(form), app: app,
            context: services.grantContext(directory: directory, clientIP: clientIP, attempt: attempt))
    }
}

extension GrantType {
    /// The flow login history and the access decision name this grant by.
    var accessFlow: AccessFlow {
        switch self {
        case .authorizationCode: .codeExchange
        case .refreshToken: .refresh
        case .clientCredentials: .clientCredentials
        case .jwtBearer: .jwtBearer
        }
    }
}

/// The client address of the request (``ClientAddressMiddleware``), for login history and throttling.
func clientAddress(_ request: Request, _ context: some RequestContext) -> String? {
    if let context = context as? GatehouseRequestContext { return context.clientAddress }
    return (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
}
