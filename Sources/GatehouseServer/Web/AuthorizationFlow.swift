import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The authorization endpoint's flow after validation: who is signed in, the access decision, consent, then a
/// code sent to the verified callback URL (RFC 6749 §4.1.2, RFC 9207 `iss`).
struct AuthorizationFlow: Sendable {
    let web: WebServices

    /// Validates the request; a failure is already the response to send (an error page or an error redirect).
    func validate(_ parameters: [String: [String]]?, context: some RequestContext, method: HTTPRequest.Method)
        -> Validation
    {
        guard let parameters else {
            return .respond(
                Pages.error(
                    title: "Invalid request", message: "The request is not validly encoded.", traceID: context.id))
        }
        do throws(AuthorizationRequestFailure) {
            return .valid(
                try AuthorizationRequestValidator.validate(
                    parameters, in: web.oauth.directory.current, issuer: web.oauth.issuer.issuer))
        } catch {
            switch error {
            case .unredirectable(let message):
                return .respond(
                    Pages.error(title: "This sign-in link is not valid", message: message, traceID: context.id))
            case .redirect(let oauthError, let redirectURI, let state):
                return .respond(
                    errorRedirect(oauthError, to: redirectURI, state: state, traceID: context.id, method: method))
            }
        }
    }

    /// A valid request, or the response that ends it.
    enum Validation {
        case valid(AuthorizationRequest)
        case respond(Response)
    }

    /// A posted login or consent form: its CSRF token checked, the request kept on the server found (unused, unexpired,
    /// started in this browser), and validated again against the directory as it is now.
    enum Submission {
        case valid([String: String], AuthorizationRequest, KeptAuthorization)
        case respond(Response)
    }

    func submitted(_ request: Request, _ context: some RequestContext) async throws -> Submission {
        let form = try await FormBody.parse(request)
        guard web.isCSRFValid(request, form: form), let csrf = form["csrf"], let handle = form["request"],
            !handle.isEmpty,
            let record = try await web.pendingAuthorizations.pendingAuthorization(handleHash: TokenValue.hash(handle)),
            record.isUsable(at: web.oauth.now(), browserBinding: TokenValue.hash(csrf))
        else { return .respond(Pages.expiredForm(traceID: context.id)) }
        switch validate(record.parameters.mapValues { [$0] }, context: context, method: .post) {
        case .respond(let response): return .respond(response)
        case .valid(let authorization):
            return .valid(form, authorization, KeptAuthorization(handle: handle, record: record))
        }
    }

    /// Signs `user` in for the request kept on the server: a session made with `methods` (keeping the absolute
    /// timeout of the `old` session of theirs it replaces), and the record's note that the sign-in happened in this
    /// flow (the record, not the browser, remembers it). Returns the session, its cookie and the record as it now is.
    func signIn(
        _ user: User, methods: AuthenticationMethods, pending: KeptAuthorization, replacing old: BrowserSession? = nil
    ) async throws -> (session: BrowserSession, cookie: Cookie, pending: KeptAuthorization) {
        let kept = old.flatMap { $0.user == user.id ? $0.createdAt : nil }
        let (session, cookie) = try await web.startSession(for: user, methods: methods, createdAt: kept)
        try await web.pendingAuthorizations.recordSignIn(
            handleHash: pending.record.handleHash, user: user.id, at: session.authTime)
        var signedIn = pending
        signedIn.record.signedInUser = user.id
        signedIn.record.signedInAt = session.authTime
        return (session, cookie, signedIn)
    }

    /// Whether a request kept on the server may go on for the signed-in browser: a sign-in it required happened in
    /// this flow, and, without one, the session has not grown too old for it (`max_age`, the app's session timeout)
    /// since its page was shown: a consent page read a minute before the timeout is no way past it. A sign-in made in
    /// this flow is fresh enough whatever `max_age` says (even 0).
    static func mayContinue(
        _ signedIn: (session: BrowserSession, user: User), for authorization: AuthorizationRequest,
        pending: KeptAuthorization, at now: Date
    ) -> Bool {
        let record = pending.record
        guard record.isSatisfied(by: signedIn.user.id, signedInAt: signedIn.session.authTime) else { return false }
        if record.signedInUser == signedIn.user.id, record.signedInAt != nil { return true }
        return !authorization.requiresFreshLogin(authenticatedAt: signedIn.session.authTime, now: now)
    }

