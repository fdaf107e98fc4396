import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of the console's Users section.
enum ConsoleUserPages {
    private static let e = HTML.escape

    /// What the list is narrowed to.
    struct Filter {
        var prefix: String?
        var profile: String?

        var query: String {
            [prefix.map { "q=\(queryEscape($0))" }, profile.map { "profile=\(queryEscape($0))" }].compactMap { $0 }
                .joined(separator: "&")
        }
    }

    static func list(
        _ page: Page<Versioned<UserView>>, filter: Filter, profiles: [String], signedIn: ConsoleAdmin
    ) -> Response {
        let rows = page.items.map { found in
            let user = found.view.summary
            return """
                <tr><td><a href="/admin/users/\(e(queryEscape(found.id)))">\(e(user.username))</a></td>\
                <td>\(e(user.displayName))</td><td>\(e(user.email))</td><td>\(e(user.profile))</td>\
                <td>\(e(user.permissionSets.isEmpty ? "—" : user.permissionSets.joined(separator: ", ")))</td>\
                <td>\(user.active ? "Active" : "<span class=\"flag\">Inactive</span>")</td></tr>
                """
        }.joined()
        let options =
            [#"<option value="">Any profile</option>"#]
            + profiles.map { name in
                #"<option value="\#(e(name))"\#(name == filter.profile ? " selected" : "")>\#(e(name))</option>"#
            }
        let next = page.next.map { after in
            let query = [filter.query, "after=\(queryEscape(after))"].filter { !$0.isEmpty }.joined(separator: "&")
            return #"<p><a href="/admin/users?\#(e(query))">Next page</a></p>"#
        }
        let table =
            page.items.isEmpty
            ? "<p>No user matches.</p>"
            : """
            <table>
            <caption class="visually-hidden">Users, by username</caption>
            <thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Email</th>\
            <th scope="col">Profile</th><th scope="col">Permission sets</th><th scope="col">State</th></tr></thead>
            <tbody>\(rows)</tbody>
            </table>
            """
        return ConsoleLayout.page(
            title: "Users", signedIn: signedIn,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Users</h1>
            <form method="get" action="/admin/users" class="pick" role="search">
            <p><label for="users-q">Username starts with</label>\
            <input type="text" id="users-q" name="q" value="\(e(filter.prefix ?? ""))" autocomplete="off" \
            spellcheck="false"></p>
            <p><label for="users-profile">Profile</label>\
            <select id="users-profile" name="profile">\(options.joined())</select></p>
            <p><button type="submit">Show</button></p>
            </form>
            \(table)
            \(next ?? "")
            """)
    }

    static func show(
        _ overview: UserOverview, directory: Directory, notice: String? = nil, passwordProblem: String? = nil,
        signedIn: ConsoleAdmin, status: HTTPResponse.Status = .ok
    ) -> Response {
        let user = overview.view.summary
        let id = e(queryEscape(overview.user.id.rawValue))
        // Only an admin who holds every admin permission the user holds may act on them; a profile or permission
        // set is offered only if it gives nothing the admin lacks (the library refuses both anyway).
        let outranked = overview.view.adminPermissions.filter { !signedIn.permissions.map(\.rawValue).contains($0) }
        let manages = signedIn.may(.manageUsers) && outranked.isEmpty
        func givable(_ permissions: Set<AdminPermission>) -> Bool { permissions.isSubset(of: signedIn.permissions) }
        func form(_ action: String, _ value: String = "", _ button: String, quiet: Bool = false) -> String {
            """
            <form method="post" action="/admin/users/\(id)/change" class="inline">\
            \(HTML.hiddenField("csrf", signedIn.session.csrf))\(HTML.hiddenField("version", "\(overview.version)"))\
            \(HTML.hiddenField("action", action))\(HTML.hiddenField("value", value))\
            <button type="submit"\(quiet ? #" class="quiet""# : "")>\(e(button))</button></form>
            """
        }
        let hidden =
            HTML.hiddenField("csrf", signedIn.session.csrf) + HTML.hiddenField("version", "\(overview.version)")
        // Profile.
        let profileChange =
            manages
            ? """
            <form method="post" action="/admin/users/\(id)/change" class="pick">\(hidden)\
            \(HTML.hiddenField("action", "profile"))\
            <p><label for="user-profile">Change the profile to</label><select id="user-profile" name="value">\
            \(directory.sortedProfiles.filter { givable($0.adminPermissions) || $0.name == user.profile }.map { #"<option value="\#(e($0.name))"\#($0.name == user.profile ? " selected" : "")>\#(e($0.name))</option>"# }.joined())\
            </select></p><p><button type="submit">Review</button></p></form>
            """ : ""
        // Permission sets.
        let held = user.permissionSets.map { name in
            let link = directory.permissionSet(named: name).map {
                #"<a href="/admin/permission-sets/\#(e(queryEscape($0.id.rawValue)))">\#(e(name))</a>"#
            }
            return "<li>\(link ?? e(name))\(manages ? " " + form("unassign", name, "Remove…", quiet: true) : "")</li>"
        }.joined()
        let assignable = directory.sortedPermissionSets.filter {
            !user.permissionSets.contains($0.name) && givable($0.adminPermissions)
        }
        let assign =
            manages && !assignable.isEmpty
            ? """
            <form method="post" action="/admin/users/\(id)/change" class="pick">\(hidden)\
            \(HTML.hiddenField("action", "assign"))\
            <p><label for="user-assign">Assign a permission set</label><select id="user-assign" name="value">\
            \(assignable.map { #"<option value="\#(e($0.name))">\#(e($0.name))</option>"# }.joined())\
            </select></p><p><button type="submit">Review</button></p></form>
            """ : ""
        // State.
        let state =
            user.active
            ? "Active" + (manages ? " " + form("deactivate", "", "Deactivate…", quiet: true) : "")
            : #"<span class="flag">Inactive</span>: they can sign in to nothing"#
                + (manages ? " " + form("activate", "", "Activate…") : "")
        var lockout = "Not locked out"
        if let until = overview.lockedUntil {
            lockout =
                #"<span class="flag">Locked out</span> until \#(ConsoleTime.tag(until.formatted(.iso8601))) after \#(overview.failedSignIns) failed sign-ins"#
        } else if overview.failedSignIns > 0 {
            lockout =
                "Not locked out (\(overview.failedSignIns) failed sign-in\(overview.failedSignIns == 1 ? "" : "s") recently)"
        }
        if manages && overview.failedSignIns > 0 {
            lockout += """
                 <form method="post" action="/admin/users/\(id)/unlock" class="inline">\
                \(HTML.hiddenField("csrf", signedIn.session.csrf))<button type="submit" class="quiet">Unlock</button></form>
                """
        }
        let factors = overview.secondFactors
        var secondFactors =
            factors.isEmpty
            ? "None"
            : factors.map {
                "\(e($0.name)) (\($0.kind.label), added \(ConsoleTime.tag($0.createdAt.formatted(.iso8601))))"
            }
            .joined(separator: ", ")
        if manages && !factors.isEmpty {
            secondFactors += """
                 <form method="post" action="/admin/users/\(id)/second-factors/reset" class="inline">\
                \(HTML.hiddenField("csrf", signedIn.session.csrf))<button type="submit" class="quiet" \
                aria-describedby="reset-factors-hint">Reset second factors</button></form>
                <p class="hint" id="reset-factors-hint">For a lost device: removes them and their recovery codes and \
                signs the user out everywhere; they set up a new one at their next sign-in where one is required.</p>
                """
        }
        // Apps.
        let apps = overview.apps.map { access in
            let explain =
                "/admin/explain?user=\(queryEscape(overview.user.id.rawValue))&app=\(queryEscape(access.app.id.rawValue))"
            return """
                <tr\(access.refusal == nil ? "" : #" class="failed""#)>\
                <td><a href="/admin/apps/\(e(queryEscape(access.app.id.rawValue)))">\(e(access.app.name))</a></td>\
                <td>\(access.refusal.map { "<strong>Refused</strong>: \(e($0))" } ?? "May use it")</td>\
                <td>\(e(access.through.joined(separator: ", ")))</td>\
                <td><a href="\(e(explain))">Explain</a></td></tr>
                """
        }.joined()
        let appsTable =
            overview.apps.isEmpty
            ? "<p>No profile or permission set grants them an app, and they have approved none.</p>"
            : """
            <table>
            <caption class="visually-hidden">The apps \(e(user.username)) is granted or has approved</caption>
            <thead><tr><th scope="col">App</th><th scope="col">Now</th><th scope="col">Through</th>\
            <th scope="col"><span class="visually-hidden">Why</span></th></tr></thead>
            <tbody>\(apps)</tbody>
            </table>
            """
        let password =
            manages
            ? """
            <h2>Password</h2>
            \(passwordProblem.map { #"<p class="problem" role="alert" id="password-problem">\#(e($0))</p>"# } ?? "")
            <form method="post" action="/admin/users/\(id)/password" class="pick">\(hidden)\
            <p><label for="user-password">A new password for \(e(user.username))</label>\
            <input type="password" id="user-password" name="password" autocomplete="new-password" required\
            \(passwordProblem == nil ? "" : #" aria-invalid="true" aria-describedby="password-problem""#)></p>\
            <p><button type="submit">Set the password</button></p></form>
            <p class="muted">Setting it ends their browser sessions at once; give them the password another way.</p>
            """ : ""
        let permissions = overview.view.adminPermissions
        return ConsoleLayout.page(
            title: user.username, signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a> › <a href="/admin/users">Users</a></p>
            <h1>\(e(user.displayName.isEmpty ? user.username : "\(user.displayName) (\(user.username))"))</h1>
            \(notice.map { #"<p class="notice" role="status">\#(e($0))</p>"# } ?? "")
            \(signedIn.may(.manageUsers) && !outranked.isEmpty ? #"<p class="muted">You cannot change \#(e(user.username)): they hold admin permissions you do not (\#(outranked.map { "<code>\(e($0))</code>" }.joined(separator: ", "))).</p>"# : "")
            <dl class="facts">
            <dt>Email</dt><dd>\(e(user.email))</dd>
            <dt>Profile</dt><dd>\(directory.profile(named: user.profile).map { #"<a href="/admin/profiles/\#(e(queryEscape($0.id.rawValue)))">\#(e(user.profile))</a>"# } ?? e(user.profile))</dd>
            <dt>Permission sets</dt><dd>\(held.isEmpty ? "None" : "<ul class=\"plain\">\(held)</ul>")</dd>
            <dt>State</dt><dd>\(state)</dd>
            <dt>Sign-in</dt><dd>\(lockout)\(user.hasPassword ? "" : " · no password set")</dd>
            <dt>Second factors</dt><dd>\(secondFactors)</dd>
            <dt>Admin permissions</dt><dd>\(permissions.isEmpty ? "None" : permissions.map { "<code>\(e($0))</code>" }.joined(separator: " "))</dd>
            </dl>
            \(profileChange)
            \(assign)
            <h2>Apps</h2>
            \(appsTable)
            \(overview.selfAuthorizeNotApproved > 0 ? "<p class=\"muted\">\(overview.selfAuthorizeNotApproved) more app\(overview.selfAuthorizeNotApproved == 1 ? " lets" : "s let") all users self-authorize: each asks them once at sign-in.</p>" : "")
            <p><a href="/admin/explain?user=\(id)">Why can't \(e(user.username)) use an app?</a></p>
            \(password)
            """)
    }

    /// A change to a user before it is made: what changes and who loses access.
    static func review(
        _ user: Versioned<UserView>, form: [String: String], prepared: PreparedChange, signedIn: ConsoleAdmin
    ) -> Response {
        let id = e(queryEscape(user.id))
        let name = user.view.summary.username
        return ConsoleReview.page(
            subject: name,
            crumbs: """
                <a href="/admin">Setup</a> › <a href="/admin/users">Users</a> › <a href="/admin/users/\(id)">\(e(name))</a>
                """,
            prepared: prepared, action: "/admin/users/\(id)/change",
            fields: ConsoleReview.fields(form, ["csrf", "version", "action", "value"]), button: "Make the change",
            cancel: "/admin/users/\(id)", signedIn: signedIn)
    }
}
