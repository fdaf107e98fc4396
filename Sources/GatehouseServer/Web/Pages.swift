import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The login, consent, error and sign-out pages.
enum Pages {
    static func login(appName: String, username: String, error: String?, csrf: String, request: [String: String])
        -> Response
    {
        let message = error.map { #"<p class="error" role="alert">\#(HTML.escape($0))</p>"# } ?? ""
        return HTML.page(
            title: "Sign in",
            body: """
                <h1>Sign in to continue to \(HTML.escape(appName))</h1>
                \(message)
                <form method="post" action="/login">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                \(HTML.hiddenFields(request))
                <label for="username">Username</label>
                <input type="text" id="username" name="username" value="\(HTML.escape(username))" autocomplete="username" autocapitalize="none" required autofocus>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
                <button type="submit">Sign in</button>
                </form>
                """,
            status: error == nil ? .ok : .unauthorized)
    }

    static func consent(appName: String, username: String, scopes: Scopes, csrf: String, request: [String: String])
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
                \(HTML.hiddenFields(request))
                <button type="submit" name="decision" value="allow">Allow</button>
                <button type="submit" name="decision" value="deny">Deny</button>
                </form>
                <p class="muted">You can revoke this later. Deny sends you back to the app without access.</p>
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
