import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of "Why can't this user use this app?".
enum ConsoleExplainPages {
    private static let e = HTML.escape

    /// What the admin asked about: a user and an app (names or ids), or a trace id.
    struct Picked {
        var user: String?
        var app: String?
        var trace: String?
    }

    static func page(
        _ picked: Picked, event: LoginEvent? = nil, diagnosis: AccessDiagnosis? = nil, fixed: Bool = false,
        problem: String? = nil, apps: [ConnectedApp], signedIn: ConsoleAdmin, status: HTTPResponse.Status = .ok
    ) -> Response {
        // The form shows names: a trace id or a link may have given ids.
        let userValue = diagnosis?.user.username ?? picked.user ?? ""
        let appValue = diagnosis?.app.name ?? picked.app ?? ""
        let apps = apps.map { #"<option value="\#(e($0.name))"></option>"# }.joined()
        let title = diagnosis.map { "\($0.user.username) and \($0.app.name)" } ?? "Why can't this user use this app?"
        return ConsoleLayout.page(
            title: title, signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Why can't this user use this app?</h1>
            <form method="get" action="/admin/explain" class="pick">
            <p><label for="explain-user">User</label>\
            <input type="text" id="explain-user" name="user" value="\(e(userValue))" autocomplete="off" \
            spellcheck="false" required></p>
            <p><label for="explain-app">App</label>\
            <input type="text" id="explain-app" name="app" value="\(e(appValue))" list="explain-apps" \
            autocomplete="off" required><datalist id="explain-apps">\(apps)</datalist></p>
            <p><button type="submit">Explain</button></p>
            </form>
            <form method="get" action="/admin/explain" class="pick">
            <p><label for="explain-trace">Or a trace id from a refusal</label>\
            <input type="text" id="explain-trace" name="trace" value="\(e(picked.trace ?? ""))" autocomplete="off" \
            spellcheck="false" required></p>
            <p><button type="submit" class="quiet">Explain the login event</button></p>
            </form>
            \(problem.map { #"<p class="problem" role="alert">\#(e($0))</p>"# } ?? "")
            \(event.map(self.event) ?? "")
            \(diagnosis.map { self.diagnosis($0, fixed: fixed, signedIn: signedIn) } ?? "")
            """)
    }

    private static func event(_ event: LoginEvent) -> String {
        let what = event.description ?? event.reason ?? event.result.rawValue
        return """
            <section aria-labelledby="event"><h2 id="event">The login event</h2>
            <dl class="facts">
            <dt>When</dt><dd>\(ConsoleTime.tag(event.occurredAt.formatted(.iso8601)))</dd>
            <dt>User</dt><dd>\(e(event.username ?? "unknown"))</dd>
            <dt>App</dt><dd>\(e(event.appName ?? "unknown"))</dd>
            <dt>Flow</dt><dd>\(e(event.flow.rawValue))</dd>
            <dt>Result</dt><dd>\(event.result == .allowed ? "Allowed" : "<strong>\(e(what))</strong>")</dd>
            <dt>Trace id</dt><dd><code>\(e(event.traceID))</code></dd>
            </dl>
            <p class="muted">Below is the decision as it stands now, which may differ from the one at that time.</p>
            </section>
            """
    }

    private static func diagnosis(_ diagnosis: AccessDiagnosis, fixed: Bool, signedIn: ConsoleAdmin) -> String {
        let user = diagnosis.user
        let app = diagnosis.app
        let decision = diagnosis.explanation.decision
        let refusal = decision.refusal ?? decision.wouldRefuse
        var fixes = ""
        if refusal != nil {
            let options = diagnosis.fixes.map { option in
                fixOption(option, user: user, app: app, signedIn: signedIn)
            }.joined()
            // What no button here can do: the user's own approval, or a policy of the app.
            let others = diagnosis.explanation.remedies.filter { remedy in
                !diagnosis.fixes.contains { $0.change == remedy.description }
            }.map { remedy in
                "<li>\(e(remedy.description.prefix(1).uppercased() + remedy.description.dropFirst()))\(remedy.command.map { "<br><code>\(e($0))</code>" } ?? "")</li>"
            }.joined()
            let edit =
                signedIn.may(.manageConnectedApps) && !others.isEmpty
                ? #"<p><a href="/admin/apps/\#(e(queryEscape(app.id.rawValue)))/edit">Edit the policies of \#(e(app.name))</a></p>"#
                : ""
            fixes = """
                <h2>Fix it</h2>
                \(options.isEmpty && others.isEmpty ? "<p>Nothing an administrator can change here would let them in.</p>" : "")
                \(options.isEmpty ? "" : "<p>Any one of these lets \(e(user.username)) in. Each shows its impact before it is made.</p>\(options)")
                \(others.isEmpty ? "" : "<p>\(options.isEmpty ? "What would let them in" : "Or"):</p><ul>\(others)</ul>\(edit)")
                """
        }
        let verdict =
            refusal.map { refusal in
                #"<p class="problem">\#(e(user.username)) cannot use \#(e(app.name))\#(decision.isAllowed ? " (the app is in report-only mode: let in, logged as refused)" : ""): \#(e(refusal.description))</p>"#
            } ?? #"<p class="notice">\#(e(user.username)) may use \#(e(app.name)).</p>"#
        return """
            <section aria-labelledby="decision">
            <h2 id="decision">\(e(user.username)) and \(e(app.name)) now</h2>
            \(fixed ? #"<p class="notice" role="status">Done. The change is in force now; here is the decision it leaves.</p>"# : "")
            \(verdict)
            \(ConsoleWords.checks(diagnosis.explanation.decision))
            \(fixes)
            </section>
            """
    }

    private static func fixOption(
        _ option: AccessFixOption, user: User, app: ConnectedApp, signedIn: ConsoleAdmin
    ) -> String {
        let also =
            option.alsoGives.isEmpty
            ? ""
            : "<p>It also gives:</p><ul>\(option.alsoGives.map { "<li>\(e($0))</li>" }.joined())</ul>"
        let action =
            option.refusal == nil
            ? """
            <form method="post" action="/admin/explain/fix">\(HTML.hiddenField("csrf", signedIn.session.csrf))\
            \(HTML.hiddenField("user", user.id.rawValue))\(HTML.hiddenField("app", app.id.rawValue))\
            \(HTML.hiddenField("fix", option.fix.kind))\(option.fix.name.map { HTML.hiddenField("name", $0) } ?? "")\
            <button type="submit">Review: \(e(option.change))</button></form>
            """
            : #"<p class="muted">You cannot make this change: \#(e(option.refusal?.description ?? "")).</p>"#
        return """
            <section class="option" aria-label="\(e(option.change))">
            <h3>\(e(option.change.prefix(1).uppercased() + option.change.dropFirst()))</h3>
            \(also)
            \(action)
            </section>
            """
    }

    /// A fix before it is made: the change, what else it gives, who loses access, and the decision it leaves.
    static func review(_ fix: PreparedFix, user: String, app: String, signedIn: ConsoleAdmin) -> Response {
        let back = "/admin/explain?user=\(e(queryEscape(user)))&amp;app=\(e(queryEscape(app)))"
        let after =
            (fix.after.refusal ?? fix.after.wouldRefuse).map { refusal in
                #"<p class="problem">Still refused after this change: \#(e(refusal.description)). The page after it shows what else to fix.</p>"#
            } ?? #"<p class="notice">After this change the decision allows it.</p>"#
        let also =
            fix.option.alsoGives.isEmpty
            ? "<p>Nothing else.</p>" : "<ul>\(fix.option.alsoGives.map { "<li>\(e($0))</li>" }.joined())</ul>"
        return ConsoleLayout.page(
            title: "Review: \(fix.option.change)", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="\(back)">Why can't this user use this app?</a></p>
            <h1>Review: \(e(fix.option.change))</h1>
            <h2>What changes</h2>
            <ul>\(fix.prepared.summaries.map { "<li>\(e($0))</li>" }.joined())</ul>
            <h2>What else it gives</h2>
            \(also)
            <h2>Who loses access</h2>
            \(ConsoleWords.losses(fix.prepared.impact, signedIn: signedIn))
            <h2>The decision after it</h2>
            \(after)
            <form method="post" action="/admin/explain/fix">\(HTML.hiddenField("csrf", signedIn.session.csrf))\
            \(HTML.hiddenField("user", user))\(HTML.hiddenField("app", app))\
            \(HTML.hiddenField("fix", fix.option.fix.kind))\(fix.option.fix.name.map { HTML.hiddenField("name", $0) } ?? "")\
            \(HTML.hiddenField("confirm", "yes"))
            <p class="actions">\(fix.option.refusal == nil ? #"<button type="submit">Make the change</button>"# : "")\
             <a href="\(back)">Cancel</a></p>
            </form>
            \(fix.option.refusal.map { #"<p class="problem">You cannot make this change: \#(e($0.description)).</p>"# } ?? "")
            """)
    }
}
