import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// `POST /login/passkey` and `POST /account/passkey-login`: a passwordless sign-in with a passkey whose
/// authenticator verifies the user (a PIN or a biometric), in the authorization flow and on the account page. The
/// sign-in's `acr` is `phr`; its `amr` is `hwk` or `swk` (a passkey that may be synced) with `user`.
struct PasskeyController: Sendable {
    let web: WebServices

    static let authorizationSignIn = "/login/passkey"
    static let accountSignIn = "/account/passkey-login"

    func addRoutes(to router: Router<some RequestContext>) {
        let flow = AuthorizationFlow(web: web)
        router.post(RouterPath(String(Self.authorizationSignIn.dropFirst()))) { request, context in
            await Pages.handling(context) { try await authorization(request, context, flow: flow) }
        }
        router.post(RouterPath(String(Self.accountSignIn.dropFirst()))) { request, context in
            await Pages.handling(context) { try await account(request, context) }
        }
    }

    /// What a posted passwordless sign-in came to.
    enum Outcome {
        /// The form is not (any more) one this browser was given.
        case expired
        /// Refused: the words for the page, its status, the refusal for login history, the user when the passkey
        /// named one, and when to retry when throttled.
        case failed(String, HTTPResponse.Status, OAuthError, User?, retryAfter: TimeInterval?)
        case verified(User, AuthenticationMethods)
    }

    /// Checks a posted passwordless sign-in: its sealed challenge (this browser's, for this request), then the
    /// assertion, each attempt throttled per address.
    func check(_ form: [String: String], request: String?, address: String?) async throws -> Outcome {
        let now = web.oauth.now()
        let passkeys = web.secondFactors.passkeys
        guard let challenge = form["passkey"], let csrf = form["csrf"],
            let sealed = passkeys.signIns.open(challenge, as: PasskeySignIn.self),
            sealed.holds(csrf: csrf, request: request)
        else { return .expired }
        guard now < sealed.expiresAt else {
            // The page waited too long; the form is this browser's still: a new challenge, and another try.
            return .failed(
                "The page waited too long for the passkey. Try again.", .badRequest,
                OAuthError(.accessDenied, "the passkey challenge expired", reason: .invalidCredentials), nil,
                retryAfter: nil)
        }
        guard let posted = PasskeyServices.PostedAssertion(form) else {
            return .failed(
                "No passkey was used. Try again, or sign in with your password.", .badRequest,
                OAuthError(.accessDenied, "the passkey form held no assertion", reason: .invalidCredentials), nil,
                retryAfter: nil)
        }
        // Throttled by address only: an answer has no secret to guess, and a credential id (it is in pages'
        // options) must not let anyone fill its user's second-factor throttle.
        var result = PasskeyServices.Verified.refused("this passkey is not registered here (it may have been removed)")
        let check = try await web.secondFactors.attempt(
            keys: Array(web.throttle.keys(account: "", address: address).dropFirst()), clearing: nil,
            throttle: web.throttle, sessions: web.sessions, at: now
        ) {
            result = try await passkeys.verify(
                posted, challenge: challenge, expiresAt: sealed.expiresAt, of: nil, passwordFingerprint: nil,
                requireUserVerification: true, address: address, at: now)
            if case .verified = result { return true }
            return false
        }
        // Whose passkey it names, for login history whether or not its answer held.
        let owner: StoredPasskey? =
            if case .verified(let passkey, _) = result { passkey } else {
                try await passkeys.store.passkey(credentialID: posted.credentialID)
            }
        var user: User?
        if let owner { user = try await web.oauth.directory.users.user(owner.factor.user) }
        if case .verified(let passkey, _) = result {
            // Alone, it stands in for the password it last proved itself beside: not after the password changed
            // (a suspected compromise), nor for a user who has none. A policy, not a guess: not a failure counted.
            if let found = user,
                found.passwordHash == nil
                    || passkey.credential.passwordFingerprint != SecondFactorChallenge.fingerprint(of: found)
            {
                result = .refused(
                    "your password changed since this passkey was last used with it; sign in with your password and this passkey once, and it signs you in alone again"
                )
            }
        }
        switch (check, result) {
        case (.throttled(let until), _):
            return .failed(
                SecondFactorServices.retryMessage(until: until, now: now), .tooManyRequests,
                OAuthError(.accessDenied, "too many failed passkey sign-ins", reason: .loginThrottled), user,
                retryAfter: until.timeIntervalSince(now))
        case (.verified, .verified(_, let methods)):
            guard let user else { return .expired }
            return .verified(user, methods)
        case (.verified, .refused(let why)):
            // The answer held; the password rule refused it.
            return .failed(
                "That passkey did not sign you in alone: \(why).", .forbidden,
                OAuthError(.accessDenied, "passkey refused: \(why)", reason: .invalidCredentials), user,
                retryAfter: nil)
        case (.incorrect, _):
            let why: String = if case .refused(let why) = result { why } else { "refused" }
            return .failed(
                "That passkey did not sign you in: \(why). Try again, or sign in with your password.", .unauthorized,
                OAuthError(.accessDenied, "passkey refused: \(why)", reason: .invalidCredentials), user,
                retryAfter: nil)
        }
    }

