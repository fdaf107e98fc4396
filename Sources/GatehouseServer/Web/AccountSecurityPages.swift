import Foundation
import GatehouseCore

extension Pages {
    /// The account page's two-step verification section: the user's authenticator apps and passkeys, their
    /// recovery codes left, and the forms that change them.
    struct AccountSecurity {
        var factors: [SecondFactor]
        var recoveryCodesLeft: Int
        /// Why the user must keep a second factor; nil when it is their choice.
        var requirement: String?
        /// The outcome of the last change, in words.
        var notice: String?
        /// Whether passkeys can be added (``PasskeyServices/isOffered``).
        var offersPasskeys = true

        /// What each `notice` a change sends back to the account page says; anything else shows nothing.
        static let notices = [
            "authenticator-added": "Your authenticator app is set up. Signing in now asks for a code from it.",
            "authenticator-removed": "The authenticator app was removed, and you are signed out everywhere else.",
            "passkey-added":
                "Your passkey is added. Signing in asks for it after your password; where your device keeps it and verifies you, it also signs you in without one.",
            "passkey-removed": "The passkey was removed, and you are signed out everywhere else.",
            "password-wrong": "That password is not right, so nothing was changed.",
            "code-wrong": "That code is not right, or was used already, so nothing was changed.",
            "throttled": "Too many wrong attempts. Try again in a few minutes.",
            "busy": "Too many sign-ins are being checked right now. Try again in a moment.",
            "factor-gone": "That authenticator app or passkey was already removed.",
            "second-factor-needed":
                "This browser signed in before two-step verification was on: sign out and in again (with your second factor) to add another.",
            "too-many":
                "You have the most authenticator apps and passkeys allowed (\(SecondFactor.maximumPerUser)): remove one first.",
            "factor-required":
                "Your profile requires two-step verification: set up another authenticator app or passkey before removing this one.",
        ]

        private func addPasskey(token: String, passwordField: String) -> String {
            """
            <form method="post" action="/account/passkey/new">\(token)
            \(passwordField)
            <button type="submit">Add a passkey</button>
            </form>
            <p class="muted">A passkey signs you in with a fingerprint, your face or your device's PIN, with no code to \
            type; it works only on this site, so a look-alike site cannot use it.</p>
            """
        }

        private var hasAuthenticatorApp: Bool { factors.contains { $0.kind == .totp } }

        func section(csrf: String) -> String {
            let token = HTML.hiddenField("csrf", csrf)
            let notice = notice.map { #"<p class="notice" role="status">\#(HTML.escape($0))</p>"# } ?? ""
            let codeField = { (id: String) in
                """
                <label for="\(id)">Current code from your app (or a recovery code)</label>
                <input type="text" id="\(id)" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>
                """
            }
            let passwordField = { (id: String, purpose: String) in
                """
                <label for="\(id)">Your password (\(purpose))</label>
                <input type="password" id="\(id)" name="password" autocomplete="current-password" required>
                """
            }
            let state =
                factors.isEmpty
                ? "<p>Off: signing in asks only for your password.\(requirement.map { " " + HTML.escape($0) } ?? "")</p>"
                : "<p>On: signing in asks for your passkey or a code from your authenticator app after your password.</p>"
            let rows = factors.map { factor in
                let used = factor.lastUsedAt.map { "last used \(time($0))" } ?? "never used"
                let id = "remove-\(HTML.escape(factor.id))"
                return """
                    <li><strong>\(HTML.escape(factor.name))</strong> <span class="muted">(\
                    \(factor.kind.label), added \
                    \(HTML.escape(time(factor.createdAt))), \(HTML.escape(used)))</span>
                    <form method="post" action="/account/authenticator/remove">\(token)
                    <input type="hidden" name="factor" value="\(HTML.escape(factor.id))">
                    \(factor.kind == .passkey ? "" : codeField(id))
                    <button type="submit" aria-label="Remove \(HTML.escape(factor.name))">Remove\(factor.kind == .passkey ? "…" : "")</button>
                    </form></li>
                    """
            }.joined(separator: "\n")
            let recovery =
                factors.isEmpty
                ? ""
                : """
                <h3>Recovery codes</h3>
                <p>\(recoveryCodesLeft) of \(RecoveryCodes.count) left.\(recoveryCodesLeft <= 3 ? " Make new ones before you run out." : "")</p>
                <form method="post" action="/account/recovery-codes">\(token)
                \(hasAuthenticatorApp ? codeField("recovery-code") : "")
                <button type="submit">Make new recovery codes\(hasAuthenticatorApp ? "" : "…")</button>
                </form>
                <p class="muted">New codes replace all the earlier ones.</p>
                """
            return """
                <section class="security" aria-labelledby="security-heading">
                <h2 id="security-heading">Two-step verification</h2>
                \(notice)
                \(state)
                <ul class="factors">\(rows)</ul>
                <form method="post" action="/account/authenticator/new">\(token)
                \(passwordField("setup-password", "to set up \(factors.isEmpty ? "an" : "another") authenticator app"))
                <button type="submit">Set up an authenticator app</button>
                </form>
                \(offersPasskeys ? addPasskey(token: token, passwordField: passwordField("passkey-password", "to add a passkey")) : "")
                \(recovery)
                </section>
                """
        }
    }
}
