import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// The console's Setup home, its Quick Find and its stylesheet.
struct ConsoleController: Sendable {
    let console: Console

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin") { request, context in
            await console.page(request, context) { signedIn in try await home(signedIn) }
        }
        router.get("admin/find") { request, context in
            await console.page(request, context) { signedIn in
                try await find(String(QueryParameters(request)["q"] ?? ""), signedIn)
            }
        }
        router.get("admin/console.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleStyle.css)))
        }
    }

    private func home(_ signedIn: ConsoleAdmin) async throws -> Response {
        let directory = console.oauth.directory.current
        let e = HTML.escape
        let blocked = directory.sortedApps.filter(\.isBlocked).count
        let adminApproved = directory.sortedApps.filter { $0.permittedUsers == .adminApprovedPreauthorized }.count
        var requests = ""
        if signedIn.may(.manageUsers) {
            let waiting = try await console.store.pendingAccessRequestCount()
            requests = """
                <div class="tile"><h2><a href="/admin/access-requests">Access requests</a></h2>\
                <p class="count">\(waiting)</p><p>\(waiting == 1 ? "user waits" : "users wait") for approval</p></div>
                """
        }
        let history =
            signedIn.may(.viewAuditTrail)
            ? """
            <div class="tile"><h2><a href="/admin/login-history">Login history</a></h2>\
            <p>Every sign-in and token request, allowed or refused, by user, app, result or trace id</p></div>
            <div class="tile"><h2><a href="/admin/audit">Audit trail</a></h2>\
            <p>Every setup change: who made it, when, and each field before and after</p></div>
            """ : ""
        let powers = signedIn.permissions.sorted().map { "<li><code>\(e($0.rawValue))</code></li>" }.joined()
        return ConsoleLayout.page(
            title: "Setup", signedIn: signedIn,
            """
            <h1>Setup</h1>
            <p class="lead">Find a user, an app, a profile or a permission set with Quick Find above.</p>
            <section class="tiles" aria-label="This Gatehouse">
            <div class="tile"><h2><a href="/admin/apps">Connected apps</a></h2><p class="count">\(directory.apps.count)</p>\
            <p>\(adminApproved) admin-approved, \(blocked) blocked</p></div>
            <div class="tile"><h2><a href="/admin/users">Users</a></h2>\
            <p>Profile, permission sets, state and the apps each can use</p></div>
            <div class="tile"><h2><a href="/admin/profiles">Profiles</a></h2>\
            <p class="count">\(directory.profiles.count)</p><p>The apps and admin permissions each gives</p></div>
            <div class="tile"><h2><a href="/admin/permission-sets">Permission sets</a></h2>\
            <p class="count">\(directory.permissionSets.count)</p><p>The apps each grants, and who holds it</p></div>
            \(requests)
            \(history)
            <div class="tile"><h2><a href="/admin/approvals">Approvals</a></h2>\
            <p>Who approved which self-authorize app on its consent page, and when; revoke one</p></div>
            <div class="tile"><h2><a href="/admin/explain">Why can't this user use this app?</a></h2>\
            <p>Every check of the access decision, and the fix, for a user and an app or a refusal's trace id</p></div>
            </section>
            <section aria-labelledby="you">
            <h2 id="you">Your admin permissions</h2>
            <ul class="plain">\(powers)</ul>
            </section>
            """)
    }

    /// Up to `limit` of each kind whose name holds the words typed (users: whose username starts with them).
    private func find(_ typed: String, _ signedIn: ConsoleAdmin) async throws -> Response {
        let query = String(typed.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let e = HTML.escape
        guard !query.isEmpty else { return try await home(signedIn) }
        let limit = 20
        let directory = console.oauth.directory.current
        func matches(_ name: String) -> Bool {
            name.range(of: query, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }
        let apps = directory.sortedApps.filter { matches($0.name) || $0.clientID.lowercased() == query.lowercased() }
        let profiles = directory.sortedProfiles.filter { matches($0.name) }
        let sets = directory.sortedPermissionSets.filter { matches($0.name) }
        let users = try await signedIn.admin.users(UserQuery(usernamePrefix: query), after: nil, limit: limit)
        func section(_ title: String, _ rows: [String], total: Int) -> String {
            guard !rows.isEmpty else { return "" }
            let more =
                total > rows.count ? "<p class=\"muted\">More match than are shown: type more of the name.</p>" : ""
            return "<section><h2>\(title)</h2><ul class=\"results\">\(rows.joined())</ul>\(more)</section>"
        }
        let appRows = apps.prefix(limit).map { app in
            "<li><a href=\"/admin/apps/\(e(queryEscape(app.id.rawValue)))\"><strong>\(e(app.name))</strong></a> <code>\(e(app.clientID))</code> · \(e(app.permittedUsers.rawValue))\(app.isBlocked ? " · <span class=\"flag\">blocked</span>" : "")\(app.isBuiltIn ? " · built in" : "")</li>"
        }
        let profileRows = profiles.prefix(limit).map { profile in
            "<li><a href=\"/admin/profiles/\(e(queryEscape(profile.id.rawValue)))\"><strong>\(e(profile.name))</strong></a> · grants \(profile.connectedApps.count) app\(profile.connectedApps.count == 1 ? "" : "s")</li>"
        }
        let setRows = sets.prefix(limit).map { set in
            "<li><a href=\"/admin/permission-sets/\(e(queryEscape(set.id.rawValue)))\"><strong>\(e(set.name))</strong></a> · grants \(set.connectedApps.count) app\(set.connectedApps.count == 1 ? "" : "s")</li>"
        }
        let userRows = users.items.map { found in
            let user = found.view.summary
            return
                "<li><a href=\"/admin/users/\(e(queryEscape(found.id)))\"><strong>\(e(user.username))</strong></a> \(e(user.email)) · profile \(e(user.profile))\(user.active ? "" : " · <span class=\"flag\">inactive</span>") · <a href=\"/admin/explain?user=\(e(queryEscape(user.username)))\">Why can't they use an app?</a></li>"
        }
        let body = [
            section("Users", userRows, total: userRows.count + (users.next == nil ? 0 : 1)),
            section("Connected apps", appRows, total: apps.count),
            section("Profiles", profileRows, total: profiles.count),
            section("Permission sets", setRows, total: sets.count),
        ].joined()
        return ConsoleLayout.page(
            title: "Quick Find", signedIn: signedIn, query: query,
            """
            <h1>Quick Find: “\(e(query))”</h1>
            \(body.isEmpty ? "<p>Nothing is named like that. Users are found by the start of their username; apps, profiles and permission sets by any part of their name.</p>" : body)
            """)
    }
}
