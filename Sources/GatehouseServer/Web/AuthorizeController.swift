import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// `GET|POST /authorize`, `POST /login`, `POST /consent`.
struct AuthorizeController: Sendable {
    let web: WebServices

    func addRoutes(to router: Router<some RequestContext>) {
        let flow = AuthorizationFlow(web: web)
        // OIDC Core §3.1.2.1: GET with a query, or POST with a form; the same request either way.
        router.get("authorize") { request, context in
            await Pages.handling(context) {
                try await authorize(FormBody.decodeAll(request.uri.query ?? ""), request, context, flow: flow)
            }
        }
        router.post("authorize") { request, context in
            await Pages.handling(context) {
                let body = try await request.body.collect(upTo: FormBody.limit)
                return try await authorize(FormBody.decodeAll(String(buffer: body)), request, context, flow: flow)
            }
        }
        router.post("login") { request, context in
            await Pages.handling(context) { try await login(request, context, flow: flow) }
        }
        router.post("consent") { request, context in
            await Pages.handling(context) { try await consent(request, context, flow: flow) }
        }
        router.post("access-request") { request, context in
            await Pages.handling(context) { try await accessRequest(request, context, flow: flow) }
        }
    }

    /// The access-request page's form: `action=request` records a request (one pending per user and app) and shows
    /// its state; `action=continue` sends the browser back to the app with `access_denied`. Either way the decision
    /// is made again first: approved meanwhile, the flow goes on to the app with a code.
    private func accessRequest(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow)
        async throws -> Response
    {
        let (form, authorization, pending): ([String: String], AuthorizationRequest, KeptAuthorization)
        switch try await flow.submitted(request, context) {
        case .respond(let response): return response
        case .valid(let validForm, let valid, let kept): (form, authorization, pending) = (validForm, valid, kept)
        }
        guard let signedIn = try await web.currentSession(request),
            AuthorizationFlow.mayContinue(signedIn, for: authorization, pending: pending, at: web.oauth.now())
        else {
            return try await flow.proceed(
                authorization, pending: pending, signedIn: nil, request: request, context: context)
        }
        let user = signedIn.user
        let decision = web.oauth.decide(
            user: user, app: authorization.app, flow: .authorize, clientIP: clientAddress(request, context),
            authentication: signedIn.session.amr)
        guard let refusal = decision.refusal, refusal.reason == .userNotAdminApproved else {
            return try await flow.proceed(
                authorization, pending: pending, signedIn: signedIn, request: request, context: context)
        }
        guard form["action"] == "request", !authorization.app.isBuiltIn else {
            // In login history since the page was shown (a record no page showed is recorded now).
            return try await flow.refuse(
                authorization, .accessDenied(refusal), user: user, decision: decision, pending: pending,
                recordedAs: pending.record.refusalTraceID, request: request, context: context)
        }
        let (made, isNew) = try await web.accessRequests.requestAccess(
            AccessRequest(user: user.id, app: authorization.app.id, note: form["note"], requestedAt: web.oauth.now()))
        if isNew {
            context.logger.info(
                "access requested", metadata: ["user": "\(user.id)", "app": "\(authorization.app.clientID)"])
        }
        return try await flow.page(for: authorization, pending: pending, requiresSignIn: false, request: request) {
            csrf, handle in
            Pages.accessRequest(
                appName: authorization.app.name, username: user.username, existing: made, justSent: isNew, csrf: csrf,
                handle: handle, traceID: pending.record.refusalTraceID ?? context.id)
        }
    }

    private func authorize(
        _ parameters: [String: [String]]?, _ request: Request, _ context: some RequestContext, flow: AuthorizationFlow
    ) async throws -> Response {
        switch flow.validate(parameters, context: context, method: request.method) {
        case .respond(let response): return response
        case .valid(let authorization):
            do {
                return try await flow.proceed(
                    authorization, pending: nil, signedIn: try await web.currentSession(request), request: request,
                    context: context)
            } catch {
                // The callback is verified: tell the app (RFC 6749 §4.1.2.1: `server_error` and
                // `temporarily_unavailable` exist because a redirect cannot carry a 5xx status).
                return flow.errorRedirect(
                    Failure.refusal(for: error, logger: context.logger), to: authorization.redirectURI,
                    state: authorization.state, traceID: context.id, method: request.method)
            }
        }
    }

