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
    }

    private func authorize(
        _ parameters: [String: [String]]?, _ request: Request, _ context: some RequestContext, flow: AuthorizationFlow
    ) async throws -> Response {
        switch flow.validate(parameters, context: context, method: request.method) {
        case .respond(let response): return response
        case .valid(let authorization):
            return try await flow.proceed(
                authorization, signedIn: try await web.currentSession(request), freshLogin: false, request: request,
                context: context)
        }
    }

    private func login(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow) async throws
        -> Response
    {
        let (form, authorization): ([String: String], AuthorizationRequest)
        switch try await submitted(request, context, flow: flow) {
        case .respond(let response): return response
        case .valid(let validForm, let valid): (form, authorization) = (validForm, valid)
        }
        let username = form["username"] ?? ""
        let password = form["password"] ?? ""
        let now = web.oauth.now()
        let address = clientAddress(request, context)
        func retry(_ message: String, status: HTTPResponse.Status) -> Response {
            var page = Pages.login(
                appName: authorization.app.name, username: username, error: message, csrf: form["csrf"] ?? "",
                request: authorization.parameters)
            page.status = status
            return page
        }
        let user: User
        switch try await web.checkSignIn(username: username, password: password, address: address) {
        case .throttled(let until):
            flow.record(
                authorization, user: nil, username: username,
                error: OAuthError(.accessDenied, "too many failed sign-in attempts", reason: "login_throttled"),
                decision: nil, request: request, context: context)
            return retry(WebServices.retryMessage(until: until, now: now), status: .tooManyRequests)
                .retrying(after: until.timeIntervalSince(now))
        case .busy:
            flow.record(
                authorization, user: nil, username: username,
                error: OAuthError(.temporarilyUnavailable, "too many sign-ins at once", reason: "sign_in_busy"),
                decision: nil, request: request, context: context)
            return retry(WebServices.busyMessage, status: .tooManyRequests).retrying(after: 1)
        case .incorrect(let known):
            flow.record(
                authorization, user: known, username: username,
                error: OAuthError(.accessDenied, "incorrect username or password", reason: "invalid_credentials"),
                decision: nil, request: request, context: context)
            return retry("Incorrect username or password.", status: .unauthorized)
        case .correct(let signedIn): user = signedIn
        }
        guard user.isActive else {
            // No session for an inactive user; the app learns why through the standard redirect.
            let decision = web.oauth.decide(user: user, app: authorization.app, flow: .authorize, clientIP: address)
            return flow.refuse(
                authorization, .accessDenied(decision.refusal ?? .userInactive), user: user, decision: decision,
                request: request, context: context)
        }
        let (session, cookie) = try await web.startSession(for: user)
        var response = try await flow.proceed(
            authorization, signedIn: (session, user), freshLogin: true, request: request, context: context)
        response.setCookie(cookie)
        return response
    }

    private func consent(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow) async throws
        -> Response
    {
        let (form, authorization): ([String: String], AuthorizationRequest)
        switch try await submitted(request, context, flow: flow) {
        case .respond(let response): return response
        case .valid(let validForm, let valid): (form, authorization) = (validForm, valid)
        }
        guard let signedIn = try await web.currentSession(request) else {
            return try await flow.proceed(
                authorization, signedIn: nil, freshLogin: false, request: request, context: context)
        }
        guard form["decision"] == "allow" else {
            return flow.refuse(
                authorization, .accessDenied(.consentDenied), user: signedIn.user, request: request, context: context)
        }
        let decision = web.oauth.decide(
            user: signedIn.user, app: authorization.app, flow: .authorize, clientIP: clientAddress(request, context))
        if let refusal = decision.refusal {
            return flow.refuse(
                authorization, .accessDenied(refusal),
                user: signedIn.user, decision: decision, request: request, context: context)
        }
        let approval = Approval(
            user: signedIn.user.id, app: authorization.app.id, scopes: authorization.scopes, approvedAt: web.oauth.now()
        )
        try await web.sessions.recordApproval(approval)
        web.oauth.approvals.update { $0.record(approval) }  // at once on this node; others reload within a second
        return try await flow.issueCode(
            authorization, user: signedIn.user, session: signedIn.session, decision: decision, request: request,
            context: context)
    }

    /// A posted login or consent form: its CSRF token checked, the authorization request it carries validated.
    private enum Submission {
        case valid([String: String], AuthorizationRequest)
        case respond(Response)
    }

    private func submitted(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow) async throws
        -> Submission
    {
        let form = try await FormBody.parse(request)
        guard web.isCSRFValid(request, form: form) else { return .respond(Pages.expiredForm(traceID: context.id)) }
        switch flow.validate(carried(form), context: context, method: .post) {
        case .respond(let response): return .respond(response)
        case .valid(let authorization): return .valid(form, authorization)
        }
    }

    /// The authorization request carried through a form as `authz.*` fields.
    private func carried(_ form: [String: String]) -> [String: [String]] {
        var parameters: [String: [String]] = [:]
        for (name, value) in form where name.hasPrefix("authz.") { parameters[String(name.dropFirst(6))] = [value] }
        return parameters
    }
}
