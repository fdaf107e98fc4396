import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of an app's OAuth usage.
enum ConsoleAppUsagePages {
    private static let e = HTML.escape

    static func usage(
        _ found: Versioned<AppView>, grants: Page<GrantView>, approvals: Page<ApprovalItem>, notice: String?,
        signedIn: ConsoleAdmin
    ) -> Response {
        let app = found.view.summary
        let id = e(queryEscape(found.id))
        let csrf = HTML.hiddenField("csrf", signedIn.session.csrf)
        let revokesOne = signedIn.may(.manageUsers) || signedIn.may(.manageConnectedApps)
        func revoke(_ userID: String?, label: String, button: String) -> String {
            """
            <form method="post" action="/admin/apps/\(id)/revoke" class="inline">\(csrf)\
            \(userID.map { HTML.hiddenField("user", $0) } ?? "")\
            <button type="submit" class="quiet" aria-label="\(e(label))">\(e(button))</button></form>
            """
        }
        let grantRows = grants.items.map { grant in
            let user = grant.user.map { name in
                grant.userId.map { #"<a href="/admin/users/\#(e(queryEscape($0)))">\#(e(name))</a>"# } ?? e(name)
            }
            let control =
                revokesOne && grant.userId != nil
                ? revoke(grant.userId, label: "Revoke \(grant.user ?? "")'s grants", button: "Revoke…") : ""
            return """
                <tr><td>\(user ?? "<span class=\"muted\">the app itself</span>")</td>\
                <td>\(ConsoleTime.tag(grant.createdAt))</td>\
                <td>\(grant.lastUsedAt.map(ConsoleTime.tag) ?? "Not yet")</td>\
                <td>\(HTML.codes(grant.scopes))</td>\
                <td><code>\(e(grant.flow))</code></td><td>\(control)</td></tr>
                """
        }.joined()
        let grantsTable =
            grants.items.isEmpty
            ? "<p>No one holds a live grant of \(e(app.name)).</p>"
            : """
            <table>
            <caption class="visually-hidden">Live grants of \(e(app.name))</caption>
            <thead><tr><th scope="col">User</th><th scope="col">Since</th><th scope="col">Last used</th>\
            <th scope="col">Scopes</th><th scope="col">Flow</th>\
            <th scope="col"><span class="visually-hidden">Revoke</span></th></tr></thead>
            <tbody>\(grantRows)</tbody>
            </table>
            """
        let moreGrants =
            grants.next.map {
                #"<p><a href="/admin/apps/\#(id)/usage?after=\#(e(queryEscape($0)))">More grants</a></p>"#
            } ?? ""
        let approvalRows = approvals.items.map { approval in
            """
            <tr><td><a href="/admin/users/\(e(queryEscape(approval.userId)))">\(e(approval.user))</a></td>\
            <td>\(ConsoleTime.tag(approval.approvedAt))</td>\
            <td>\(HTML.codes(approval.scopes))</td></tr>
            """
        }.joined()
        let approvalsTable =
            approvals.items.isEmpty
            ? "<p>No user has approved \(e(app.name)) on a consent page.</p>"
            : """
            <table>
            <caption class="visually-hidden">Approvals of \(e(app.name))</caption>
            <thead><tr><th scope="col">User</th><th scope="col">Approved</th><th scope="col">Scopes</th></tr></thead>
            <tbody>\(approvalRows)</tbody>
            </table>
            """
        let moreApprovals =
            approvals.next.map {
                #"<p><a href="/admin/apps/\#(id)/usage?approvalsAfter=\#(e(queryEscape($0)))">More approvals</a></p>"#
            } ?? ""
        let revokeAll =
            signedIn.may(.manageConnectedApps) && !grants.items.isEmpty
            ? "<p class=\"actions\">"
                + revoke(nil, label: "Revoke every grant of \(app.name)", button: "Revoke every grant…") + "</p>"
            : ""
        return ConsoleLayout.page(
            title: "OAuth usage of \(app.name)", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
            <a href="/admin/apps/\(id)">\(e(app.name))</a></p>
            <h1>OAuth usage of \(e(app.name))</h1>
            \(notice.map { #"<p class="notice" role="status">\#(e($0))</p>"# } ?? "")
            <h2>Live grants</h2>
            <p class="muted">A grant is a sign-in the app holds tokens for. Revoking one ends its refresh and access \
            tokens at once; the user signs in again, and is asked to approve a self-authorize app again.</p>
            \(grantsTable)
            \(moreGrants)
            \(revokeAll)
            <h2>Approvals</h2>
            \(approvalsTable)
            \(moreApprovals)
            """)
    }

    /// What a revocation ends, before it is made.
    static func confirmRevoke(
        _ found: Versioned<AppView>, user: (id: UserID, name: String)?, count: Int, fromApprovals: Bool = false,
        signedIn: ConsoleAdmin
    ) -> Response {
        let app = found.view.summary
        let id = e(queryEscape(found.id))
        let back = fromApprovals ? "/admin/approvals" : "/admin/apps/\(id)/usage"
        let whose = user.map { "\($0.name)'s grants" } ?? "every grant"
        return ConsoleLayout.page(
            title: "Revoke \(whose) of \(app.name)", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
            <a href="/admin/apps/\(id)">\(e(app.name))</a> › <a href="/admin/apps/\(id)/usage">OAuth usage</a></p>
            <h1>Revoke \(e(whose)) of \(e(app.name))?</h1>
            <p class="problem"><strong>\(count) live grant\(count == 1 ? "" : "s") will end at once</strong>: \
            \(e(app.name)) can no longer refresh or use the tokens of \(user.map { e($0.name) } ?? "any user"), \
            and the approvals behind them go too. Nothing else changes: \(user == nil ? "its users" : e(user?.name ?? "")) \
            may sign in again if the policy lets them.</p>
            <form method="post" action="/admin/apps/\(id)/revoke">\(HTML.hiddenField("csrf", signedIn.session.csrf))\
            \(user.map { HTML.hiddenField("user", $0.id.rawValue) } ?? "")\(HTML.hiddenField("confirm", "yes"))\
            \(fromApprovals ? HTML.hiddenField("from", "approvals") : "")
            <p class="actions"><button type="submit">Revoke</button> <a href="\(back)">Cancel</a></p>
            </form>
            """)
    }
}
