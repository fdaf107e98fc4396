import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The login, consent, error and sign-out pages.
enum Pages {
    /// The login page of an authorization request; `handle` names the request kept on the server.
    /// `passkey`: the form of a passwordless sign-in, offered under the password's.
    static func login(
        appName: String, username: String, error: String?, notice: String? = nil, csrf: String, handle: String,
        passkey: PasskeyForm? = nil
    ) -> Response {
        signIn(
            heading: "Sign in to continue to \(HTML.escape(appName))", action: "/login",
            hidden: HTML.hiddenField("request", handle), username: username, error: error, notice: notice, csrf: csrf,
            passkey: passkey)
    }

    /// The sign-in form; `heading` and `hidden` are HTML already escaped, `notice` is text (why to sign in again).
    static func signIn(
        heading: String, action: String, hidden: String, username: String, error: String?, notice: String? = nil,
        csrf: String, passkey: PasskeyForm? = nil
    ) -> Response {
        let message =
            error.map { #"<p class="error" role="alert">\#(HTML.escape($0))</p>"# }
            ?? notice.map { #"<p class="notice" role="status">\#(HTML.escape($0))</p>"# } ?? ""
        return HTML.page(
            title: "Sign in",
            body: """
                <h1>\(heading)</h1>
                \(message)
                <form method="post" action="\(action)">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                \(hidden)
                <label for="username">Username</label>
                <input type="text" id="username" name="username" value="\(HTML.escape(username))" autocomplete="username" autocapitalize="none" required autofocus>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
                </form>
                \(passkey?.html ?? "")
                """,
            status: error == nil ? .ok : .unauthorized, script: passkey?.script)
    }

    static func consent(appName: String, username: String, scopes: Scopes, csrf: String, handle: String)
        -> Response
    {
        let items = scopes.values.map { "<li>\(HTML.escape(describe($0)))</li>" }.joined()
        return HTML.page(
            title: "Allow access",
            body: """
                <h1>Allow \(HTML.escape(appName)) to access your account?</h1>
                <p>Signed in as <strong>\(HTML.escape(username))</strong>.</p>
                <p>\(HTML.escape(appName)) asks to:</p>
                <ul class="scopes">\(items)</ul>
                <form method="post" action="/consent">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                \(HTML.hiddenField("request", handle))
                <button type="submit" name="decision" value="allow">Allow</button>
                <button type="submit" name="decision" value="deny">Deny</button>
                </form>
                <p class="muted">You can remove this access at any time on <a href="/account">your account page</a>. Deny sends you back to the app without access.</p>
                """)
    }

    static func error(title: String, message: String, traceID: String, status: HTTPResponse.Status = .badRequest)
        -> Response
    {
        HTML.page(
            title: title,
            body: """
                <h1>\(HTML.escape(title))</h1>
                <p>\(HTML.escape(message))</p>
                <p class="muted">Trace id: <code>\(HTML.escape(traceID))</code></p>
                """,
            status: status)
    }

    /// A form that cannot be used: its CSRF token did not match its cookie (stale, or posted from another site), or
    /// the sign-in it belongs to was finished, is over ten minutes old, or was started in another browser.
    static func expiredForm(traceID: String) -> Response {
        error(
            title: "This form has expired",
            message:
                "Go back to the app and start signing in again. (The form was already used, is more than ten minutes old, or was opened in another browser.)",
            traceID: traceID, status: .forbidden)
    }

    /// Runs a page handler; what it throws becomes an error page through ``Failure``, never a stack trace.
    static func handling(_ context: some RequestContext, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return Pages.error(Failure.refusal(for: error, logger: context.logger), traceID: context.id)
        }
    }

    /// The page for a refusal: what the client sent was wrong (400), the database is out of reach (503, try again),
    /// or the server failed (500). `failed` names what could not be done, for the people reading it.
    static func error(_ refusal: OAuthError, traceID: String, failed: String = "complete the request") -> Response {
        switch refusal.code {
        case .temporarilyUnavailable where refusal.reason == .storageUnavailable:
            return Pages.error(
                title: "Please try again",
                message:
                    "The server cannot reach its database just now, so it could not \(failed). Try again in a moment.",
                traceID: traceID, status: .serviceUnavailable
            ).retrying(after: TimeInterval(refusal.retryAfter ?? 1))
        case .temporarilyUnavailable:
            return Pages.error(
                title: "Please try again",
                message: "The server is busy, so it could not \(failed). Try again in a moment.",
                traceID: traceID, status: .serviceUnavailable
            ).retrying(after: TimeInterval(refusal.retryAfter ?? 1))
        case .serverError:
            return Pages.error(
                title: "Something went wrong", message: "The server could not \(failed).", traceID: traceID,
                status: .internalServerError)
        default:
            return Pages.error(title: "Invalid request", message: refusal.message, traceID: traceID)
        }
    }

    static func signedOut() -> Response {
        HTML.page(title: "Signed out", body: "<h1>You are signed out</h1><p>You can close this window.</p>")
    }

    static func confirmLogout(csrf: String, parameters: [String: String]) -> Response {
        let hidden = parameters.sorted { $0.key < $1.key }.map {
            #"<input type="hidden" name="\#(HTML.escape($0.key))" value="\#(HTML.escape($0.value))">"#
        }.joined()
        return HTML.page(
            title: "Sign out",
            body: """
                <h1>Sign out of Gatehouse?</h1>
                <form method="post" action="/logout">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                \(hidden)
                <button type="submit" name="confirm" value="yes">Sign out</button>
                </form>
                """)
    }

    /// Scopes in words for the consent page.
    static func describe(_ scope: String) -> String {
        switch scope {
        case "openid": "Sign you in with your Gatehouse account"
        case "profile": "See your name and username"
        case "email": "See your email address"
        case "offline_access": "Stay connected while you are away (keep access until you revoke it)"
        default: "Use \(scope) on your behalf"
        }
    }
}