    /// Continues a valid request for the browser's session (nil: not signed in). `pending` is the request's record
    /// on the server once a page has been shown for it; it decides whether a required sign-in happened in this
    /// flow, and nothing the browser posts can say otherwise.
    /// A refusal for not being admin approved shows the access-request page unless `offersAccessRequest` is false
    /// (the user chose to go back to the app from it).
    func proceed(
        _ authorization: AuthorizationRequest, pending: KeptAuthorization?,
        signedIn: (session: BrowserSession, user: User)?, offersAccessRequest: Bool = true, request: Request,
        context: some RequestContext
    ) async throws -> Response {
        let now = web.oauth.now()
        func fail(_ error: OAuthError, user: User?, decision: AccessDecision? = nil) async throws -> Response {
            try await refuse(
                authorization, error, user: user, decision: decision, pending: pending, request: request,
                context: context)
        }
        // prompt=login, max_age passed, or no session: the user must type their password in this flow.
        let requiresSignIn =
            pending?.record.requiresSignIn
            ?? signedIn.map { authorization.requiresFreshLogin(authenticatedAt: $0.session.authTime, now: now) }
            ?? true
        let isSatisfied = signedIn.map { signedIn in
            pending.map { Self.mayContinue(signedIn, for: authorization, pending: $0, at: now) } ?? !requiresSignIn
        }
        guard let signedIn, isSatisfied == true else {
            // A blocked app gets no tokens for anyone: say so before anyone signs in for nothing.
            let appDecision = web.oauth.decide(
                user: nil, app: authorization.app, flow: .authorize, clientIP: clientAddress(request, context))
            if let refusal = appDecision.refusal {
                return try await fail(.accessDenied(refusal), user: signedIn?.user, decision: appDecision)
            }
            if authorization.prompt.contains(.none) {
                let why = signedIn.flatMap {
                    authorization.freshLoginReason(authenticatedAt: $0.session.authTime, now: now)
                }
                return try await fail(
                    OAuthError(
                        .loginRequired, why.map { "the user must sign in again: \($0)" } ?? "the user is not signed in",
                        reason: .loginRequired),
                    user: signedIn?.user)
            }
            return try await page(for: authorization, pending: pending, requiresSignIn: true, request: request) {
                csrf, handle in
                Pages.login(
                    appName: authorization.app.name, username: "", error: nil, csrf: csrf, handle: handle,
                    passkey: try web.secondFactors.passkeys.signInForm(
                        action: PasskeyController.authorizationSignIn, csrf: csrf, handle: handle, at: now))
            }
        }
        let (session, user) = signedIn
        let decision = web.oauth.decide(
            user: user, app: authorization.app, flow: .authorize, clientIP: clientAddress(request, context),
            authentication: session.amr)
        // Only a second factor missing (every other check passed): asked for now, where the app allows it.
        if Self.needsStepUp(authorization, session: session, decision: decision) {
            return try await stepUp(
                authorization, decision: decision, pending: pending, signedIn: signedIn, request: request,
                context: context)
        }
        if let refusal = decision.refusal {
            // Not admin approved, in a flow the user can see: Gatehouse's own page first, with Request access (not
            // for the built-in console: who administers is not asked for from a sign-in page).
            if refusal.reason == .userNotAdminApproved, offersAccessRequest, !authorization.prompt.contains(.none),
                !authorization.app.isBuiltIn
            {
                // Recorded once per authorization request, under the trace id going back to the app will send.
                let traceID = pending?.record.refusalTraceID ?? context.id
                if pending?.record.refusalTraceID == nil {
                    record(
                        authorization, user: user, username: user.username, error: .accessDenied(refusal),
                        decision: decision, request: request, context: context)
                }
                let existing = try await web.accessRequests.latestAccessRequest(
                    user: user.id, app: authorization.app.id)
                return try await page(
                    for: authorization, pending: pending, requiresSignIn: false, refusalTraceID: traceID,
                    request: request
                ) { csrf, handle in
                    Pages.accessRequest(
                        appName: authorization.app.name, username: user.username, existing: existing, justSent: false,
                        csrf: csrf, handle: handle, traceID: traceID)
                }
            }
            return try await fail(.accessDenied(refusal), user: user, decision: decision)
        }
        // Admin-approved apps: the admin's grant is the approval, so pre-authorized users see no consent page.
        if authorization.app.permittedUsers == .adminApprovedPreauthorized {
            return try await issueCode(
                authorization, user: user, session: session, decision: decision, pending: pending, request: request,
                context: context)
        }
        let approval = web.oauth.approvals.current.approval(user: user.id, app: authorization.app.id)
        let needsConsent = authorization.prompt.contains(.consent) || !(approval?.covers(authorization.scopes) ?? false)
        if needsConsent {
            if authorization.prompt.contains(.none) {
                return try await fail(
                    OAuthError(.consentRequired, "the user has not approved this app", reason: .consentRequired),
                    user: user, decision: decision)
            }
            return try await page(for: authorization, pending: pending, requiresSignIn: false, request: request) {
                csrf, handle in
                Pages.consent(
                    appName: authorization.app.name, username: user.username, scopes: authorization.scopes, csrf: csrf,
                    handle: handle)
            }
        }
        return try await issueCode(
            authorization, user: user, session: session, decision: decision, pending: pending, request: request,
            context: context)
    }

