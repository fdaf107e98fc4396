import Foundation
import GatehouseConfig
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of creating an app and of its client secrets.
enum ConsoleAppActionPages {
    private static let e = HTML.escape

    /// The new-app form as typed.
    struct NewForm {
        var name = ""
        var clientId = ""
        var clientType = "confidential"
        var callbackUrls = ""
        var scopes = "openid profile email"
        var permittedUsers = PermittedUsers.allUsersSelfAuthorize.rawValue

        init() {}

        init(_ form: [String: String]) {
            func field(_ key: String) -> String {
                String((form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(4_000))
            }
            name = field("name")
            clientId = field("clientId")
            // A field left out takes its default, as in a config document.
            clientType = form["clientType"] == nil ? clientType : field("clientType")
            callbackUrls = field("callbackUrls")
            scopes = field("scopes")
            permittedUsers = form["permittedUsers"] == nil ? permittedUsers : field("permittedUsers")
        }

        /// The app to create as a config spec (checked by the admin library as `apply` is), and what the form
        /// itself can tell is wrong.
        func spec() -> (ConnectedAppSpec, [ValidationIssue]) {
            var issues: [ValidationIssue] = []
            if name.isEmpty { issues.append(ValidationIssue(path: "name", message: "give the app a name")) }
            var spec = ConnectedAppSpec(path: "", name: name)
            spec.clientId = clientId.isEmpty ? nil : clientId
            switch clientType {
            case "confidential": spec.isPublic = false
            case "public": spec.isPublic = true
            default: issues.append(ValidationIssue(path: "clientType", message: "choose confidential or public"))
            }
            spec.callbackUrls = callbackUrls.split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            let scopeList = scopes.split(whereSeparator: \.isWhitespace).map(String.init)
            spec.scopes = scopeList.isEmpty ? nil : scopeList
            if let mode = PermittedUsers(rawValue: permittedUsers) {
                spec.permittedUsers = mode
            } else {
                issues.append(ValidationIssue(path: "permittedUsers", message: "choose who may use the app"))
            }
            return (spec, issues)
        }
    }

    static func new(
        _ form: NewForm, issues: [ValidationIssue] = [], signedIn: ConsoleAdmin, status: HTTPResponse.Status = .ok
    ) -> Response {
        let f = ConsoleFields(issues: issues)
        let modes = [PermittedUsers.allUsersSelfAuthorize, .adminApprovedPreauthorized].map {
            ($0.rawValue, ConsoleWords.permittedUsers($0.rawValue))
        }
        return ConsoleLayout.page(
            title: "New connected app", signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a></p>
            <h1>New connected app</h1>
            \(f.summary(["name", "clientId", "clientType", "callbackUrls", "scopes", "permittedUsers"], verb: "The app was not created"))
            <form method="post" action="/admin/apps/new" class="stacked">
            \(HTML.hiddenField("csrf", signedIn.session.csrf))
            <fieldset><legend>The app</legend>
            \(f.text("name", "Name", form.name, hint: "What users see on the consent page, for example Data Deduper"))
            \(f.text("clientId", "Client id (optional)", form.clientId, hint: "Made from the name when left empty: data-deduper"))
            \(f.select("clientType", "Client type", [("confidential", "Confidential: a server that keeps a secret"), ("public", "Public: a browser or mobile app, no secret, PKCE")], form.clientType))
            </fieldset>
            <fieldset><legend>Where it signs users in</legend>
            \(f.lines("callbackUrls", "Callback URLs, one per line", form.callbackUrls))
            \(f.text("scopes", "Scopes", form.scopes, hint: "Separated by spaces, for example: openid profile email offline_access"))
            </fieldset>
            <fieldset><legend>Permitted users</legend>
            \(f.select("permittedUsers", "Who may use the app", modes, form.permittedUsers))
            </fieldset>
            <p class="actions"><button type="submit">Create the app</button> <a href="/admin/apps">Cancel</a></p>
            </form>
            """)
    }

    /// A new client secret, shown this once (the page is not stored by the browser: `no-store`).
    static func secretShown(_ app: ConnectedApp, secret: String?, created: Bool, signedIn: ConsoleAdmin) -> Response {
        let id = e(queryEscape(app.id.rawValue))
        let secretPart =
            secret.map { secret in
                """
                <p class="problem" role="alert"><strong>Copy the client secret now: it is shown only this once.</strong> \
                Gatehouse keeps only a keyed hash of it.</p>
                <dl class="facts"><dt>Client id</dt><dd><code>\(e(app.clientID))</code></dd>\
                <dt>Client secret</dt><dd><code class="secret">\(e(secret))</code></dd></dl>
                """
            }
            ?? #"<p>It is a public app: it has no secret, and signs users in with PKCE.</p><dl class="facts"><dt>Client id</dt><dd><code>\#(e(app.clientID))</code></dd></dl>"#
        let title = created ? "\(app.name) is created" : "A new secret for \(app.name)"
        let next =
            created
            ? "Next, check its policies, and if it is admin-approved, grant it to a profile or permission set."
            : "The app's other secrets keep working until you retire them: put the new one in the app, then retire the old one."
        return ConsoleLayout.page(
            title: title, signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
            <a href="/admin/apps/\(id)">\(e(app.name))</a></p>
            <h1>\(e(title))</h1>
            \(secretPart)
            <p>\(e(next))</p>
            <p class="actions"><a class="button" href="/admin/apps/\(id)">Go to \(e(app.name))</a></p>
            """)
    }

