import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// Adding a passkey from the account page: the password typed again, then the browser's registration ceremony,
/// whose challenge is the sealed ``PasskeyEnrolment`` (this user, this browser, five minutes), answered once. And
/// removing a factor confirmed with a passkey (or a code) on a page that shows what it removes.
extension AccountSecurityController {
    func startPasskey(
        _ signedIn: (session: BrowserSession, user: User), _ form: [String: String], _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        guard web.secondFactors.passkeys.isOffered else { return seeOther("/account") }
        if let refused = try await refusesAnotherFactor(signedIn) { return refused }
        if let refused = try await confirmPassword(form, of: user, request: request, context: context) {
            return refused
        }
        let csrf = form["csrf"] ?? ""
        let enrolment = PasskeyEnrolment.new(for: user, csrf: csrf, at: web.oauth.now())
        return try await passkeyPage(
            sealed: try web.secondFactors.passkeys.enrolments.seal(enrolment), user: user, csrf: csrf, error: nil)
    }

    private func passkeyPage(
        sealed: String, user: User, csrf: String, error: String?, name: String = "",
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let passkeys = web.secondFactors.passkeys
        return Pages.enrolPasskey(
            form: Pages.PasskeyForm(
                action: "/account/passkey",
                hidden: HTML.hiddenField("csrf", csrf) + HTML.hiddenField("enrolment", sealed),
                options: passkeys.creationOptions(
                    challenge: sealed, user: user, existing: try await passkeys.store.passkeys(of: user.id)),
                button: "Create a passkey",
                lead: """
                    <label for="name">Name it (to tell your devices apart)</label>
                    <input type="text" id="name" name="name" value="\(HTML.escape(name))" \
                    maxlength="\(SecondFactor.longestName)" placeholder="Laptop, phone, security key">
                    """,
                script: passkeys.scriptURL),
            error: error, status: status)
    }

    func confirmPasskey(
        _ signedIn: (session: BrowserSession, user: User), _ form: [String: String], _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response {
        let user = signedIn.user
        let now = web.oauth.now()
        let csrf = form["csrf"] ?? ""
        let passkeys = web.secondFactors.passkeys
        guard let sealed = form["enrolment"],
            let enrolment = passkeys.enrolments.open(sealed, as: PasskeyEnrolment.self),
            enrolment.holds(for: user, csrf: csrf, at: now)
        else { return Pages.expiredForm(traceID: context.id) }
        // As when it was started: another tab may have added the first factor since, ending the other sessions.
        if let refused = try await refusesAnotherFactor(signedIn) { return refused }
        let credential: PasskeyCredential
        switch passkeys.verifyRegistration(
            form, challenge: sealed, passwordFingerprint: SecondFactorChallenge.fingerprint(of: user))
        {
        case .success(let made): credential = made
        case .failure(let error):
            context.logger.info("passkey registration refused", metadata: ["why": "\(error.message)"])
            return try await passkeyPage(
                sealed: sealed, user: user, csrf: csrf,
                error: "The passkey could not be added: \(error.message). Try again.", name: form["name"] ?? "",
                status: .badRequest)
        }
        guard try await passkeys.useChallenge(sealed, expiresAt: enrolment.expiresAt) else {
            return Pages.expiredForm(traceID: context.id)
        }
        let codes: [String]?
        switch try await web.secondFactors.addPasskey(
            credential, id: enrolment.id, name: form["name"] ?? "", for: user, keptSession: signedIn.session.idHash,
            actor: .user(user.username, sourceIP: clientAddress(request, context)), at: now)
        {
        case .added(let recoveryCodes): codes = recoveryCodes
        case .alreadyAdded:
            return try await passkeyPage(
                sealed: try passkeys.enrolments.seal(PasskeyEnrolment.new(for: user, csrf: csrf, at: now)),
                user: user, csrf: csrf, error: "This passkey is already registered here: use another.",
                status: .conflict)
        case .tooMany: return seeOther("/account?notice=too-many")
        }
        context.logger.info("passkey added", metadata: ["user": "\(user.id)"])
        guard let codes else { return seeOther("/account?notice=passkey-added") }
        return Pages.recoveryCodes(
            codes, next: #"<p><a href="/account">I have saved them: back to your account</a></p>"#)
    }

    /// Asks to confirm `change` with another proof: one of the user's passkeys (where offered), or a code from
    /// their authenticator app or a recovery code; the page says what the change does first.
    func confirmationPage(_ change: GuardedChange, of user: User, csrf: String, error: String? = nil) async throws
        -> Response
    {
        let passkeys = web.secondFactors.passkeys
        let theirs = try await passkeys.store.passkeys(of: user.id)
        let hasApp = try await web.secondFactors.store.secondFactors(of: user.id).contains { $0.kind == .totp }
        let fields = HTML.hiddenField("csrf", csrf) + change.hiddenFields
        var passkeyForm: Pages.PasskeyForm?
        if passkeys.isOffered, !theirs.isEmpty {
            let sealed = try passkeys.confirmations.seal(
                PasskeyConfirmation(
                    user: user.id.rawValue, binding: TokenValue.hash(csrf), action: change.action,
                    expiresAt: web.oauth.now().addingTimeInterval(PasskeyServices.lifetime),
                    nonce: TokenValue.generate(prefix: "")))
            passkeyForm = Pages.PasskeyForm(
                action: change.path, hidden: fields + HTML.hiddenField("confirmation", sealed),
                options: passkeys.requestOptions(challenge: sealed, allowed: theirs, userVerification: "preferred"),
                button: "Confirm with a passkey", script: passkeys.scriptURL)
        }
        return Pages.confirmChange(
            change, passkey: passkeyForm, fields: fields, hasAuthenticatorApp: hasApp, error: error)
    }

    /// Checks `change` confirmed with a passkey: the sealed confirmation (this user, this browser, this change),
    /// then the answer, throttled as a code is. Nil when it holds; else the response to send.
    func confirmWithPasskey(
        _ form: [String: String], of user: User, for change: GuardedChange, _ request: Request,
        _ context: some RequestContext
    ) async throws -> Response? {
        let now = web.oauth.now()
        let passkeys = web.secondFactors.passkeys
        guard let sealed = form["confirmation"],
            let confirmation = passkeys.confirmations.open(sealed, as: PasskeyConfirmation.self),
            confirmation.holds(for: user, csrf: form["csrf"] ?? "", at: now), confirmation.action == change.action,
            let posted = PasskeyServices.PostedAssertion(form)
        else { return Pages.expiredForm(traceID: context.id) }
        let address = clientAddress(request, context)
        var refusal = "refused"
        switch try await web.secondFactors.attempt(
            by: user, address: address, throttle: web.throttle, sessions: web.sessions, at: now,
            {
                let result = try await passkeys.verify(
                    posted, challenge: sealed, expiresAt: confirmation.expiresAt, of: user, passwordFingerprint: nil,
                    requireUserVerification: false, address: address, at: now)
                if case .refused(let why) = result { refusal = why }
                if case .verified = result { return true }
                return false
            })
        {
        case .verified: return nil
        case .throttled(let until):
            return seeOther("/account?notice=throttled").retrying(after: until.timeIntervalSince(now))
        case .incorrect:
            var page = try await confirmationPage(
                change, of: user, csrf: form["csrf"] ?? "", error: "That passkey was not accepted: \(refusal).")
            page.status = .unauthorized
            return page
        }
    }
}