    /// Whether the session lacks only a second factor: the decision's one refusal is that the app or the user's
    /// profile requires one, or it allows and `acr_values` asks for one.
    static func needsStepUp(
        _ authorization: AuthorizationRequest, session: BrowserSession, decision: AccessDecision
    ) -> Bool {
        guard let refusal = decision.refusal else {
            return authorization.acrValuesAskForSecondFactor && session.amr.contextClass == .password
        }
        return refusal.reason == .highAssuranceRequired
    }

    /// A session with only a password, for a request that takes a second factor: the code of the user's factor,
    /// typed now; a user without one signs in again (a session alone is no way to add a phone to an account) and
    /// sets one up as part of that sign-in. Refused instead where the app blocks such sessions or the request may
    /// show no page.
    private func stepUp(
        _ authorization: AuthorizationRequest, decision: AccessDecision, pending: KeptAuthorization?,
        signedIn: (session: BrowserSession, user: User), request: Request, context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        if authorization.app.highAssurance == .block, let refusal = decision.refusal {
            let error = OAuthError(
                .accessDenied,
                "\(refusal.description); this app refuses a session signed in with a password alone: sign in again (prompt=login)",
                reason: refusal.reason)
            return try await refuse(
                authorization, error, user: user, decision: decision, pending: pending, request: request,
                context: context)
        }
        if authorization.prompt.contains(.none) {
            return try await refuse(
                authorization,
                OAuthError(
                    .interactionRequired, "the user must complete a second factor", reason: .highAssuranceRequired),
                user: user, decision: decision, pending: pending, request: request, context: context)
        }
        let requirement = web.secondFactorRequirement(for: user, authorization: authorization)
        let factors = try await web.secondFactors.store.secondFactors(of: user.id)
        guard !factors.isEmpty else {
            return try await page(for: authorization, pending: pending, requiresSignIn: true, request: request) {
                csrf, handle in
                Pages.login(
                    appName: authorization.app.name, username: user.username, error: nil,
                    notice: (requirement ?? "") + " Sign in again to set it up.", csrf: csrf, handle: handle)
            }
        }
        let passkeys = try await web.secondFactors.passkeys(among: factors, of: user.id)
        return try await page(for: authorization, pending: pending, requiresSignIn: false, request: request) {
            csrf, handle in
            try SecondFactorSignIn(web: web).challengePage(
                for: user, factors: factors, passkeys: passkeys,
                step: SecondFactorController.step(
                    for: authorization, handle: handle, handleHash: TokenValue.hash(handle)),
                requirement: requirement, csrf: csrf, isStepUp: true)
        }
    }

    /// A login, consent or access-request page for the request: its record on the server (kept, or made now, bound
    /// to this browser's CSRF cookie, with the trace id of the refusal an access-request page shows), and the page
    /// carrying the record's handle.
    func page(
        for authorization: AuthorizationRequest, pending: KeptAuthorization?, requiresSignIn: Bool,
        refusalTraceID: String? = nil, request: Request,
        render: (_ csrf: String, _ handle: String) throws -> Response
    ) async throws -> Response {
        let csrf = web.csrfToken(request)
        let handle: String
        if let pending {
            handle = pending.handle
            if let refusalTraceID, pending.record.refusalTraceID != refusalTraceID {
                try await web.pendingAuthorizations.recordRefusal(
                    handleHash: pending.record.handleHash, traceID: refusalTraceID)
            }
        } else {
            handle = TokenValue.generate(prefix: "")
            let now = web.oauth.now()
            try await web.pendingAuthorizations.savePendingAuthorization(
                PendingAuthorization(
                    handleHash: TokenValue.hash(handle), parameters: authorization.parameters,
                    app: authorization.app.id, browserBinding: TokenValue.hash(csrf.token),
                    requiresSignIn: requiresSignIn, createdAt: now,
                    expiresAt: now.addingTimeInterval(PendingAuthorization.lifetime), refusalTraceID: refusalTraceID))
        }
        var response = try render(csrf.token, handle)
        response.setCookies(csrf.newCookie)
        return response
    }

