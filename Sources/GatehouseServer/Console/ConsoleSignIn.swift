import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// Signing in to the console with this Gatehouse's own OpenID Connect: `/admin/login` leaves for `/authorize` (code
/// flow, PKCE S256, `state`, `nonce`), `/admin/callback` checks what comes back and exchanges the code in this
/// process (the token endpoint's own sequence, recorded in login history like any exchange), and `/admin/logout`
/// revokes the console's grant and ends the browser's sign-in.
struct ConsoleSignIn: Sendable {
    let console: Console

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/login") { request, context in
            await Pages.handling(context) {
                try start(returnTo: QueryParameters(request)["return"])
            }
        }
        router.get("admin/callback") { request, context in
            await Pages.handling(context) { try await callback(request, context) }
        }
        router.post("admin/logout") { request, context in
            await Pages.handling(context) { try await signOut(request, context) }
        }
    }

    /// Leaves for `/authorize` with a fresh `state`, `nonce` and PKCE verifier, sealed in a cookie for the callback;
    /// `prompt=login` when the password must be typed again.
    func start(returnTo: String?, prompt: String? = nil) throws -> Response {
        let signIn = ConsoleSignInState(
            state: TokenValue.generate(prefix: ""), nonce: TokenValue.generate(prefix: ""),
            verifier: TokenValue.generate(prefix: ""), returnTo: ConsoleSignInState.returnPath(returnTo),
            startedAt: console.oauth.now())
        let query =
            ([
                ("response_type", "code"), ("client_id", ConnectedApp.consoleClientID),
                ("redirect_uri", console.callback),
                ("scope", ConnectedApp.consoleScopes.joined(separator: " ")), ("state", signIn.state),
                ("nonce", signIn.nonce), ("code_challenge", PKCE.challenge(for: signIn.verifier)),
                ("code_challenge_method", "S256"),
            ] + (prompt.map { [("prompt", $0)] } ?? [])).map { "\($0)=\(queryEscape($1))" }.joined(separator: "&")
        var response = Response(
            status: .seeOther, headers: [.location: "/authorize?\(query)", .cacheControl: "no-store"])
        response.setCookie(
            console.cookie(
                Console.signInCookie(for: signIn.state), try console.signIns.seal(signIn),
                maxAge: Int(Console.signInTimeout)))
        return response
    }

    private func callback(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let parameters = QueryParameters(request)
        let now = console.oauth.now()
        guard let state = parameters["state"], !state.isEmpty,
            let sealed = request.cookies[Console.signInCookie(for: state)]?.value,
            let signIn = console.signIns.open(sealed, as: ConsoleSignInState.self),
            now.timeIntervalSince(signIn.startedAt) < Console.signInTimeout,
            constantTimeEquals(Array(state.utf8), Array(signIn.state.utf8))
        else {
            // Not the sign-in this browser started (a forged or replayed callback), or one that took too long.
            return ConsolePages.signInFailed(
                "This sign-in was not started in this browser, or took longer than ten minutes.", traceID: context.id)
        }
        var response: Response
        if parameters["iss"] != console.oauth.issuer.issuer {
            response = ConsolePages.signInFailed("The answer did not come from this Gatehouse.", traceID: context.id)
        } else if let error = parameters["error"] {
            // The access decision refused the admin at /authorize: its sentence, not a generic error.
            let description = parameters["error_description"] ?? error
            response = ConsolePages.refused(description, traceID: context.id)
        } else if let code = parameters["code"] {
            response = try await exchange(code, signIn: signIn, request, context)
        } else {
            response = ConsolePages.signInFailed("The answer carried no authorization code.", traceID: context.id)
        }
        response.setCookie(console.cookie(Console.signInCookie(for: signIn.state), "", maxAge: 0))  // one use
        return response
    }

    /// The code exchanged for the console's tokens, as `POST /token` would for a public client using PKCE.
    private func exchange(
        _ code: String, signIn: ConsoleSignInState, _ request: Request, _ context: some RequestContext
    ) async throws -> Response {
        let grant = TokenRequest([
            "grant_type": "authorization_code", "code": code, "redirect_uri": console.callback,
            "code_verifier": signIn.verifier, "client_id": ConnectedApp.consoleClientID,
        ])
        let tokens: JSONObject
        switch await console.grant(grant, flow: .codeExchange, request, context) {
        case .failure(let error) where error.code == .temporarilyUnavailable || error.code == .serverError:
            return Pages.error(error, traceID: context.id, failed: "sign you in")
        case .failure(let error): return ConsolePages.refused(error.message, traceID: context.id)
        case .success(let issued): tokens = issued
        }
        guard case .string(let accessToken) = tokens["access_token"], case .string(let idToken) = tokens["id_token"],
            idTokenNonce(idToken) == signIn.nonce
        else {
            return ConsolePages.signInFailed("The ID token does not belong to this sign-in.", traceID: context.id)
        }
        var refreshToken: String?
        if case .string(let token) = tokens["refresh_token"] { refreshToken = token }
        let now = console.oauth.now()
        let session = ConsoleSession(
            accessToken: accessToken, refreshToken: refreshToken, csrf: TokenValue.generate(prefix: ""),
            signedInAt: now, lastSeenAt: now)
        var response = Response(
            status: .seeOther, headers: [.location: signIn.returnTo, .cacheControl: "no-store"])
        response.setCookie(console.cookie(Console.sessionCookie, try console.sessions.seal(session)))
        return response
    }

    /// The `nonce` of an ID token this server signed.
    private func idTokenNonce(_ token: String) -> String? {
        let keys = console.oauth.keys.current
        let now = console.oauth.now()
        return (try? JWT.verify(token, keys: { keys.verificationKey(kid: $0, at: now) }))?.string("nonce")
    }

    /// Revokes the console's grant (its refresh token, and with it every token of the grant), ends the browser's
    /// Gatehouse sign-in too (else "sign in" would let the next person in without a password), and says so.
    private func signOut(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard let sealed = request.cookies[Console.sessionCookie]?.value,
            let session = console.sessions.open(sealed, as: ConsoleSession.self)
        else {
            // No session to check the form against: nothing is ended here, and the page says so.
            return ConsolePages.sessionAlreadyOver()
        }
        guard session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: nil, traceID: context.id)
        }
        try await revoke(session)
        if let signedIn = try await console.web.currentSession(request) {
            try await console.web.sessions.deleteSession(idHash: signedIn.session.idHash)
        }
        var response = ConsolePages.signedOut()
        response.setCookie(console.cookie(Console.sessionCookie, "", maxAge: 0))
        response.setCookie(console.web.cookie(WebServices.sessionCookie, "", maxAge: 0))
        return response
    }
}

