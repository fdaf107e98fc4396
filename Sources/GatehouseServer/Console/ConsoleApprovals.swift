import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// Approvals in the console (`view-setup`): every user's approval of a self-authorize app on a consent page (the
/// record that lets them in without asking again), filtered by user or app, paged by (app, user) as the admin API
/// pages them; each revocable (`manage-users` or `manage-connected-apps`) through the app's revocation, which ends
/// the user's grants of the app with the approval, after a confirmation.
struct ConsoleApprovals: Sendable {
    let console: Console
    static let pageSize = 50

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/approvals") { request, context in
            await console.page(request, context) { signedIn in
                let query = QueryParameters(request)
                let filter = ConsoleApprovalPages.Filter(query)
                let apps = console.oauth.directory.current.sortedApps.map(\.name)
                let revoked = query["revoked"].flatMap { Int($0) }
                do {
                    let page = try await signedIn.admin.approvals(
                        user: filter.user, app: filter.app, after: filter.after, limit: Self.pageSize)
                    return ConsoleApprovalPages.list(
                        page, filter: filter, apps: apps, revoked: revoked, problem: nil, signedIn: signedIn)
                } catch let failure as AdminFailure where failure.kind == .notFound {
                    let problem = failure.description.prefix(1).uppercased() + failure.description.dropFirst() + "."
                    return ConsoleApprovalPages.list(
                        nil, filter: filter, apps: apps, revoked: nil, problem: problem, signedIn: signedIn,
                        status: .unprocessableContent)
                }
            }
        }
    }
}

/// The approvals page.
enum ConsoleApprovalPages {
    private static let e = HTML.escape

    struct Filter {
        static let names = ["user", "app", "after"]
        var parameters: ConsoleHistoryPages.Parameters
        var user: String? { parameters.values["user"] }
        var app: String? { parameters.values["app"] }
        var after: String? { parameters.values["after"] }

        init(_ query: some Sequence<(key: Substring, value: Substring)>) {
            parameters = ConsoleHistoryPages.Parameters(query, names: Self.names)
        }
    }

    static func list(
        _ page: Page<ApprovalItem>?, filter: Filter, apps: [String], revoked: Int?, problem: String?,
        signedIn: ConsoleAdmin, status: HTTPResponse.Status = .ok
    ) -> Response {
        let revokes = signedIn.may(.manageUsers) || signedIn.may(.manageConnectedApps)
        let csrf = HTML.hiddenField("csrf", signedIn.session.csrf)
        let rows = (page?.items ?? []).map { approval in
            let control =
                revokes
                ? """
                <form method="post" action="/admin/apps/\(e(queryEscape(approval.appId)))/revoke" class="inline">\
                \(csrf)\(HTML.hiddenField("user", approval.userId))\(HTML.hiddenField("from", "approvals"))\
                <button type="submit" class="quiet" aria-label="Revoke \(e(approval.user))'s approval of \
                \(e(approval.app))">Revoke…</button></form>
                """ : ""
            return """
                <tr><td><a href="/admin/users/\(e(queryEscape(approval.userId)))">\(e(approval.user))</a></td>\
                <td><a href="/admin/apps/\(e(queryEscape(approval.appId)))">\(e(approval.app))</a></td>\
                <td>\(ConsoleTime.tag(approval.approvedAt))</td>\
                <td>\(HTML.codes(approval.scopes))</td>\
                <td>\(control)</td></tr>
                """
        }.joined()
        let options =
            ([#"<option value="">Any app</option>"#]
            + apps.map { #"<option value="\#(e($0))"\#($0 == filter.app ? " selected" : "")>\#(e($0))</option>"# })
            .joined()
        let table =
            page.map { page in
                page.items.isEmpty
                    ? "<p>No approval matches.</p>"
                    : """
                    <table>
                    <caption class="visually-hidden">Approvals, by app and user</caption>
                    <thead><tr><th scope="col">User</th><th scope="col">App</th><th scope="col">Approved</th>\
                    <th scope="col">Scopes</th><th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
                    <tbody>\(rows)</tbody>
                    </table>
                    """
            } ?? ""
        let next = page?.next.map { after in
            #"<p><a href="/admin/approvals?\#(e(filter.parameters.query(after: after)))">More approvals</a></p>"#
        }
        let done = revoked.map {
            #"<p class="notice" role="status">Revoked: the approval, and \#($0) grant\#($0 == 1 ? "" : "s") of it ended.</p>"#
        }
        return ConsoleLayout.page(
            title: "Approvals", signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Approvals</h1>
            <p class="lead">A user's approval of a self-authorize app on its consent page: while it stands, the user \
            signs in to the app without being asked again. Revoking one ends the user's grants of the app too; the \
            next sign-in asks again, if the app's policy still lets them in.</p>
            \(done ?? "")
            <form method="get" action="/admin/approvals" class="pick filters" role="search" aria-label="Filters">
            <p><label for="approvals-user">User</label><input type="text" id="approvals-user" name="user" \
            value="\(e(filter.user ?? ""))" autocomplete="off" spellcheck="false" placeholder="username"></p>
            <p><label for="approvals-app">App</label><select id="approvals-app" name="app">\(options)</select></p>
            <p><button type="submit">Show</button> <a href="/admin/approvals">Clear</a></p>
            </form>
            \(problem.map { #"<p class="problem" role="alert">\#(e($0))</p>"# } ?? "")
            \(table)
            \(next ?? "")
            """)
    }
}
