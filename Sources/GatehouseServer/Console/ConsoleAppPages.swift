import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of the console's Connected apps section.
enum ConsoleAppPages {
    private static let e = HTML.escape

    static func list(_ page: Page<Versioned<AppView>>, signedIn: ConsoleAdmin) -> Response {
        let rows = page.items.map { found in
            let app = found.view.summary
            return """
                <tr><td><a href="/admin/apps/\(e(queryEscape(found.id)))">\(e(app.name))</a>\
                \(app.builtIn ? " <span class=\"muted\">built in</span>" : "")</td>\
                <td><code>\(e(app.clientId))</code></td><td>\(e(ConsoleWords.permittedUsers(app.permittedUsers)))</td>\
                <td>\(e(app.refreshTokenPolicy))</td>\
                <td>\(app.blocked ? "<span class=\"flag\">Blocked</span>" : "No")</td>\
                <td>\(e(found.view.grantedBy.isEmpty ? "—" : found.view.grantedBy.joined(separator: ", ")))</td></tr>
                """
        }.joined()
        let next = page.next.map { #"<p><a href="/admin/apps?after=\#(e(queryEscape($0)))">Next page</a></p>"# } ?? ""
        return ConsoleLayout.page(
            title: "Connected apps", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Connected apps</h1>
            \(signedIn.may(.manageConnectedApps) ? #"<p class="actions"><a class="button" href="/admin/apps/new">New connected app</a></p>"# : "")
            <table>
            <caption class="visually-hidden">Connected apps, by name</caption>
            <thead><tr><th scope="col">App</th><th scope="col">Client id</th><th scope="col">Permitted users</th>\
            <th scope="col">Refresh tokens</th><th scope="col">Blocked</th><th scope="col">Granted by</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            \(next)
            """)
    }

    static func show(
        _ found: Versioned<AppView>, liveGrants: Int, saved: Bool, controls: String, signedIn: ConsoleAdmin
    ) -> Response {
        let app = found.view.summary
        let id = e(queryEscape(found.id))
        let edit =
            signedIn.may(.manageConnectedApps)
            ? #"<p class="actions"><a class="button" href="/admin/apps/\#(id)/edit">Edit policies</a></p>"# : ""
        func row(_ label: String, _ value: String) -> String { "<dt>\(e(label))</dt><dd>\(value)</dd>" }
        let grantedBy =
            found.view.grantedBy.isEmpty
            ? "No profile or permission set" : found.view.grantedBy.map(e).joined(separator: "<br>")
        return ConsoleLayout.page(
            title: app.name, signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a></p>
            <h1>\(e(app.name))</h1>
            \(saved ? #"<p class="notice" role="status">Saved. The change is in force now.</p>"# : "")
            \(app.blocked ? #"<p class="problem">This app is blocked: it gets no tokens for anyone, and every token it holds is refused.</p>"# : "")
            \(app.builtIn ? #"<p class="muted">Built in: Gatehouse sets its client id, callback, grant types and scopes; you decide who may use it and its token policies.</p>"# : "")
            \(edit)
            <form method="get" action="/admin/explain" class="pick">\
            \(HTML.hiddenField("app", found.id))\
            <p><label for="check-user">Can this user use \(e(app.name))?</label>\
            <input type="text" id="check-user" name="user" autocomplete="off" spellcheck="false" required></p>\
            <p><button type="submit" class="quiet">Check</button></p></form>
            <h2>Permitted users</h2>
            <dl class="facts">
            \(row("Who may use it", e(ConsoleWords.permittedUsers(app.permittedUsers))))
            \(row("Granted by", grantedBy))
            \(row("Enforcement", e(app.enforcement)))
            \(row("IP restrictions", e(ConsoleWords.ipRelaxation(app.ipRelaxation))))
            \(row("Trusted IP ranges", app.trustedIpRanges.isEmpty ? "None" : app.trustedIpRanges.map { "<code>\(e($0))</code>" }.joined(separator: " ")))
            \(row("Live grants", #"<a href="/admin/apps/\#(id)/usage">\#(liveGrants) — OAuth usage</a>"#))
            </dl>
            <h2>OAuth policies</h2>
            <dl class="facts">
            \(row("Client id", "<code>\(e(app.clientId))</code>"))
            \(row("Client type", app.public ? "Public (no secret; PKCE)" : "Confidential"))
            \(row("Grant types", app.grantTypes.map { "<code>\(e($0))</code>" }.joined(separator: " ")))
            \(row("Scopes", app.scopes.map { "<code>\(e($0))</code>" }.joined(separator: " ")))
            \(row("Callback URLs", app.callbackUrls.isEmpty ? "None" : app.callbackUrls.map { "<code>\(e($0))</code>" }.joined(separator: "<br>")))
            \(row("Refresh tokens", e(app.refreshTokenPolicy) + (app.refreshTokenRotation ? ", rotated on every use" : ", not rotated")))
            \(row("Access tokens", "\(e(app.accessTokenFormat)), valid \(e(app.accessTokenLifetime))"))
            \(row("ID tokens", "valid \(e(app.idTokenLifetime))"))
            \(row("Session timeout", app.sessionTimeout.map { "users sign in again after \(e($0))" } ?? "None: a session is reused as long as it lasts"))
            \(row("Second factor", e(ConsoleWords.highAssurance(app.highAssurance ?? "none"))))
            \(row("Custom attributes", (app.customAttributes ?? []).isEmpty ? "None" : (app.customAttributes ?? []).map { "<code>\(e($0.text))</code>" }.joined(separator: "<br>")))
            \(row("PKCE required", app.requirePkce ? "Yes" : "No"))
            \(row("Run-as user", app.runAsUser.map(e) ?? "None"))
            </dl>
            \(controls)
            """)
    }

    /// The policy form, with `issues` at their fields when a submission did not validate.
    static func edit(
        _ app: ConnectedApp, form: ConsoleAppForm, version: Int64, issues: [ValidationIssue] = [],
        signedIn: ConsoleAdmin, notice: String? = nil, status: HTTPResponse.Status = .ok
    ) -> Response {
        let id = e(queryEscape(app.id.rawValue))
        let f = ConsoleFields(issues: issues)
        let summary = f.summary(
            [
                "permittedUsers", "enforcement", "ipRelaxation", "trustedIpRanges", "refreshTokenPolicy",
                "accessTokenFormat", "accessTokenLifetime",
                "idTokenLifetime", "sessionTimeout", "highAssurance", "customAttributes", "callbackUrls", "scopes",
                "requirePkce",
                "refreshTokenRotation",
                "blocked",
            ], verb: "The change was not saved")
        let fixed =
            app.isBuiltIn
            ? ""
            : """
            <fieldset><legend>Where it signs users in</legend>
            \(f.lines("callbackUrls", "Callback URLs, one per line", form.callbackUrls))
            \(f.text("scopes", "Scopes", form.scopes, hint: "Separated by spaces, for example: openid profile email"))
            \(f.checkbox("requirePkce", "Require PKCE (always on for public apps)", form.requirePkce))
            </fieldset>
            """
        return ConsoleLayout.page(
            title: "Edit \(app.name)", signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
            <a href="/admin/apps/\(id)">\(e(app.name))</a></p>
            <h1>Edit the policies of \(e(app.name))</h1>
            \(notice.map { #"<p class="problem" role="alert">\#(e($0))</p>"# } ?? "")
            \(summary)
            <p>Nothing is saved yet: the next page shows who would lose access and asks you to confirm.</p>
            <form method="post" action="/admin/apps/\(id)/edit" class="stacked">
            <input type="hidden" name="csrf" value="\(e(signedIn.session.csrf))">
            <input type="hidden" name="version" value="\(version)">
            <fieldset><legend>Permitted users</legend>
            \(f.select("permittedUsers", "Who may use the app", [("all-users-self-authorize", ConsoleWords.permittedUsers("all-users-self-authorize")), ("admin-approved-preauthorized", ConsoleWords.permittedUsers("admin-approved-preauthorized"))], form.permittedUsers))
            \(f.select("enforcement", "When a user is not permitted", [("enforce", "Refuse them"), ("report-only", "Let them in, and log that they would be refused")], form.enforcement))
            \(f.checkbox("blocked", "Block the app: no tokens for anyone, and every token it holds stops working", form.blocked))
            </fieldset>
            <fieldset><legend>IP restrictions</legend>
            \(f.select("ipRelaxation", "The login IP ranges of users' profiles", IPRelaxation.allCases.map { ($0.rawValue, ConsoleWords.ipRelaxation($0.rawValue)) }, form.ipRelaxation))
            \(f.lines("trustedIpRanges", "Trusted IP ranges, one per line", form.trustedIpRanges, hint: "Addresses in them pass the IP check for this app, such as the app's own servers: 192.0.2.0/24"))
            </fieldset>
            <fieldset><legend>Tokens</legend>
            \(f.select("refreshTokenPolicy", "Refresh tokens", [("valid-until-revoked", "Valid until revoked"), ("immediately-expire", "Expire immediately (no refresh)"), ("expire-after", "Expire a fixed time after the grant"), ("expire-if-unused", "Expire if not used for a time")], form.refreshTokenPolicy))
            \(f.text("refreshTokenDuration", "For how long (for the fixed-time and unused-time policies)", form.refreshTokenDuration, hint: "A duration: 30m, 12h, 30d"))
            \(app.isBuiltIn ? "" : f.checkbox("refreshTokenRotation", "Rotate refresh tokens on every use", form.refreshTokenRotation))
            \(f.select("accessTokenFormat", "Access token format", [("jwt", "JWT (checked offline until it expires)"), ("opaque", "Opaque (checked on every use)")], form.accessTokenFormat))
            \(f.text("accessTokenLifetime", "Access tokens valid for", form.accessTokenLifetime, hint: "At most 1d, for example 5m"))
            \(f.text("idTokenLifetime", "ID tokens valid for", form.idTokenLifetime, hint: "For example 1h"))
            \(f.text("sessionTimeout", "Users sign in again after", form.sessionTimeout, hint: "How long a signed-in browser may come back to this app without a password, for example 2h; empty for as long as the session lasts"))
            \(f.lines("customAttributes", "Custom attributes, one per line", form.customAttributes, hint: "Extra claims of its ID tokens, JWT access tokens and userinfo: department=Sales, or mail=field:email (username, email, displayName, profile, permissionSets)"))
            \(f.select("highAssurance", "Second factor (high assurance)", HighAssurance.allCases.map { ($0.rawValue, ConsoleWords.highAssurance($0.rawValue)) }, form.highAssurance))
            </fieldset>
            \(fixed)
            <p class="actions"><button type="submit">Review the change</button> <a href="/admin/apps/\(id)">Cancel</a></p>
            </form>
            """)
    }

    /// What the change does before it is saved: each change, who loses access (and why), the live grants that end.
    static func review(
        _ app: ConnectedApp, form: ConsoleAppForm, version: Int64, prepared: PreparedChange, signedIn: ConsoleAdmin
    ) -> Response {
        let id = e(queryEscape(app.id.rawValue))
        guard !prepared.isEmpty else {
            return ConsoleLayout.page(
                title: "No change", signedIn: signedIn,
                """
                <h1>Nothing to save</h1>
                <p>\(e(app.name)) already has these policies.</p>
                <p><a class="button" href="/admin/apps/\(id)">Back to \(e(app.name))</a></p>
                """)
        }
        let hidden = form.fields.map { HTML.hiddenField($0.0, $0.1) }.joined()
        return ConsoleLayout.page(
            title: "Review the change to \(app.name)", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
            <a href="/admin/apps/\(id)">\(e(app.name))</a></p>
            <h1>Review the change to \(e(app.name))</h1>
            <h2>What changes</h2>
            <ul>\(prepared.summaries.map { "<li>\(e($0))</li>" }.joined())</ul>
            <h2>Who loses access</h2>
            \(ConsoleWords.losses(prepared.impact, signedIn: signedIn))
            <form method="post" action="/admin/apps/\(id)/edit">
            <input type="hidden" name="csrf" value="\(e(signedIn.session.csrf))">
            <input type="hidden" name="version" value="\(version)">
            <input type="hidden" name="confirm" value="yes">
            \(hidden)
            <p class="actions"><button type="submit">Save the change</button> \
            <a href="/admin/apps/\(id)/edit">Go back and edit</a> · <a href="/admin/apps/\(id)">Cancel</a></p>
            </form>
            """)
    }
}

/// The words the console uses for the values it shows.
enum ConsoleWords {
    /// Who a change takes access from, and the live grants that end; first a warning if the admin is among them
    /// for the console itself.
    static func losses(_ impact: AccessImpact, signedIn: ConsoleAdmin) -> String {
        losses(impact, signedInAs: signedIn.user.username)
    }

    static func losses(_ impact: AccessImpact, signedInAs username: String) -> String {
        lost(impact, signedInAs: username) + (impact.replay.map(refusedSignIns) ?? "")
            + (impact.assurance.filter { !$0.isEmpty }.map(\.summary)
            + impact.secondFactorRequired.filter { !$0.isEmpty }.map(\.summary)).map {
                #"<p class="problem">\#(HTML.escape($0))</p>"#
            }.joined()
    }

    private static func lost(_ impact: AccessImpact, signedInAs username: String) -> String {
        let e = HTML.escape
        let losses = impact.losses
        guard !losses.isEmpty else { return #"<p class="notice">No one loses access.</p>"# }
        let grants = impact.liveGrants
        let lockedOut = losses.contains { $0.user == username && $0.app == ConnectedApp.consoleName }
        let selfWarning =
            lockedOut
            ? #"<p class="problem" role="alert"><strong>You will lose access to this console yourself</strong> when you save: your next page will refuse you. Another admin, or the CLI on the database, can undo it.</p>"#
            : ""
        return """
            \(selfWarning)
            <p class="problem"><strong>\(losses.count) user\(losses.count == 1 ? "" : "s") will lose access</strong>\
            \(grants > 0 ? ", and \(grants) live grant\(grants == 1 ? "" : "s") will end at once" : ""). The next \
            sign-in or token request of each is refused, with this reason.</p>
            <table><caption class="visually-hidden">Who loses access</caption>
            <thead><tr><th scope="col">User</th><th scope="col">App</th><th scope="col">Why</th>\
            <th scope="col">Live grants ending</th></tr></thead>
            <tbody>\(losses.prefix(shownLosses).map { "<tr><td><a href=\"/admin/users?username=\(e(queryEscape($0.user)))\">\(e($0.user))</a></td><td>\(e($0.app))</td><td>\(e(reason($0.reason)))</td><td>\($0.liveGrants)</td></tr>" }.joined())</tbody></table>
            \(losses.count > shownLosses ? "<p class=\"hint\">The first \(shownLosses) of \(losses.count) are shown. The whole list is the admin API's preview of the same change (<code>?dryRun=true</code>) or the CLI's <code>--dry-run</code>.</p>" : "")
            """
    }

    /// Whose recent sign-ins a change narrowing where or when users sign in would refuse.
    private static func refusedSignIns(_ replay: SignInReplay) -> String {
        let e = HTML.escape
        let since = ConsoleTime.tag(replay.since.formatted(.iso8601))
        guard !replay.refused.isEmpty else {
            return """
                <p class="notice">None of the \(replay.signIns) sign-in\(replay.signIns == 1 ? "" : "s") on record since \
                \(since) would have been refused under these restrictions.</p>
                """
        }
        let count = replay.refused.reduce(0) { $0 + $1.signIns }
        let users = Set(replay.refused.map(\.user)).count
        let rows = replay.refused.prefix(shownLosses).map { entry in
            "<tr><td><a href=\"/admin/users?username=\(e(queryEscape(entry.user)))\">\(e(entry.user))</a></td>"
                + "<td>\(e(entry.app))</td><td>\(e(reason(entry.reason)))</td><td>\(entry.signIns)</td>"
                + "<td>\(ConsoleTime.tag(entry.lastAt.formatted(.iso8601)))\(entry.lastClientIP.map { " from <code>\(e($0))</code>" } ?? "")</td></tr>"
        }
        return """
            <p class="problem"><strong>\(count) of the \(replay.signIns) sign-in\(replay.signIns == 1 ? "" : "s") on record \
            since \(since) would have been refused</strong>, by \(users) \(users == 1 ? "user who keeps" : "users who keep") access: their \
            next sign-in or token request from such an address or at such a time is refused, with this reason.</p>
            <table><caption class="visually-hidden">Recent sign-ins the change would refuse</caption>
            <thead><tr><th scope="col">User</th><th scope="col">App</th><th scope="col">Why</th>\
            <th scope="col">Sign-ins refused</th><th scope="col">The latest</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table>
            \(replay.refused.count > shownLosses ? "<p class=\"hint\">The first \(shownLosses) of \(replay.refused.count) are shown.</p>" : "")
            """
    }

    /// The most users a review lists: a change that reaches tens of thousands still shows its counts, and a page
    /// that opens at once.
    static let shownLosses = 200

    static func permittedUsers(_ value: String) -> String {
        switch value {
        case "all-users-self-authorize": "All users may self-authorize"
        case "admin-approved-preauthorized": "Admin approved users are pre-authorized"
        default: value
        }
    }

    /// A refusal reason as a sentence an admin reads.
    static func reason(_ code: String) -> String {
        switch code {
        case "app_blocked": "the app is blocked"
        case "user_inactive": "the user is deactivated"
        case "user_not_admin_approved":
            "not admin approved: neither their profile nor a permission set of theirs grants the app"
        case "user_not_approved": "they must approve the app again"
        case "ip_restricted": "their address is outside their profile's login IP ranges"
        case "outside_login_hours": "it is outside their profile's login hours"
        case "high_assurance_required": "the app requires a second factor they have not given"
        default: code
        }
    }

    static func highAssurance(_ value: String) -> String {
        switch value {
        case "none": "Not required (asked of users who set one up)"
        case "raise-session-level":
            "Required: a session with a password alone is stepped up; client credentials and JWT bearer are refused"
        case "block": "Required: a session with a password alone is refused (the user signs in again)"
        default: value
        }
    }

    static func ipRelaxation(_ value: String) -> String {
        switch value {
        case "enforce": "Enforced at sign-in and on every grant"
        case "enforce-relax-refresh": "Enforced, but not when a refresh token is used"
        case "relax": "Relaxed: not checked for this app (the JWT bearer grant still checks them)"
        default: value
        }
    }
}
