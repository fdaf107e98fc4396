import Foundation
import GatehouseCore
import Hummingbird

/// The account page: the apps with access to the signed-in user's account, each with a button that removes it.
extension Pages {
    struct AccountEntry {
        var app: ConnectedApp
        var access: AccountAccess
    }

    static func accountSignIn(username: String, error: String?, csrf: String, passkey: PasskeyForm?) -> Response {
        signIn(
            heading: "Sign in to see the apps connected to your account", action: "/account/login", hidden: "",
            username: username, error: error, csrf: csrf, passkey: passkey)
    }

    static func account(
        user: User, entries: [AccountEntry], requests: [(app: ConnectedApp, request: AccessRequest)],
        security: AccountSecurity, removed: String?, csrf: String
    ) -> Response {
        let notice = removed.map {
            #"<p class="notice" role="status">\#(HTML.escape($0)) no longer has access to your account.</p>"#
        }
        let list =
            entries.isEmpty
            ? "<p>No apps have access to your account.</p>"
            : entries.map { entry(for: $0, csrf: csrf) }.joined(separator: "\n")
        return HTML.page(
            title: "Connected apps",
            body: """
                <h1>Apps connected to your account</h1>
                <p>Signed in as <strong>\(HTML.escape(user.username))</strong> · <a href="/logout">Sign out</a></p>
                \(notice ?? "")
                \(list)
                \(accessRequests(requests))
                \(security.section(csrf: csrf))
                """)
    }

    /// The user's newest access requests and what became of each.
    private static func accessRequests(_ requests: [(app: ConnectedApp, request: AccessRequest)]) -> String {
        guard !requests.isEmpty else { return "" }
        let rows = requests.map { app, request in
            let state: String
            switch request.state {
            case .pending: state = "Waiting for an administrator"
            case .approved: state = "Approved" + (request.decision.map { " on \(time($0.decidedAt))" } ?? "")
            case .declined:
                state =
                    "Declined" + (request.decision.map { " on \(time($0.decidedAt))" } ?? "")
                    + (request.decision?.note.map { ": “\($0)”" } ?? "")
            }
            return """
                <tr><td>\(HTML.escape(app.name))</td><td>\(HTML.escape(time(request.requestedAt)))</td>\
                <td class="state-\(request.state.rawValue)">\(HTML.escape(state))</td></tr>
                """
        }.joined(separator: "\n")
        return """
            <section class="requests" aria-labelledby="requests-heading">
            <h2 id="requests-heading">Your access requests</h2>
            <table>
            <thead><tr><th scope="col">App</th><th scope="col">Asked</th><th scope="col">State</th></tr></thead>
            <tbody>
            \(rows)
            </tbody>
            </table>
            </section>
            """
    }

    private static func entry(for entry: AccountEntry, csrf: String) -> String {
        let name = HTML.escape(entry.app.name)
        let items = entry.access.scopes.values.map { "<li>\(HTML.escape(describe($0)))</li>" }.joined()
        let since = entry.access.since.formatted(.iso8601.year().month().day())
        var facts = ["Connected since \(since)"]
        if entry.access.liveGrants > 0 {
            let count = entry.access.liveGrants
            facts.append("\(count) active sign-in\(count == 1 ? "" : "s")")
        }
        let preauthorized =
            entry.app.permittedUsers == .adminApprovedPreauthorized
            ? """
            <p class="muted">Your administrator lets you use this app without asking. Removing it signs the app out \
            everywhere; it can sign you in again.</p>
            """ : ""
        return """
            <section class="app">
            <h2>\(name)</h2>
            <p>It can:</p>
            <ul class="scopes">\(items)</ul>
            <p class="muted">\(HTML.escape(facts.joined(separator: ", "))).</p>
            \(preauthorized)
            <form method="post" action="/account/revoke">
            <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
            <input type="hidden" name="app" value="\(HTML.escape(entry.app.clientID))">
            <button type="submit" aria-label="Remove access for \(name)">Remove access</button>
            </form>
            </section>
            """
    }
}
