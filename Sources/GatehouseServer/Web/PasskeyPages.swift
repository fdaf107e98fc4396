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
            <form class="passkey" method="post" action="\(action)" data-webauthn="\(HTML.escape(options))" hidden>
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
}