extension ConsoleSignIn {
    /// Revokes the session's grant (its refresh token takes every token of the grant with it), or its access
    /// token when it has no refresh token.
    func revoke(_ session: ConsoleSession) async throws {
        let tokens = console.oauth.tokens
        let now = console.oauth.now()
        if let refresh = session.refreshToken,
            let (_, grant) = try await tokens.refreshToken(hash: TokenValue.hash(refresh))
        {
            try await tokens.revokeGrant(grant.id, at: now)
        } else if let found = try await TokenInspector(services: console.oauth).find(
            session.accessToken, hint: "access_token"), let jti = found.jti, let expiresAt = found.expiresAt
        {
            try await tokens.revokeAccessToken(jti: jti, expiresAt: expiresAt)
        }
    }
}

extension Console {
    /// Runs a grant for the console's app in this process, as the token endpoint runs it, with its login event.
    func grant(_ grant: TokenRequest, flow: AccessFlow, _ request: Request, _ context: some RequestContext) async
        -> Result<JSONObject, OAuthError>
    {
        let attempt = LoginAttempt()
        let clientIP = clientAddress(request, context)
        let directory = oauth.directory.current
        let app = self.app
        let outcome: Result<JSONObject, OAuthError>
        if let app {
            do {
                outcome = .success(
                    try await oauth.tokenEndpoint.respond(
                        to: grant, app: app,
                        context: oauth.grantContext(directory: directory, clientIP: clientIP, attempt: attempt)))
            } catch {
                outcome = .failure(Failure.refusal(for: error, logger: context.logger))
            }
        } else {
            outcome = .failure(OAuthError(.invalidClient, "the console's app does not exist in this directory"))
        }
        var refusal: OAuthError?
        if case .failure(let error) = outcome { refusal = error }
        oauth.loginHistory.record(
            .attempt(
                flow: flow, app: app, attempt: attempt, error: refusal, clientIP: clientIP, traceID: context.id,
                at: oauth.now()))
        return outcome
    }
}
