import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// The second step of a sign-in, after the right password: every user with a second factor types a code from it;
/// a user without one whom the sign-in requires to have one (``WebServices/secondFactorRequirement(for:authorization:)``) sets up an
/// authenticator app first. No session exists until the step is done; the browser holds only a sealed
/// ``SecondFactorChallenge``, bound to it and to the authorization request it continues.
struct SecondFactorSignIn: Sendable {
    let web: WebServices

    /// Where the step's form posts, and what it continues.
    struct Step {
        var heading: String
        var action: String
        /// The hidden fields the flow's own forms carry (HTML, escaped).
        var hidden: String = ""
        /// SHA-256 of the authorization request's handle; nil on the account page.
        var request: String?
    }

    /// The page of the second step after `user`'s right password, or nil when the password is all it needs.
    /// `requirement` says why a user without a second factor must set one up now; nil when nothing requires one.
    func page(after user: User, step: Step, requirement: String?, csrf: String) async throws -> Response? {
        let factors = try await web.secondFactors.store.secondFactors(of: user.id)
        guard !factors.isEmpty || requirement != nil else { return nil }
        return try challengePage(
            for: user, factors: factors, passkeys: try await web.secondFactors.passkeys(among: factors, of: user.id),
            step: step,
            requirement: requirement, csrf: csrf)
    }

    /// The second step's page for `user`, who has `factors` (of which `passkeys`): their passkey or the code of
    /// their authenticator app, or (without a factor) setting one up. `isStepUp`: it raises a signed-in session
    /// rather than following a password.
    func challengePage(
        for user: User, factors: [SecondFactor], passkeys: [StoredPasskey], step: Step, requirement: String?,
        csrf: String, isStepUp: Bool = false
    ) throws -> Response {
        let hasFactor = !factors.isEmpty
        let challenge = SecondFactorChallenge(
            user: user.id.rawValue, passwordFingerprint: SecondFactorChallenge.fingerprint(of: user),
            binding: TokenValue.hash(csrf), request: step.request,
            expiresAt: web.oauth.now().addingTimeInterval(SecondFactorChallenge.lifetime),
            enrolmentSecret: hasFactor ? nil : TimeBasedOneTimePassword.generate().base32,
            enrolmentID: hasFactor ? nil : UUID().uuidString.lowercased(), requirement: requirement,
            isStepUp: isStepUp ? true : nil)
        return try render(
            challenge, user: user, hasAuthenticatorApp: factors.contains { $0.kind == .totp }, passkeys: passkeys,
            step: step, csrf: csrf, error: nil)
    }

