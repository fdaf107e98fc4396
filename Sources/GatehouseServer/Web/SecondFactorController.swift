import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// `POST /login/second-factor` and `POST /account/second-factor`: the second step of a sign-in (``SecondFactorSignIn``)
/// in the authorization flow and on the account page; `POST /login/continue` goes on with the authorization request
/// after the recovery codes of a factor set up while signing in were shown.
struct SecondFactorController: Sendable {
    let web: WebServices

    func addRoutes(to router: Router<some RequestContext>) {
        let flow = AuthorizationFlow(web: web)
        router.post("login/second-factor") { request, context in
            await Pages.handling(context) { try await authorizationStep(request, context, flow: flow) }
        }
        router.post("login/continue") { request, context in
            await Pages.handling(context) { try await resume(request, context, flow: flow) }
        }
        router.post("account/second-factor") { request, context in
            await Pages.handling(context) { try await accountStep(request, context) }
        }
    }

    /// The second step of a sign-in for an authorization request, kept on the server under `handle`.
    static func step(for authorization: AuthorizationRequest, handle: String, handleHash: String)
        -> SecondFactorSignIn.Step
    {
        SecondFactorSignIn.Step(
            heading: "Two-step verification for \(HTML.escape(authorization.app.name))", action: "/login/second-factor",
            hidden: HTML.hiddenField("request", handle), request: handleHash)
    }

    static func step(for authorization: AuthorizationRequest, pending: KeptAuthorization) -> SecondFactorSignIn.Step {
        step(for: authorization, handle: pending.handle, handleHash: pending.record.handleHash)
    }

    /// The second step of a sign-in on the account page.
    static let accountStep = SecondFactorSignIn.Step(heading: "Two-step verification", action: "/account/second-factor")

    private func authorizationStep(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow)
        async throws -> Response
    {
        let (form, authorization, pending): ([String: String], AuthorizationRequest, KeptAuthorization)
        switch try await flow.submitted(request, context) {
        case .respond(let response): return response
        case .valid(let validForm, let valid, let kept): (form, authorization, pending) = (validForm, valid, kept)
        }
        switch try await SecondFactorSignIn(web: web).complete(
            form, step: Self.step(for: authorization, pending: pending), address: clientAddress(request, context))
        {
        case .expired: return Pages.expiredForm(traceID: context.id)
        case .failed(let user, let page, let error):
            flow.record(
                authorization, user: user, username: user.username, error: error, decision: nil, request: request,
                context: context)
            return page
        case .verified(let user, let methods, let recoveryCodes, let isStepUp):
            // The new session replaces the browser's old one; a step-up (no password typed) keeps its absolute
            // timeout, if it is still alive.
            var old: BrowserSession?
            if let value = request.cookies[WebServices.sessionCookie]?.value, !value.isEmpty {
                old = try await web.sessions.session(idHash: TokenValue.hash(value)).flatMap { session in
                    isStepUp
                        && session.isValid(
                            at: web.oauth.now(), idleTimeout: web.idleTimeout, absoluteTimeout: web.absoluteTimeout)
                        ? session : nil
                }
                try await web.sessions.deleteSession(idHash: TokenValue.hash(value))
            }
            let (session, cookie, signedIn) = try await flow.signIn(
                user, methods: methods, pending: pending, replacing: old)
            var response: Response
            if let recoveryCodes {
                response = Pages.recoveryCodes(
                    recoveryCodes,
                    next: """
                        <form method="post" action="/login/continue">
                        \(HTML.hiddenField("csrf", form["csrf"] ?? ""))
                        \(HTML.hiddenField("request", pending.handle))
                        <button type="submit">I have saved them: continue to \(HTML.escape(authorization.app.name))</button>
                        </form>
                        """)
            } else {
                response = try await flow.proceed(
                    authorization, pending: signedIn, signedIn: (session, user), request: request, context: context)
            }
            response.setCookie(cookie)
            return response
        }
    }

    /// On with the request once the recovery codes were shown: the session made then, and the record's note of the
    /// sign-in in this flow, decide as for any form.
    private func resume(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow) async throws
        -> Response
    {
        switch try await flow.submitted(request, context) {
        case .respond(let response): return response
        case .valid(_, let authorization, let pending):
            return try await flow.proceed(
                authorization, pending: pending, signedIn: try await web.currentSession(request), request: request,
                context: context)
        }
    }

    private func accountStep(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard web.isCSRFValid(request, form: form) else { return Pages.expiredForm(traceID: context.id) }
        switch try await SecondFactorSignIn(web: web).complete(
            form, step: Self.accountStep, address: clientAddress(request, context))
        {
        case .expired: return Pages.expiredForm(traceID: context.id)
        case .failed(_, let page, _): return page
        case .verified(let user, let methods, let recoveryCodes, _):
            let (_, cookie) = try await web.startSession(for: user, methods: methods)
            var response =
                recoveryCodes.map {
                    Pages.recoveryCodes(
                        $0, next: #"<p><a href="/account">I have saved them: go to your account</a></p>"#)
                } ?? Response(status: .seeOther, headers: [.location: "/account", .cacheControl: "no-store"])
            response.setCookie(cookie)
            return response
        }
    }
}