    private func login(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow) async throws
        -> Response
    {
        let (form, authorization, pending): ([String: String], AuthorizationRequest, KeptAuthorization)
        switch try await flow.submitted(request, context) {
        case .respond(let response): return response
        case .valid(let validForm, let valid, let kept): (form, authorization, pending) = (validForm, valid, kept)
        }
        let username = form["username"] ?? ""
        let password = form["password"] ?? ""
        let now = web.oauth.now()
        let address = clientAddress(request, context)
        func retry(_ message: String, status: HTTPResponse.Status) -> Response {
            var page = Pages.login(
                appName: authorization.app.name, username: username, error: message, csrf: form["csrf"] ?? "",
                handle: pending.handle,
                passkey: try? web.secondFactors.passkeys.signInForm(
                    action: PasskeyController.authorizationSignIn, csrf: form["csrf"] ?? "", handle: pending.handle,
                    at: now))
            page.status = status
            return page
        }
        let user: User
        switch try await web.checkSignIn(username: username, password: password, address: address) {
        case .throttled(let until):
            flow.record(
                authorization, user: nil, username: username,
                error: OAuthError(.accessDenied, "too many failed sign-in attempts", reason: .loginThrottled),
                decision: nil, request: request, context: context)
            return retry(WebServices.retryMessage(until: until, now: now), status: .tooManyRequests)
                .retrying(after: until.timeIntervalSince(now))
        case .busy:
            flow.record(
                authorization, user: nil, username: username,
                error: OAuthError(.temporarilyUnavailable, "too many sign-ins at once", reason: .signInBusy),
                decision: nil, request: request, context: context)
            return retry(WebServices.busyMessage, status: .tooManyRequests).retrying(after: 1)
        case .incorrect(let known):
            flow.record(
                authorization, user: known, username: username,
                error: OAuthError(.accessDenied, "incorrect username or password", reason: .invalidCredentials),
                decision: nil, request: request, context: context)
            return retry("Incorrect username or password.", status: .unauthorized)
        case .correct(let signedIn): user = signedIn
        }
        guard user.isActive else {
            // No session for an inactive user; the app learns why through the standard redirect.
            let decision = web.oauth.decide(user: user, app: authorization.app, flow: .authorize, clientIP: address)
            return try await flow.refuse(
                authorization, .accessDenied(decision.refusal ?? .userInactive), user: user, decision: decision,
                pending: pending, request: request, context: context)
        }
        if let secondStep = try await SecondFactorSignIn(web: web).page(
            after: user, step: SecondFactorController.step(for: authorization, pending: pending),
            requirement: web.secondFactorRequirement(for: user, authorization: authorization), csrf: form["csrf"] ?? "")
        {
            return secondStep
        }
        let (session, cookie, signedInPending) = try await flow.signIn(user, methods: .password, pending: pending)
        var response = try await flow.proceed(
            authorization, pending: signedInPending, signedIn: (session, user), request: request, context: context)
        response.setCookie(cookie)
        return response
    }

    private func consent(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow) async throws
        -> Response
    {
        let (form, authorization, pending): ([String: String], AuthorizationRequest, KeptAuthorization)
        switch try await flow.submitted(request, context) {
        case .respond(let response): return response
        case .valid(let validForm, let valid, let kept): (form, authorization, pending) = (validForm, valid, kept)
        }
        // Not signed in, or a sign-in the request requires has not happened in this flow (prompt=login, max_age):
        // back to the login page, whatever the form says.
        guard let signedIn = try await web.currentSession(request),
            AuthorizationFlow.mayContinue(signedIn, for: authorization, pending: pending, at: web.oauth.now())
        else {
            return try await flow.proceed(
                authorization, pending: pending, signedIn: nil, request: request, context: context)
        }
        guard form["decision"] == "allow" else {
            return try await flow.refuse(
                authorization, .accessDenied(.consentDenied), user: signedIn.user, pending: pending, request: request,
                context: context)
        }
        let decision = web.oauth.decide(
            user: signedIn.user, app: authorization.app, flow: .authorize, clientIP: clientAddress(request, context),
            authentication: signedIn.session.amr)
        // A second factor the request takes and the session lacks (a policy raised meanwhile): asked for first.
        if AuthorizationFlow.needsStepUp(authorization, session: signedIn.session, decision: decision) {
            return try await flow.proceed(
                authorization, pending: pending, signedIn: signedIn, request: request, context: context)
        }
        if let refusal = decision.refusal {
            return try await flow.refuse(
                authorization, .accessDenied(refusal),
                user: signedIn.user, decision: decision, pending: pending, request: request, context: context)
        }
        let approval = Approval(
            user: signedIn.user.id, app: authorization.app.id, scopes: authorization.scopes, approvedAt: web.oauth.now()
        )
        try await web.sessions.recordApproval(approval)
        web.oauth.approvals.update { $0.record(approval) }  // at once on this node; others reload within a second
        return try await flow.issueCode(
            authorization, user: signedIn.user, session: signedIn.session, decision: decision, pending: pending,
            request: request, context: context)
    }
}