    private func render(
        _ challenge: SecondFactorChallenge, user: User, hasAuthenticatorApp: Bool, passkeys: [StoredPasskey],
        step: Step, csrf: String, error: String?, status: HTTPResponse.Status = .ok, name: String = ""
    ) throws -> Response {
        // One sealed challenge for both forms: it is also the passkey ceremony's challenge, answered once.
        let sealed = try web.secondFactors.challenges.seal(challenge)
        let hidden = step.hidden + HTML.hiddenField("challenge", sealed)
        let form = Pages.SecondFactorForm(action: step.action, hidden: hidden, csrf: csrf)
        let ceremonies = web.secondFactors.passkeys
        func passkeyForm(options: String, button: String, lead: String) -> Pages.PasskeyForm {
            Pages.PasskeyForm(
                action: step.action, hidden: form.fields, options: options, button: button, lead: lead,
                script: ceremonies.scriptURL)
        }
        if let secret = challenge.enrolmentSecret.flatMap(Base32.decode) {
            let totp = TimeBasedOneTimePassword(secret: secret)
            let passkey =
                !ceremonies.isOffered
                ? nil
                : passkeyForm(
                    options: ceremonies.creationOptions(challenge: sealed, user: user, existing: []),
                    button: "Use a passkey instead",
                    lead: #"<p class="muted">Or, with a fingerprint, your face or your device's PIN:</p>"#)
            return Pages.enrolAuthenticator(
                heading: "Set up two-step verification",
                intro: "\(challenge.requirement ?? "A second factor is required.") It takes a minute, once.",
                totp: totp, keyURI: totp.keyURI(issuer: web.otpIssuer, account: user.username), form: form,
                name: name, error: error, status: status, passkey: passkey)
        }
        let passkey =
            passkeys.isEmpty || !ceremonies.isOffered
            ? nil
            : passkeyForm(
                options: ceremonies.requestOptions(challenge: sealed, allowed: passkeys, userVerification: "preferred"),
                button: "Use your passkey",
                lead: #"<p class="muted">With this device, your phone or your security key:</p>"#)
        return Pages.secondFactor(
            heading: step.heading, username: user.username, form: form, hasAuthenticatorApp: hasAuthenticatorApp,
            passkey: passkey, error: error, status: status)
    }

    /// What the posted step came to.
    enum Outcome {
        /// The form is not (any more) a second step of this browser's sign-in.
        case expired
        /// A wrong or throttled code: the page to show again, and the refusal for login history.
        case failed(User, Response, OAuthError)
        /// Done: sign the user in with these methods; show the recovery codes first when there are any.
        /// `isStepUp`: the session it replaces was raised, not signed in afresh.
        case verified(User, AuthenticationMethods, recoveryCodes: [String]?, isStepUp: Bool)
    }

    /// Checks a posted second step: its challenge, then the code (of the authenticator being set up in this
    /// sign-in, or of one of the user's factors), each attempt throttled.
    func complete(_ form: [String: String], step: Step, address: String?) async throws -> Outcome {
        let now = web.oauth.now()
        guard let sealed = form["challenge"], let csrf = form["csrf"],
            let challenge = web.secondFactors.challenges.open(sealed, as: SecondFactorChallenge.self),
            let user = try await web.oauth.directory.users.user(UserID(rawValue: challenge.user)),
            challenge.holds(for: user, csrf: csrf, request: step.request, at: now)
        else { return .expired }
        let code = form["code"] ?? ""
        let enrolling = challenge.enrolmentSecret.flatMap(Base32.decode).map(TimeBasedOneTimePassword.init(secret:))
        let factors = web.secondFactors
        let ceremonies = factors.passkeys
        // What the step proved, besides the password: set when it verified.
        var methods: [AuthenticationMethod] = [.oneTimePassword]
        var refusal: String?
        let (check, firstStep): (SecondFactorServices.Check, Int64?)
        if enrolling != nil, form["attestation_object"] != nil {
            // A passkey made in place of the authenticator app: nothing to guess, so nothing to throttle; its
            // challenge (the sealed step) is answered once.
            switch ceremonies.verifyRegistration(
                form, challenge: sealed, passwordFingerprint: SecondFactorChallenge.fingerprint(of: user))
            {
            case .failure(let error):
                (check, firstStep, refusal) = (.incorrect, nil, error.message)
            case .success(let credential):
                guard try await ceremonies.useChallenge(sealed, expiresAt: challenge.expiresAt) else { return .expired }
                switch try await factors.addPasskey(
                    credential, id: challenge.enrolmentID ?? "", name: form["name"] ?? "", for: user, keptSession: nil,
                    actor: .user(user.username, sourceIP: address), at: now)
                {
                case .added(let recoveryCodes):
                    return .verified(
                        user, AuthenticationMethods([.password, credential.method]), recoveryCodes: recoveryCodes,
                        isStepUp: challenge.isStepUp == true)
                case .alreadyAdded, .tooMany: return .expired
                }
            }
        } else if PasskeyServices.PostedAssertion.isPresent(in: form) {
            var result = PasskeyServices.Verified.refused("the form holds no passkey")
            check = try await factors.attempt(
                by: user, address: address, throttle: web.throttle, sessions: web.sessions, at: now
            ) {
                guard let posted = PasskeyServices.PostedAssertion(form) else {
                    refusal = "the form holds no passkey"
                    return false
                }
                result = try await ceremonies.verify(
                    posted, challenge: sealed, expiresAt: challenge.expiresAt, of: user,
                    passwordFingerprint: challenge.passwordFingerprint,
                    requireUserVerification: false, address: address, at: now)
                if case .verified(_, let proved) = result { methods = proved.methods }
                if case .refused(let why) = result { refusal = why }
                return refusal == nil
            }
            firstStep = nil
        } else if let enrolling {
            (check, firstStep) = try await factors.attemptFirstCode(
                code, of: enrolling, by: user, address: address, throttle: web.throttle, sessions: web.sessions,
                at: now)
        } else {
            check = try await factors.attempt(
                by: user, address: address, throttle: web.throttle, sessions: web.sessions, at: now
            ) { try await factors.verify(code, of: user, at: now) }
            firstStep = nil
        }
        func failed(
            _ message: String, _ status: HTTPResponse.Status, _ error: OAuthError, retryAfter: TimeInterval? = nil
        ) async throws -> Outcome {
            let userFactors = try await web.secondFactors.store.secondFactors(of: user.id)
            var page = try render(
                challenge, user: user, hasAuthenticatorApp: userFactors.contains { $0.kind == .totp },
                passkeys: try await web.secondFactors.passkeys(among: userFactors, of: user.id), step: step, csrf: csrf,
                error: message, status: status, name: form["name"] ?? "")
            if let retryAfter { page = page.retrying(after: retryAfter) }
            return .failed(user, page, error)
        }
        switch check {
        case .throttled(let until):
            return try await failed(
                SecondFactorServices.retryMessage(until: until, now: now), .tooManyRequests,
                OAuthError(.accessDenied, "too many wrong second-factor codes", reason: .loginThrottled),
                retryAfter: until.timeIntervalSince(now))
        case .incorrect:
            if let refusal {
                return try await failed(
                    "That passkey was not accepted: \(refusal). Try again, or use another way below.", .unauthorized,
                    OAuthError(.accessDenied, "passkey refused: \(refusal)", reason: .invalidSecondFactor))
            }
            return try await failed(
                enrolling == nil
                    ? "That code is not right, or was used already. Type the code your app shows now."
                    : SecondFactorServices.firstCodeMismatch,
                .unauthorized, OAuthError(.accessDenied, "wrong second-factor code", reason: .invalidSecondFactor))
        case .verified:
            var codes: [String]?
            if let enrolling, let firstStep {
                switch try await web.secondFactors.add(
                    enrolling, id: challenge.enrolmentID ?? "", name: form["name"] ?? "", firstStep: firstStep,
                    for: user, keptSession: nil, actor: .user(user.username, sourceIP: address), at: now)
                {
                case .added(let recoveryCodes): codes = recoveryCodes
                case .alreadyAdded, .tooMany: return .expired
                }
            }
            return .verified(
                user, AuthenticationMethods([.password] + methods), recoveryCodes: codes,
                isStepUp: challenge.isStepUp == true)
        }
    }
}
