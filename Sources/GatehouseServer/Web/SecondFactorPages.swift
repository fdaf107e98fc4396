import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of a second factor: the code asked for after the password, setting up an authenticator app (on the
/// account page, or during a sign-in that requires one), and the recovery codes shown once.
extension Pages {
    /// Where a second-factor form posts, with the hidden fields that carry its state (HTML already escaped).
    struct SecondFactorForm {
        var action: String
        var hidden: String
        var csrf: String

        /// The hidden fields: the CSRF token and the state.
        var fields: String { HTML.hiddenField("csrf", csrf) + "\n" + hidden }

        var opening: String { #"<form method="post" action="\#(action)">"# + "\n" + fields }
    }

    /// After the password: the user's passkey (when they have one), the code from their authenticator app, or one
    /// of their recovery codes.
    static func secondFactor(
        heading: String, username: String, form: SecondFactorForm, hasAuthenticatorApp: Bool, passkey: PasskeyForm?,
        error: String?, status: HTTPResponse.Status = .ok
    ) -> Response {
        let (label, help) =
            hasAuthenticatorApp
            ? (
                "Code from your authenticator app",
                "Six digits, new every 30 seconds. Lost your phone? Type one of your recovery codes instead (it works once)."
            )
            : ("Recovery code", "No passkey at hand? Type one of your recovery codes (each works once).")
        return HTML.page(
            title: "Two-step verification",
            body: """
                <h1>\(heading)</h1>
                <p>Signed in as <strong>\(HTML.escape(username))</strong> with your password. One more step.</p>
                \(alert(error))
                \(passkey?.html ?? "")
                \(form.opening)
                <label for="code">\(label)</label>
                <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" \
                autocapitalize="none" spellcheck="false" maxlength="16" aria-describedby="code-help" required\
                \(passkey == nil ? " autofocus" : "")>
                <p id="code-help" class="muted">\(help)</p>
                <button type="submit">Verify</button>
                </form>
                """,
            status: status, script: passkey?.script)
    }

    /// Setting up an authenticator app: the QR code and the key in words, then the first code it shows, which
    /// proves it was set up before it counts. `heading` is HTML; `intro` is text (it may name an app or a profile).
    static func enrolAuthenticator(
        heading: String, intro: String, totp: TimeBasedOneTimePassword, keyURI: String, form: SecondFactorForm,
        name: String, error: String?, status: HTTPResponse.Status = .ok, passkey: PasskeyForm? = nil
    ) -> Response {
        let key = stride(from: 0, to: totp.base32.count, by: 4).map { start in
            let characters = Array(totp.base32)
            return String(characters[start..<min(start + 4, characters.count)])
        }.joined(separator: " ")
        return HTML.page(
            title: "Set up an authenticator app",
            body: """
                <h1>\(heading)</h1>
                <p>\(HTML.escape(intro))</p>
                \(alert(error))
                <ol class="steps">
                <li><p>Open an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, …) and \
                scan this code.</p>
                <figure class="qr">\(QRCode(keyURI)?.svg() ?? "")
                <figcaption>Cannot scan? Add an account by hand with this key (time-based, six digits): \
                <code class="key" id="totp-key">\(HTML.escape(key))</code></figcaption>
                </figure></li>
                <li><p>Type the code the app shows for it.</p>
                \(form.opening)
                <label for="code">Code</label>
                <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" \
                maxlength="16" required autofocus>
                <label for="name">Name it (to tell your devices apart)</label>
                <input type="text" id="name" name="name" value="\(HTML.escape(name))" maxlength="\(SecondFactor.longestName)">
                <button type="submit">Turn on two-step verification</button>
                </form></li>
                </ol>
                \(passkey?.html ?? "")
                """,
            status: status, script: passkey?.script)
    }

    /// The recovery codes, shown this once, and the way on.
    static func recoveryCodes(_ codes: [String], next: String) -> Response {
        let items = codes.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined()
        return HTML.page(
            title: "Your recovery codes",
            body: """
                <h1>Save your recovery codes</h1>
                <p>If you lose the device with your authenticator app, each of these codes signs you in once in \
                place of a code from the app. <strong>They are shown only now</strong>: print them or keep them in a \
                password manager. Gatehouse keeps only a fingerprint of each.</p>
                <ul class="recovery-codes" aria-label="Recovery codes">\(items)</ul>
                \(next)
                """)
    }

    private static func alert(_ error: String?) -> String {
        error.map { #"<p class="error" role="alert">\#(HTML.escape($0))</p>"# } ?? ""
    }
}
