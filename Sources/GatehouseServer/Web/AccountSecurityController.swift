import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// Two-step verification on the account page. Setting up an authenticator app or a passkey asks for the password
/// again (a browser left signed in is no way to add someone else's phone to the account); removing a factor asks for
/// another proof of one (a current code, a recovery code, or a passkey's answer), and replacing the recovery codes
/// for a current code. Each change is audited with the user as actor.
struct AccountSecurityController: Sendable {
    let web: WebServices

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        typealias Handler =
            @Sendable (
                Self, (session: BrowserSession, user: User), [String: String], Request, Context
            ) async throws -> Response
        let routes: [(String, Handler)] = [
            ("account/authenticator/new", { try await $0.start($1, $2, $3, $4) }),
            ("account/authenticator", { try await $0.confirm($1, $2, $3, $4) }),
            ("account/authenticator/remove", { try await $0.remove($1, $2, $3, $4) }),
            ("account/recovery-codes", { try await $0.replaceCodes($1, $2, $3, $4) }),
            ("account/passkey/new", { try await $0.startPasskey($1, $2, $3, $4) }),
            ("account/passkey", { try await $0.confirmPasskey($1, $2, $3, $4) }),
        ]
        for (path, handler) in routes {
            router.post(RouterPath(path)) { request, context in
                await Pages.handling(context) {
                    try await signedIn(request, context) { try await handler(self, $0, $1, request, context) }
                }
            }
        }
    }

    /// Runs `body` for a signed-in browser's posted form with a valid CSRF token.
    private func signedIn(
        _ request: Request, _ context: some RequestContext,
        _ body: ((session: BrowserSession, user: User), [String: String]) async throws -> Response
    ) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard let signedIn = try await web.currentSession(request) else { return seeOther("/account") }
        guard web.isCSRFValid(request, form: form) else { return Pages.expiredForm(traceID: context.id) }
        return try await body(signedIn, form)
    }

    /// Why this session may not set up a factor now, as the account page's notice; nil when it may. Another phone
    /// is added by whoever proved they hold one, not by a session from before the first was added; and at most
    /// ``SecondFactor/maximumPerUser``.
    func refusesAnotherFactor(_ signedIn: (session: BrowserSession, user: User)) async throws -> Response? {
        let factors = try await web.secondFactors.store.secondFactors(of: signedIn.user.id)
        if !factors.isEmpty, signedIn.session.amr.contextClass == .password {
            return seeOther("/account?notice=second-factor-needed")
        }
        return factors.count >= SecondFactor.maximumPerUser ? seeOther("/account?notice=too-many") : nil
    }

    private func start(
        _ signedIn: (session: BrowserSession, user: User), _ form: [String: String], _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        let now = web.oauth.now()
        if let refused = try await refusesAnotherFactor(signedIn) { return refused }
        if let refused = try await confirmPassword(form, of: user, request: request, context: context) {
            return refused
        }
        let totp = TimeBasedOneTimePassword.generate()
        let enrolment = AuthenticatorEnrolment(
            id: UUID().uuidString.lowercased(), user: user.id.rawValue, binding: TokenValue.hash(form["csrf"] ?? ""),
            secret: totp.base32,
            expiresAt: now.addingTimeInterval(SecondFactorChallenge.lifetime))
        return try enrolmentPage(totp, enrolment, user: user, csrf: form["csrf"] ?? "", error: nil)
    }

    private func enrolmentPage(
        _ totp: TimeBasedOneTimePassword, _ enrolment: AuthenticatorEnrolment, user: User, csrf: String,
        error: String?, name: String = "", status: HTTPResponse.Status = .ok
    ) throws -> Response {
        Pages.enrolAuthenticator(
            heading: "Set up an authenticator app",
            intro: "After this, signing in asks for a code from the app as well as your password.", totp: totp,
            keyURI: totp.keyURI(issuer: web.otpIssuer, account: user.username),
            form: Pages.SecondFactorForm(
                action: "/account/authenticator",
                hidden: HTML.hiddenField("enrolment", try web.secondFactors.enrolments.seal(enrolment)), csrf: csrf),
            name: name, error: error, status: status)
    }

    private func confirm(
        _ signedIn: (session: BrowserSession, user: User), _ form: [String: String], _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        let now = web.oauth.now()
        let csrf = form["csrf"] ?? ""
        guard let sealed = form["enrolment"],
            let enrolment = web.secondFactors.enrolments.open(sealed, as: AuthenticatorEnrolment.self),
            enrolment.holds(for: user, csrf: csrf, at: now),
            let secret = Base32.decode(enrolment.secret)
        else { return Pages.expiredForm(traceID: context.id) }
        // As when it was started: another tab may have added the first factor since, ending the other sessions.
        if let refused = try await refusesAnotherFactor(signedIn) { return refused }
        let totp = TimeBasedOneTimePassword(secret: secret)
        let address = clientAddress(request, context)
        let (check, firstStep) = try await web.secondFactors.attemptFirstCode(
            form["code"] ?? "", of: totp, by: user, address: address, throttle: web.throttle, sessions: web.sessions,
            at: now)
        switch check {
        case .throttled(let until):
            return try enrolmentPage(
                totp, enrolment, user: user, csrf: csrf,
                error: SecondFactorServices.retryMessage(until: until, now: now), name: form["name"] ?? "",
                status: .tooManyRequests
            ).retrying(after: until.timeIntervalSince(now))
        case .incorrect:
            return try enrolmentPage(
                totp, enrolment, user: user, csrf: csrf,
                error: SecondFactorServices.firstCodeMismatch, name: form["name"] ?? "", status: .unauthorized)
        case .verified:
            guard let firstStep else { return Pages.expiredForm(traceID: context.id) }
            let codes: [String]?
            switch try await web.secondFactors.add(
                totp, id: enrolment.id, name: form["name"] ?? "", firstStep: firstStep, for: user,
                keptSession: signedIn.session.idHash, actor: .user(user.username, sourceIP: address), at: now)
            {
            case .added(let recoveryCodes): codes = recoveryCodes
            case .alreadyAdded: return Pages.expiredForm(traceID: context.id)
            case .tooMany: return seeOther("/account?notice=too-many")
            }
            context.logger.info("authenticator app added", metadata: ["user": "\(user.id)"])
            guard let codes else { return seeOther("/account?notice=authenticator-added") }
            return Pages.recoveryCodes(
                codes, next: #"<p><a href="/account">I have saved them: back to your account</a></p>"#)
        }
    }

    /// Checks the form's password (typed again) before a change; the account page's notice when it is not right.
    func confirmPassword(_ form: [String: String], of user: User, request: Request, context: some RequestContext)
        async throws -> Response?
    {
        switch try await web.checkSignIn(
            username: user.username, password: form["password"] ?? "", address: clientAddress(request, context))
        {
        case .correct(let checked) where checked.id == user.id: return nil
        case .throttled(let until):
            return seeOther("/account?notice=throttled").retrying(after: until.timeIntervalSince(web.oauth.now()))
        case .busy: return seeOther("/account?notice=busy")
        default: return seeOther("/account?notice=password-wrong")
        }
    }

    /// Checks the form's current code (of any of the user's factors, or a recovery code) before a change.
    func confirmCode(_ form: [String: String], of user: User, request: Request, context: some RequestContext)
        async throws -> Response?
    {
        let now = web.oauth.now()
        switch try await web.secondFactors.attempt(
            by: user, address: clientAddress(request, context), throttle: web.throttle, sessions: web.sessions, at: now,
            { try await web.secondFactors.verify(form["code"] ?? "", of: user, at: now) })
        {
        case .verified: return nil
        case .throttled(let until):
            return seeOther("/account?notice=throttled").retrying(after: until.timeIntervalSince(now))
        case .incorrect: return seeOther("/account?notice=code-wrong")
        }
    }

    private func remove(
        _ signedIn: (session: BrowserSession, user: User), _ form: [String: String], _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        let factors = try await web.secondFactors.store.secondFactors(of: user.id)
        guard let factor = factors.first(where: { $0.id == form["factor"] }) else {
            return seeOther("/account?notice=factor-gone")
        }
        if factors.count == 1, web.secondFactorRequirement(for: user) != nil {
            return seeOther("/account?notice=factor-required")
        }
        // Removing a factor takes a second factor: a current code (or a recovery code), or a passkey's answer on the
        // page that asks for one (a passkey's row on the account page has no code field: it leads there).
        let confirmation: Response?
        if PasskeyServices.PostedAssertion.isPresent(in: form) {
            confirmation = try await confirmWithPasskey(form, of: user, for: .removal(factor), request, context)
        } else if form["code"] == nil {
            return try await confirmationPage(.removal(factor), of: user, csrf: form["csrf"] ?? "")
        } else {
            confirmation = try await confirmCode(form, of: user, request: request, context: context)
        }
        if let refused = confirmation { return refused }
        _ = try await web.secondFactors.store.removeSecondFactor(
            factor.id, of: user.id, keptSession: signedIn.session.idHash,
            actor: .user(user.username, sourceIP: clientAddress(request, context)),
            at: web.oauth.now())
        context.logger.info("second factor removed", metadata: ["user": "\(user.id)"])
        return seeOther("/account?notice=\(factor.kind == .passkey ? "passkey" : "authenticator")-removed")
    }

    private func replaceCodes(
        _ signedIn: (session: BrowserSession, user: User), _ form: [String: String], _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        guard try await !web.secondFactors.store.secondFactors(of: user.id).isEmpty else {
            return seeOther("/account")
        }
        // As for a removal: a code, or a passkey's answer on the page that asks for one.
        if PasskeyServices.PostedAssertion.isPresent(in: form) {
            if let refused = try await confirmWithPasskey(form, of: user, for: .newRecoveryCodes, request, context) {
                return refused
            }
        } else if form["code"] == nil {
            return try await confirmationPage(.newRecoveryCodes, of: user, csrf: form["csrf"] ?? "")
        } else if let refused = try await confirmCode(form, of: user, request: request, context: context) {
            return refused
        }
        let codes = RecoveryCodes.generate()
        try await web.secondFactors.store.replaceRecoveryCodes(
            of: user.id, hashes: codes.map { web.secondFactors.recoveryCodeHash($0, of: user) },
            actor: .user(user.username, sourceIP: clientAddress(request, context)), at: web.oauth.now())
        return Pages.recoveryCodes(
            codes,
            next: #"<p>Your earlier codes no longer work.</p><p><a href="/account">Back to your account</a></p>"#)
    }

    func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