    /// Sends a code, and records the successful attempt in login history. A request kept on the server is used up
    /// first, so one record never yields two codes.
    func issueCode(
        _ authorization: AuthorizationRequest, user: User, session: BrowserSession, decision: AccessDecision,
        pending: KeptAuthorization?, request: Request, context: some RequestContext
    ) async throws -> Response {
        let now = web.oauth.now()
        if let pending {
            guard
                try await web.pendingAuthorizations.completePendingAuthorization(
                    handleHash: pending.record.handleHash, at: now)
            else { return Pages.expiredForm(traceID: context.id) }
        }
        let code = TokenValue.generate(prefix: "ghc_")
        try await web.oauth.tokens.saveCode(
            AuthorizationCodeRecord(
                codeHash: TokenValue.hash(code), app: authorization.app.id, user: user.id,
                redirectURI: authorization.redirectURI, scopes: authorization.scopes,
                codeChallenge: authorization.codeChallenge, nonce: authorization.nonce, authTime: session.authTime,
                amr: session.amr, createdAt: now, expiresAt: now.addingTimeInterval(AuthorizationCodeRecord.lifetime)))
        record(
            authorization, user: user, username: user.username, error: nil, decision: decision, request: request,
            context: context)
        var parameters = [("code", code)]
        if let state = authorization.state { parameters.append(("state", state)) }
        parameters.append(("iss", web.oauth.issuer.issuer))
        return redirect(to: authorization.redirectURI, parameters, method: request.method)
    }

    /// Ends the attempt with an error redirect, recorded in login history; a request kept on the server ends too.
    /// A refusal already recorded (by its access-request page, under `recordedAs`) is not recorded again, and the
    /// redirect carries that record's trace id.
    func refuse(
        _ authorization: AuthorizationRequest, _ error: OAuthError, user: User?, username: String? = nil,
        decision: AccessDecision? = nil, pending: KeptAuthorization?, recordedAs recorded: String? = nil,
        request: Request, context: some RequestContext
    ) async throws -> Response {
        if let pending {
            _ = try await web.pendingAuthorizations.completePendingAuthorization(
                handleHash: pending.record.handleHash, at: web.oauth.now())
        }
        if recorded == nil {
            record(
                authorization, user: user, username: username ?? user?.username, error: error, decision: decision,
                request: request, context: context)
        }
        return errorRedirect(
            error, to: authorization.redirectURI, state: authorization.state, traceID: recorded ?? context.id,
            method: request.method)
    }

    /// One login event for the authorize flow.
    func record(
        _ authorization: AuthorizationRequest, user: User?, username: String?, error: OAuthError?,
        decision: AccessDecision?, request: Request, context: some RequestContext
    ) {
        let attempt = LoginAttempt()
        if let decision { attempt.note(user: user, decision: decision) }
        if let username { attempt.note(attemptedUsername: username) }
        web.oauth.loginHistory.record(
            .attempt(
                flow: .authorize, app: authorization.app, attempt: attempt, error: error,
                clientIP: clientAddress(request, context), traceID: context.id, at: web.oauth.now()))
    }

    /// RFC 6749 §4.1.2.1: `error`, `error_description`, `state`, and RFC 9207 `iss`; plus `reason` and `trace_id`.
    func errorRedirect(
        _ error: OAuthError, to redirectURI: String, state: String?, traceID: String, method: HTTPRequest.Method
    ) -> Response {
        var parameters = [("error", error.code.rawValue), ("error_description", error.message)]
        if let reason = error.reason { parameters.append(("reason", reason.rawValue)) }
        parameters.append(("trace_id", traceID))
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", web.oauth.issuer.issuer))
        var response = redirect(to: redirectURI, parameters, method: method)
        if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    /// 302 after a GET, 303 after a POST (so the browser follows with a GET).
    private func redirect(to base: String, _ parameters: [(String, String)], method: HTTPRequest.Method) -> Response {
        let query = parameters.map { "\(queryEscape($0.0))=\(queryEscape($0.1))" }.joined(separator: "&")
        let separator = base.contains("?") ? "&" : "?"
        return Response(
            status: method == .post ? .seeOther : .found,
            headers: [.location: base + separator + query, .cacheControl: "no-store"])
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
func queryEscape(_ text: String) -> String {
    text.addingPercentEncoding(
        withAllowedCharacters: CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))
        ?? ""
}

/// An authorization request kept on the server (``PendingAuthorization``), with the handle its forms carry.
struct KeptAuthorization: Sendable {
    let handle: String
    var record: PendingAuthorization
}
