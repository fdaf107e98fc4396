import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages and forms of passkeys: the form each ceremony runs in (hidden until passkey.js runs it, so a browser
/// without JavaScript or WebAuthn sees the other ways in), and making a passkey from the account page.
extension Pages {
    /// A form that runs a WebAuthn ceremony and posts its answer: to `action`, with `hidden` (HTML, escaped: the
    /// CSRF token and what the form continues) and the ceremony's `options` (JSON).
    struct PasskeyForm {
        var action: String
        var hidden: String
        var options: String
        var button: String
        /// HTML before the button (escaped): a separator, a name field.
        var lead: String = ""
        /// The script the page must load for the form to run (``PasskeyServices/scriptURL``).
        var script: String

        var html: String {
            """
            <form class="passkey" method="post" action="\(action)" data-webauthn="\(HTML.escapeData(options))" hidden>
            \(hidden)
            \(lead)
            <p role="alert" data-webauthn-status></p>
            <button type="submit">\(HTML.escape(button))</button>
            </form>
            """
        }
    }

    /// Making a passkey from the account page, after the password was typed again.
    static func enrolPasskey(form: PasskeyForm, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        HTML.page(
            title: "Add a passkey",
            body: """
                <h1>Add a passkey</h1>
                <p>A passkey lets this device, a security key or your password manager sign you in: with a \
                fingerprint, your face or the device's PIN. After this, signing in asks for it after your password, \
                or signs you in without one.</p>
                \(error.map { #"<p class="error" role="alert">\#(HTML.escape($0))</p>"# } ?? "")
                <noscript><p class="error">Making a passkey needs JavaScript: turn it on for this site, or set up an \
                authenticator app instead.</p></noscript>
                \(form.html)
                <p><a href="/account">Back to your account</a></p>
                """,
            status: status, script: form.script)
    }

    /// A change that takes another proof of a factor: what it does, then the proof (a passkey, or a code).
    static func confirmChange(
        _ change: GuardedChange, passkey: PasskeyForm?, fields: String, hasAuthenticatorApp: Bool, error: String?
    ) -> Response {
        let label =
            hasAuthenticatorApp ? "Current code from your authenticator app, or a recovery code" : "A recovery code"
        let (title, heading, consequence, button) =
            switch change {
            case .removal(let factor):
                (
                    "Remove \(factor.kind.label)", "Remove the \(factor.kind.label) “\(HTML.escape(factor.name))”?",
                    "Signing in will no longer accept it, and you are signed out everywhere but here (a device that has it may have signed in). Your other factors and recovery codes keep working; with none left, signing in asks for your password alone.",
                    "Remove it"
                )
            case .newRecoveryCodes:
                (
                    "New recovery codes", "Make new recovery codes?",
                    "Your earlier recovery codes stop working at once; the ten new ones are shown only once.",
                    "Make new codes"
                )
            }
        return HTML.page(
            title: title,
            body: """
                <h1>\(heading)</h1>
                <p>\(consequence)</p>
                \(error.map { #"<p class="error" role="alert">\#(HTML.escape($0))</p>"# } ?? "")
                \(passkey?.html ?? "")
                <form method="post" action="\(change.path)">
                \(fields)
                <label for="code">\(label)</label>
                <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" \
                maxlength="16" required>
                <button type="submit">\(button)</button>
                </form>
                <p><a href="/account">Change nothing: back to your account</a></p>
                """,
            status: error == nil ? .ok : .unauthorized, script: passkey?.script)
    }
}
