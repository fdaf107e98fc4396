import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of the console's Profiles and Permission sets sections.
enum ConsoleBundlePages {
    private static let e = HTML.escape

    /// A change made on a profile's or permission set's page.
    enum Action: String {
        case grant, remove, assign, unassign
        /// A profile's login IP ranges and login hours.
        case signInPolicy = "sign-in-policy"

        var isAssignment: Bool { self == .assign || self == .unassign }
        var permission: AdminPermission { isAssignment ? .manageUsers : .manageProfilesAndPermissionSets }
    }

    static func list(_ page: Page<Versioned<BundleFields>>, kind: BundleKind, signedIn: ConsoleAdmin) -> Response {
        let base = path(kind)
        let rows = page.items.map { found in
            let bundle = found.view
            let apps = bundle.connectedApps
            let shown =
                apps.prefix(3).map(e).joined(separator: ", ") + (apps.count > 3 ? " and \(apps.count - 3) more" : "")
            return """
                <tr><td><a href="\(base)/\(e(queryEscape(found.id)))">\(e(bundle.name))</a>\
                \(bundle.builtIn ? " <span class=\"muted\">built in</span>" : "")</td>\
                <td>\(apps.isEmpty ? "—" : shown)</td>\
                <td>\(bundle.adminPermissions.isEmpty ? "—" : bundle.adminPermissions.map { "<code>\(e($0))</code>" }.joined(separator: " "))</td>\
                <td>\(bundle.userCount ?? 0)</td></tr>
                """
        }.joined()
        let next = page.next.map { #"<p><a href="\#(base)?after=\#(e(queryEscape($0)))">Next page</a></p>"# } ?? ""
        let title = kind == .profile ? "Profiles" : "Permission sets"
        let lead =
            kind == .profile
            ? "Every user has one profile. The apps a profile grants, its holders may use when the app is admin-approved."
            : "A user may hold any number of permission sets: each adds apps and admin permissions to their profile's."
        return ConsoleLayout.page(
            title: title, signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>\(title)</h1>
            <p class="lead">\(lead)</p>
            \(page.items.isEmpty ? "<p>There are none yet.</p>" : """
            <table>
            <caption class="visually-hidden">\(title), by name</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Apps it grants</th>\
            <th scope="col">Admin permissions</th><th scope="col">Users</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """)
            \(next)
            """)
    }

    static func show(
        _ found: Versioned<BundleFields>, kind: BundleKind, holders: Page<Versioned<UserView>>?, directory: Directory,
        notice: String?, signedIn: ConsoleAdmin, status: HTTPResponse.Status = .ok
    ) -> Response {
        let bundle = found.view
        let base = "\(path(kind))/\(e(queryEscape(found.id)))"
        let hidden =
            HTML.hiddenField("csrf", signedIn.session.csrf) + HTML.hiddenField("version", "\(found.version)")
        func form(_ action: Action, _ value: String, _ button: String, label: String) -> String {
            """
            <form method="post" action="\(base)/change" class="inline">\(hidden)\
            \(HTML.hiddenField("action", action.rawValue))\(HTML.hiddenField("value", value))\
            <button type="submit" class="quiet" aria-label="\(e(label))">\(e(button))</button></form>
            """
        }
        let editsApps = signedIn.may(.manageProfilesAndPermissionSets)
        // Apps.
        let apps = bundle.connectedApps.compactMap { directory.app(named: $0) }
        let appRows = apps.map { app in
            """
            <tr><td><a href="/admin/apps/\(e(queryEscape(app.id.rawValue)))">\(e(app.name))</a></td>\
            <td>\(e(ConsoleWords.permittedUsers(app.permittedUsers.rawValue)))\
            \(app.isBlocked ? " · <span class=\"flag\">blocked</span>" : "")</td>\
            <td>\(editsApps ? form(.remove, app.name, "Remove…", label: "Stop granting \(app.name)") : "")</td></tr>
            """
        }.joined()
        let appsTable =
            apps.isEmpty
            ? "<p>It grants no app.</p>"
            : """
            <table>
            <caption class="visually-hidden">The apps \(e(bundle.name)) grants</caption>
            <thead><tr><th scope="col">App</th><th scope="col">Who may use it</th>\
            <th scope="col"><span class="visually-hidden">Change</span></th></tr></thead>
            <tbody>\(appRows)</tbody>
            </table>
            """
        let grantable = directory.sortedApps.filter { !bundle.connectedApps.contains($0.name) }
        let grant =
            editsApps && !grantable.isEmpty
            ? """
            <form method="post" action="\(base)/change" class="pick">\(hidden)\(HTML.hiddenField("action", "grant"))\
            <p><label for="bundle-grant">Grant an app</label><select id="bundle-grant" name="value">\
            \(grantable.map { #"<option value="\#(e($0.name))">\#(e($0.name))</option>"# }.joined())\
            </select></p><p><button type="submit">Review</button></p></form>
            """ : ""
        let powers = bundle.adminPermissions
        let count = bundle.userCount ?? 0
        let holdersLine =
            kind == .profile
            ? "<a href=\"/admin/users?profile=\(e(queryEscape(bundle.name)))\">\(count) user\(count == 1 ? "" : "s")</a>"
            : "\(count) user\(count == 1 ? "" : "s")"
        return ConsoleLayout.page(
            title: bundle.name, signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="\(path(kind))">\(kind == .profile ? "Profiles" : "Permission sets")</a></p>
            <h1>\(e(bundle.name))</h1>
            \(notice.map { #"<p class="notice" role="status">\#(e($0))</p>"# } ?? "")
            <dl class="facts">
            <dt>Kind</dt><dd>\(kind == .profile ? "Profile" : "Permission set")\(bundle.builtIn ? ", built in" : "")</dd>
            <dt>Held by</dt><dd>\(holdersLine)</dd>
            <dt>Admin permissions</dt><dd>\(powers.isEmpty ? "None" : powers.map { "<code>\(e($0))</code>" }.joined(separator: " "))</dd>
            </dl>
            <h2>Connected apps it grants</h2>
            <p class="muted">Its holders may use an admin-approved app it grants without being asked; an app that lets all users self-authorize asks each user once, granted or not.</p>
            \(appsTable)
            \(grant)
            \(kind == .profile ? signInPolicy(found, base: base, hidden: hidden, editable: editsApps) : "")
            \(holders.map { assigned($0, found: found, base: base, signedIn: signedIn) } ?? "")
            """)
    }

    /// A profile's login IP ranges and hours, and the form that changes them (reviewed before it is saved).
    private static func signInPolicy(_ found: Versioned<BundleFields>, base: String, hidden: String, editable: Bool)
        -> String
    {
        let bundle = found.view
        let ranges = bundle.loginIpRanges ?? []
        let hours = bundle.loginHours ?? [:]
        let days = LoginHours.Weekday.allCases.map(\.rawValue)
        let hoursText =
            hours.isEmpty
            ? "Any time"
            : days.compactMap { day in hours[day].map { "\(day.capitalized) \(e($0))" } }.joined(separator: "; ")
                + " (\(e(hours["timeZone"] ?? "")); other days: no sign-in)"
        let facts = """
            <h2>Where, when and how its users may sign in</h2>
            <p class="muted">Checked at sign-in and on every grant, on every node at once; each app's IP relaxation says how the ranges apply to it.</p>
            <dl class="facts">
            <dt>Login IP ranges</dt><dd>\(ranges.isEmpty ? "Any address" : ranges.map { "<code>\(e($0))</code>" }.joined(separator: " "))</dd>
            <dt>Login hours</dt><dd>\(hoursText)</dd>
            <dt>Second factor</dt><dd>\(bundle.requireSecondFactor == true ? "Required: a user without one sets up an authenticator app while signing in" : "Optional: asked of users who set one up")</dd>
            </dl>
            """
        guard editable else { return facts }
        let fields = ConsoleFields(issues: [])
        let dayFields = days.map { day in
            fields.text(
                day, day.capitalized, hours[day] ?? "",
                hint: "HH:MM-HH:MM, several separated by commas; empty: no sign-in")
        }.joined()
        return facts + """
            <form method="post" action="\(base)/change" class="stacked">\(hidden)\(HTML.hiddenField("action", "sign-in-policy"))\
            <fieldset><legend>Change where, when and how</legend>
            \(fields.lines("loginIpRanges", "Login IP ranges, one per line (empty: any address)", ranges.joined(separator: "\n"), hint: "IPv4 or IPv6 addresses or CIDR blocks: 10.0.0.0/8, 2001:db8::/32"))
            \(fields.text("timeZone", "Time zone of the login hours (empty: any time)", hours["timeZone"] ?? "", hint: "A place's time zone: Europe/Paris, America/New_York, UTC"))
            \(dayFields)
            \(fields.checkbox("requireSecondFactor", "Require a second factor at sign-in", bundle.requireSecondFactor == true))
            </fieldset>
            <p><button type="submit">Review the change</button></p></form>
            """
    }

    /// The login hours a posted sign-in-policy form gives: nil for any time (no time zone); each problem named.
    static func postedHours(_ form: [String: String]) throws(AdminFailure) -> LoginHours? {
        let zone = (form["timeZone"] ?? "").trimmingCharacters(in: .whitespaces)
        let given = LoginHours.Weekday.allCases.compactMap { day -> (LoginHours.Weekday, String)? in
            let text = (form[day.rawValue] ?? "").trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : (day, text)
        }
        guard !zone.isEmpty else {
            guard given.isEmpty else { throw AdminFailure(.invalid, "give the time zone of the login hours") }
            return nil
        }
        guard LoginHours.namedTimeZone(zone) != nil else {
            throw AdminFailure(.invalid, "\(zone) is not a time zone such as Europe/Paris or UTC")
        }
        var days: [LoginHours.Weekday: [LoginHours.Window]] = [:]
        for (day, text) in given {
            guard let windows = LoginHours.windows(parsing: text) else {
                throw AdminFailure(.invalid, "\(day.rawValue.capitalized): \(text) is not \(LoginHours.Window.syntax)")
            }
            days[day] = windows
        }
        guard let hours = LoginHours(timeZone: zone, days: days) else {
            throw AdminFailure(.invalid, "the windows of a day overlap")
        }
        return hours
    }

    /// A permission set's assigned users, paged, with unassign and assign.
    private static func assigned(
        _ holders: Page<Versioned<UserView>>, found: Versioned<BundleFields>, base: String, signedIn: ConsoleAdmin
    ) -> String {
        let bundle = found.view
        let mine = Set(signedIn.permissions.map(\.rawValue))
        // Only an admin holding every admin permission of a user, and of the set, may change the user's sets.
        let manages = signedIn.may(.manageUsers) && Set(bundle.adminPermissions).isSubset(of: mine)
        let csrf = HTML.hiddenField("csrf", signedIn.session.csrf)
        let rows = holders.items.map { user in
            let summary = user.view.summary
            let unassign =
                manages && Set(user.view.adminPermissions).isSubset(of: mine)
                ? """
                <form method="post" action="\(base)/change" class="inline">\(csrf)\
                \(HTML.hiddenField("action", "unassign"))\(HTML.hiddenField("value", summary.username))\
                <button type="submit" class="quiet" aria-label="\(e("Unassign \(summary.username)"))">Unassign…</button></form>
                """ : ""
            return """
                <tr><td><a href="/admin/users/\(e(queryEscape(user.id)))">\(e(summary.username))</a></td>\
                <td>\(e(summary.displayName))</td><td>\(e(summary.profile))</td>\
                <td>\(summary.active ? "Active" : "<span class=\"flag\">Inactive</span>")</td><td>\(unassign)</td></tr>
                """
        }.joined()
        let next = holders.next.map { #"<p><a href="\#(base)?after=\#(e(queryEscape($0)))">Next page</a></p>"# } ?? ""
        let assign =
            manages
            ? """
            <form method="post" action="\(base)/change" class="pick">\(csrf)\(HTML.hiddenField("action", "assign"))\
            <p><label for="bundle-assign">Assign to the user</label>\
            <input type="text" id="bundle-assign" name="value" autocomplete="off" spellcheck="false" required \
            placeholder="username"></p><p><button type="submit">Review</button></p></form>
            """ : ""
        return """
            <h2>Assigned users</h2>
            \(holders.items.isEmpty ? "<p>No user holds it.</p>" : """
            <table>
            <caption class="visually-hidden">The users assigned \(e(bundle.name)), by username</caption>
            <thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Profile</th>\
            <th scope="col">State</th><th scope="col"><span class="visually-hidden">Change</span></th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """)
            \(next)
            \(assign)
            """
    }

    /// A change before it is made: what changes, who gains and who loses access.
    static func review(
        _ found: Versioned<BundleFields>, kind: BundleKind, form: [String: String], action: Action, gaining: String?,
        prepared: PreparedChange, signedIn: ConsoleAdmin
    ) -> Response {
        let base = "\(path(kind))/\(queryEscape(found.id))"
        let name = found.view.name
        let button =
            switch action {
            case .grant: "Grant the app"
            case .remove: "Stop granting it"
            case .assign: "Assign it"
            case .unassign: "Unassign it"
            case .signInPolicy: "Save where and when"
            }
        return ConsoleReview.page(
            subject: name,
            crumbs: """
                <a href="/admin">Setup</a> › <a href="\(path(kind))">\(kind == .profile ? "Profiles" : "Permission sets")</a> › \
                <a href="\(e(base))">\(e(name))</a>
                """,
            prepared: prepared, gaining: gaining, action: "\(base)/change",
            fields: ConsoleReview.fields(
                form,
                ["csrf", "version", "action", "value", "loginIpRanges", "timeZone", "requireSecondFactor"]
                    + LoginHours.Weekday.allCases.map(\.rawValue)), button: button, cancel: base,
            signedIn: signedIn)
    }

    static func path(_ kind: BundleKind) -> String { kind == .profile ? "/admin/profiles" : "/admin/permission-sets" }
}
