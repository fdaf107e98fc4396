import Foundation
import GatehouseAdmin
import GatehouseCore
import Hummingbird

/// The pages of the console's Access requests section.
enum ConsoleAccessRequestPages {
    private static let e = HTML.escape

    static func list(_ page: Page<AccessRequestView>, state: String, signedIn: ConsoleAdmin) -> Response {
        let rows = page.items.map { request in
            """
            <tr><td><a href="/admin/access-requests/\(e(queryEscape(request.id)))">\(e(request.user))</a></td>\
            <td>\(e(request.app))</td><td>\(ConsoleTime.tag(request.requestedAt))</td>\
            <td>\(e(ConsoleWords.state(request)))</td><td>\(e(request.note ?? ""))</td></tr>
            """
        }.joined()
        let tabs = ["pending", "approved", "declined", "all"].map { tab in
            tab == state
                ? #"<li><a href="/admin/access-requests?state=\#(tab)" aria-current="page">\#(tab.capitalized)</a></li>"#
                : #"<li><a href="/admin/access-requests?state=\#(tab)">\#(tab.capitalized)</a></li>"#
        }.joined()
        let next = page.next.map {
            #"<p><a href="/admin/access-requests?state=\#(e(state))&amp;after=\#(e(queryEscape($0)))">Next page</a></p>"#
        }
        let table =
            page.items.isEmpty
            ? "<p>\(state == "pending" ? "No one is waiting for access." : "No access requests.")</p>"
            : """
            <table>
            <caption class="visually-hidden">Access requests, newest first</caption>
            <thead><tr><th scope="col">User</th><th scope="col">App</th><th scope="col">Asked</th>\
            <th scope="col">State</th><th scope="col">Note</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """
        return ConsoleLayout.page(
            title: "Access requests", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Access requests</h1>
            <p class="lead">Users refused by an admin-approved app asked for access. Open one to see why they are refused and approve it through a profile or permission set.</p>
            <nav aria-label="By state"><ul class="tabs">\(tabs)</ul></nav>
            \(table)
            \(next ?? "")
            """)
    }

    static func show(_ review: AccessRequestReview, signedIn: ConsoleAdmin) -> Response {
        let request = review.request
        let id = e(queryEscape(request.id))
        let csrf = HTML.hiddenField("csrf", signedIn.session.csrf)
        var decided = ""
        if let by = request.decidedBy, let at = request.decidedAt {
            let through =
                request.grantedThrough.map {
                    " through \($0.kind == .profile ? "profile" : "permission set") \(e($0.name))"
                } ?? ""
            let note = request.decisionNote.map { " Note: “\(e($0))”" } ?? ""
            decided =
                #"<p class="notice" role="status">\#(request.state == .approved ? "Approved" : "Declined") by \#(e(by)) \#(ConsoleTime.tag(at))\#(through).\#(note)</p>"#
        }
        let explanation = review.explanation
        let verdict =
            explanation.decision.isAllowed && explanation.decision.wouldRefuse == nil
            ? #"<p class="notice">\#(e(request.user)) may use \#(e(request.app)) now.</p>"#
            : #"<p class="problem">Refused now: \#(e((explanation.decision.refusal ?? explanation.decision.wouldRefuse)?.description ?? ""))</p>"#
        var actions = ""
        if request.state == .pending {
            let options = review.options.map { option in
                let needs: AdminPermission? =
                    option.grant.kind == .profile && !option.exists ? .manageProfilesAndPermissionSets : nil
                let also =
                    option.alsoGives.isEmpty
                    ? "<p class=\"muted\">It gives nothing else.</p>"
                    : "<p>It also gives:</p><ul>\(option.alsoGives.map { "<li>\(e($0))</li>" }.joined())</ul>"
                let button =
                    needs.map { !signedIn.may($0) } == true
                    ? #"<p class="muted">Needs the admin permission <code>\#(e(needs?.rawValue ?? ""))</code>, which you do not have.</p>"#
                    : """
                    <form method="post" action="/admin/access-requests/\(id)/approve">\(csrf)\
                    \(HTML.hiddenField("kind", option.grant.kind.rawValue))\(HTML.hiddenField("name", option.grant.name))\
                    <button type="submit">Approve through \(e(option.grant.description))</button></form>
                    """
                return """
                    <section class="option" aria-label="\(e(option.grant.description))">
                    <h3>\(e(option.grant.description.prefix(1).uppercased() + option.grant.description.dropFirst()))</h3>
                    <p>\(e(option.change.prefix(1).uppercased() + option.change.dropFirst())).</p>
                    \(also)
                    \(button)
                    </section>
                    """
            }.joined()
            actions = """
                <h2>Approve</h2>
                \(review.options.isEmpty ? "<p>No profile or permission set can grant this app to the user.</p>" : options)
                <h2>Decline</h2>
                <form method="post" action="/admin/access-requests/\(id)/decline" class="stacked">\(csrf)
                <label for="decline-note">Note for \(e(request.user)) (optional)</label>
                <textarea id="decline-note" name="note" rows="3" maxlength="\(AccessRequest.noteLimit)"></textarea>
                <button type="submit">Decline</button>
                </form>
                """
        }
        return ConsoleLayout.page(
            title: "Access request of \(request.user)", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/access-requests">Access requests</a></p>
            <h1>\(e(request.user)) asks to use \(e(request.app))</h1>
            \(decided)
            <dl class="facts">
            <dt>Asked</dt><dd>\(ConsoleTime.tag(request.requestedAt))</dd>
            <dt>Note</dt><dd>\(request.note.map(e) ?? "None")</dd>
            <dt>State</dt><dd>\(e(ConsoleWords.state(request)))</dd>
            </dl>
            <h2>The access decision now</h2>
            \(verdict)
            \(ConsoleWords.checks(explanation.decision))
            \(actions)
            """)
    }
}

extension ConsoleWords {
    /// Every check of an access decision, in order, the failing one highlighted.
    static func checks(_ decision: AccessDecision) -> String {
        let rows = decision.checks.map { check in
            """
            <tr\(check.passed ? "" : #" class="failed""#)><td>\(check.passed ? "Passed" : "<strong>Failed</strong>")</td>\
            <td>\(HTML.escape(check.name))</td><td>\(HTML.escape(check.detail))</td></tr>
            """
        }.joined()
        return """
            <table>
            <caption class="visually-hidden">Every check of the access decision, in order</caption>
            <thead><tr><th scope="col">Result</th><th scope="col">Check</th><th scope="col">What it found</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """
    }

    static func state(_ request: AccessRequestView) -> String {
        switch request.state {
        case .pending: "Waiting"
        case .approved: "Approved"
        case .declined: "Declined"
        }
    }
}