    /// What retiring a secret does, before it is done.
    static func confirmRetire(
        _ app: ConnectedApp, secret: ClientSecretID, fields: [(String, String)], signedIn: ConsoleAdmin
    ) -> Response {
        let id = e(queryEscape(app.id.rawValue))
        let created = app.secrets.first { $0.id == secret }?.createdAt.formatted(.iso8601)
        return ConsoleLayout.page(
            title: "Retire a secret of \(app.name)", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
            <a href="/admin/apps/\(id)">\(e(app.name))</a></p>
            <h1>Retire a secret of \(e(app.name))?</h1>
            <p class="problem"><strong>The secret \(created.map { "created \(ConsoleTime.tag($0))" } ?? "") stops \
            working at once</strong>: a copy of \(e(app.name)) still using it gets <code>invalid_client</code> from \
            the token endpoint. Its other secrets keep working; no user loses access.</p>
            <form method="post" action="/admin/apps/\(id)/secrets">\(fields.map { HTML.hiddenField($0.0, $0.1) }.joined())\
            \(HTML.hiddenField("confirm", "yes"))
            <p class="actions"><button type="submit">Retire the secret</button> <a href="/admin/apps/\(id)">Cancel</a></p>
            </form>
            """)
    }

    /// The app page's block button and its secrets, for `manage-connected-apps`.
    static func controls(_ app: ConnectedApp, version: Int64, signedIn: ConsoleAdmin) -> String {
        guard signedIn.may(.manageConnectedApps) else { return "" }
        let id = e(queryEscape(app.id.rawValue))
        let hidden = HTML.hiddenField("csrf", signedIn.session.csrf) + HTML.hiddenField("version", "\(version)")
        let block = """
            <form method="post" action="/admin/apps/\(id)/block" class="inline">\(hidden)\
            \(HTML.hiddenField("action", app.isBlocked ? "unblock" : "block"))\
            <button type="submit"\(app.isBlocked ? "" : #" class="quiet""#)>\(app.isBlocked ? "Unblock…" : "Block…")</button></form>
            """
        guard !app.isPublic else { return #"<p class="actions">\#(block)</p>"# }
        let rows = app.secrets.sorted { $0.createdAt < $1.createdAt }.map { secret in
            let retire =
                app.secrets.count > 1
                ? """
                <form method="post" action="/admin/apps/\(id)/secrets" class="inline">\(hidden)\
                \(HTML.hiddenField("action", "retire"))\(HTML.hiddenField("secret", secret.id.rawValue))\
                <button type="submit" class="quiet" aria-label="Retire the secret created \(e(secret.createdAt.formatted(.iso8601)))">Retire…</button></form>
                """ : #"<span class="muted">the only one</span>"#
            return "<li>Created \(ConsoleTime.tag(secret.createdAt.formatted(.iso8601))) \(retire)</li>"
        }.joined()
        return """
            <p class="actions">\(block)</p>
            <h2>Client secrets</h2>
            <ul class="results">\(rows)</ul>
            <form method="post" action="/admin/apps/\(id)/secrets" class="inline">\(hidden)\
            \(HTML.hiddenField("action", "rotate"))<button type="submit" class="quiet">Add a new secret</button></form>
            """
    }
}