    private func authorization(_ request: Request, _ context: some RequestContext, flow: AuthorizationFlow)
        async throws -> Response
    {
        let (form, authorization, pending): ([String: String], AuthorizationRequest, KeptAuthorization)
        switch try await flow.submitted(request, context) {
        case .respond(let response): return response
        case .valid(let validForm, let valid, let kept): (form, authorization, pending) = (validForm, valid, kept)
        }
        let address = clientAddress(request, context)
        switch try await check(form, request: pending.record.handleHash, address: address) {
        case .expired: return Pages.expiredForm(traceID: context.id)
        case .failed(let message, let status, let error, let user, let retryAfter):
            flow.record(
                authorization, user: user, username: user?.username ?? "", error: error, decision: nil,
                request: request, context: context)
            let csrf = form["csrf"] ?? ""
            var page = Pages.login(
                appName: authorization.app.name, username: "", error: message, csrf: csrf, handle: pending.handle,
                passkey: try web.secondFactors.passkeys.signInForm(
                    action: Self.authorizationSignIn, csrf: csrf, handle: pending.handle, at: web.oauth.now()))
            page.status = status
            return retryAfter.map { page.retrying(after: $0) } ?? page
        case .verified(let user, let methods):
            guard user.isActive else {
                let decision = web.oauth.decide(
                    user: user, app: authorization.app, flow: .authorize, clientIP: address)
                return try await flow.refuse(
                    authorization, .accessDenied(decision.refusal ?? .userInactive), user: user, decision: decision,
                    pending: pending, request: request, context: context)
            }
            context.logger.info("signed in with a passkey", metadata: ["user": "\(user.id)"])
            let (session, cookie, signedIn) = try await flow.signIn(user, methods: methods, pending: pending)
            var response = try await flow.proceed(
                authorization, pending: signedIn, signedIn: (session, user), request: request, context: context)
            response.setCookie(cookie)
            return response
        }
    }

    private func account(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard web.isCSRFValid(request, form: form) else { return Pages.expiredForm(traceID: context.id) }
        switch try await check(form, request: nil, address: clientAddress(request, context)) {
        case .expired: return Pages.expiredForm(traceID: context.id)
        case .failed(let message, let status, _, _, let retryAfter):
            let csrf = form["csrf"] ?? ""
            var page = Pages.accountSignIn(
                username: "", error: message, csrf: csrf,
                passkey: try web.secondFactors.passkeys.signInForm(
                    action: Self.accountSignIn, csrf: csrf, handle: nil, at: web.oauth.now()))
            page.status = status
            return retryAfter.map { page.retrying(after: $0) } ?? page
        case .verified(let user, _) where !user.isActive:
            var page = Pages.accountSignIn(
                username: "", error: "This account is deactivated. Ask your administrator to reactivate it.",
                csrf: form["csrf"] ?? "", passkey: nil)
            page.status = .forbidden
            return page
        case .verified(let user, let methods):
            let (_, cookie) = try await web.startSession(for: user, methods: methods)
            var response = Response(status: .seeOther, headers: [.location: "/account", .cacheControl: "no-store"])
            response.setCookie(cookie)
            return response
        }
    }
}
