import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Profiles and permission sets in the console: the lists, the apps each grants granted and removed after a review
/// of who gains and who loses access, from the version the page was read at; a permission set's users paged,
/// assigned and unassigned; forged or unpermitted forms change nothing.
@Suite struct ConsoleBundlesTests {
    static func ids(_ server: ServerFixture) async throws -> (sales: String, deduper: String) {
        let directory = try await server.store.loadDirectory()
        return (
            try requireValue(directory.profile(named: "Sales User")).id.rawValue,
            try requireValue(directory.permissionSet(named: "Deduper Users")).id.rawValue
        )
    }

    static func reason(_ server: ServerFixture, _ user: String) async throws -> String? {
        let explained = try await server.api(
            .get, "/access/explain?user=\(user)&app=jwt-app", token: try await server.adminToken())
        return explained.json["reason"] as? String
    }

    @Test(arguments: TestBackend.available)
    func aProfilesAppsAreGrantedAndRemovedAfterAReview(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            let (sales, _) = try await Self.ids(server)
            let home = try await browser.get("/admin")
            #expect(home.body.contains(#"<a href="/admin/profiles">Profiles</a>"#))
            #expect(home.body.contains(#"<a href="/admin/permission-sets">Permission sets</a>"#))
            let list = try await browser.get("/admin/profiles")
            #expect(list.status == 200 && list.body.contains(#"<a href="/admin/profiles/\#(sales)">Sales User</a>"#))
            #expect(list.body.contains(">Deduper People</a></td><td>jwt-app</td>"), "\(list.body)")
            let found = try await browser.get("/admin/find?q=sales")
            #expect(found.body.contains(#"<a href="/admin/profiles/\#(sales)"><strong>Sales User</strong></a>"#))

            let page = try await browser.get("/admin/profiles/\(sales)")
            #expect(page.status == 200 && page.body.contains("It grants no app."), "\(page.body)")
            #expect(page.body.contains(#"<a href="/admin/users?profile=Sales%20User">2 users</a>"#), "\(page.body)")
            #expect(try await Self.reason(server, "carol") == "user_not_admin_approved")

            // Grant jwt-app: reviewed with who gains (both holders), nothing stored; then made, in force at once.
            var grant = try requireValue(page.form(containing: #"name="action" value="grant""#))
            grant["value"] = "jwt-app"
            let review = try await browser.post("/admin/profiles/\(sales)/change", form: grant)
            #expect(review.status == 200 && review.body.contains("No one loses access."), "\(review.body)")
            #expect(review.body.contains("2 users hold Sales User: each may use jwt-app at once"), "\(review.body)")
            #expect(try await Self.reason(server, "carol") == "user_not_admin_approved", "a review saves nothing")
            let confirm = try requireValue(review.form(containing: "Grant the app"))
            let saved = try await browser.post("/admin/profiles/\(sales)/change", form: confirm)
            #expect(saved.status == 303 && saved.location == "/admin/profiles/\(sales)?done=saved", "\(saved.body)")
            let after = try await browser.get(try requireValue(saved.location))
            #expect(after.body.contains("Saved. The change is in force now."))
            #expect(
                after.body.contains(">jwt-app</a></td><td>Admin approved users are pre-authorized"), "\(after.body)")
            #expect(try await Self.reason(server, "carol") == nil, "in force on this node")
            // The same confirmation again, from the version it was read at: refused as stale.
            let replay = try await browser.post("/admin/profiles/\(sales)/change", form: confirm)
            #expect(replay.status == 412 && replay.body.contains("Someone changed Sales User"), "\(replay.body)")

            // Removing it: the review names each user who loses access, linked to their page.
            let remove = try requireValue(after.form(containing: "Remove…"))
            let removal = try await browser.post("/admin/profiles/\(sales)/change", form: remove)
            #expect(removal.body.contains("2 users will lose access"), "\(removal.body)")
            #expect(removal.body.contains(#"<a href="/admin/users?username=carol">carol</a></td><td>jwt-app</td>"#))
            let carolsPage = try await browser.get("/admin/users?username=carol")
            let carol = try await ConsoleUsersTests.carol(server)
            #expect(carolsPage.status == 303 && carolsPage.location == "/admin/users/\(carol.id.rawValue)")
            #expect(try await browser.get("/admin/users?username=nobody").status == 404)
            _ = try await browser.post(
                "/admin/profiles/\(sales)/change", form: try requireValue(removal.form(containing: "Stop granting it")))
            #expect(try await Self.reason(server, "carol") == "user_not_admin_approved")
            var byConsole = AuditQuery()
            byConsole.actor = "console:alice"
            #expect(try await server.store.auditEvents(byConsole).filter { $0.target == "Sales User" }.count == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func aPermissionSetsUsersArePagedAssignedAndUnassigned(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            let (_, deduper) = try await Self.ids(server)
            let list = try await browser.get("/admin/permission-sets")
            #expect(list.body.contains(">Deduper Users</a></td><td>jwt-app, opaque-app</td>"), "\(list.body)")
            let page = try await browser.get("/admin/permission-sets/\(deduper)")
            #expect(page.body.contains("No user holds it."), "\(page.body)")

            var assign = try requireValue(page.form(containing: #"name="action" value="assign""#))
            assign["value"] = "carol"
            let review = try await browser.post("/admin/permission-sets/\(deduper)/change", form: assign)
            #expect(review.body.contains("carol may use jwt-app, opaque-app at once."), "\(review.body)")
            #expect(try await ConsoleUsersTests.carol(server).permissionSets.isEmpty, "a review saves nothing")
            let saved = try await browser.post(
                "/admin/permission-sets/\(deduper)/change", form: try requireValue(review.form(containing: "Assign it"))
            )
            #expect(saved.status == 303, "\(saved.body)")
            #expect(try await Self.reason(server, "carol") == nil)
            let assigned = try await browser.get(try requireValue(saved.location))
            #expect(assigned.body.contains(">carol</a></td>"), "\(assigned.body)")

            let unassign = try requireValue(assigned.form(containing: "Unassign…"))
            let removal = try await browser.post("/admin/permission-sets/\(deduper)/change", form: unassign)
            #expect(removal.body.contains("1 user will lose access"), "\(removal.body)")
            _ = try await browser.post(
                "/admin/permission-sets/\(deduper)/change",
                form: try requireValue(removal.form(containing: "Unassign it")))
            #expect(try await ConsoleUsersTests.carol(server).permissionSets.isEmpty)

            assign["value"] = "nobody"
            #expect(try await browser.post("/admin/permission-sets/\(deduper)/change", form: assign).status == 404)

            // Holders are paged.
            try await server.commit { directory in
                let sales = try requireValue(directory.profile(named: "Sales User"))
                let set = try requireValue(directory.permissionSet(named: "Deduper Users"))
                return (0..<55).map { index in
                    .createUser(
                        User(
                            username: "d\(String(format: "%03d", index))", email: "d\(index)@example.com",
                            profile: sales.id, permissionSets: [set.id]))
                }
            }
            let first = try await browser.get("/admin/permission-sets/\(deduper)")
            #expect(
                first.body.contains(">d000</a>") && first.body.contains(">d049</a>")
                    && !first.body.contains(">d050</a>"))
            #expect(first.body.contains("55 users"))
            let second = try await browser.get("/admin/permission-sets/\(deduper)?after=d049")
            #expect(
                second.body.contains(">d050</a>") && second.body.contains(">d054</a>")
                    && !second.body.contains(">d049</a>"))
        }
    }

    @Test(arguments: TestBackend.available)
    func forgedOrUnpermittedBundleFormsChangeNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            let (sales, deduper) = try await Self.ids(server)
            try await server.commit { _ in
                [.createPermissionSet(PermissionSet(name: "Key Holders", adminPermissions: [.manageConnectedApps]))]
            }
            let keys = try requireValue(try await server.store.loadDirectory().permissionSet(named: "Key Holders"))
            let page = try await browser.get("/admin/profiles/\(sales)")
            var grant = try requireValue(page.form(containing: #"name="action" value="grant""#))
            grant["value"] = "jwt-app"
            grant["confirm"] = "yes"
            var forged = grant
            forged["csrf"] = "not-the-session-token"
            #expect(try await browser.post("/admin/profiles/\(sales)/change", form: forged).status == 403)
            var noVersion = grant
            noVersion["version"] = nil
            #expect(try await browser.post("/admin/profiles/\(sales)/change", form: noVersion).status == 422)
            var onAProfile = grant
            onAProfile["action"] = "assign"
            onAProfile["value"] = "carol"
            #expect(try await browser.post("/admin/profiles/\(sales)/change", form: onAProfile).status == 422)
            var unknownApp = grant
            unknownApp["value"] = "No Such App"
            #expect(try await browser.post("/admin/profiles/\(sales)/change", form: unknownApp).status == 404)
            #expect(try await browser.get("/admin/profiles/no-such-id").status == 404)
            #expect(try await browser.get("/admin/permission-sets/\(sales)").status == 404, "a profile's id")
            #expect(try await Self.reason(server, "carol") == "user_not_admin_approved")

            // uma (manage-users) assigns sets but does not change what they grant, nor assign one giving more.
            try await ConsoleSignInTests.addUser(
                server, "uma", profile: "User Admins", grantsConsole: true, permissions: [.viewSetup, .manageUsers])
            let uma = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(uma, as: "uma", password: "uma-password").landed?.status == 200)
            let umasSet = try await uma.get("/admin/permission-sets/\(deduper)")
            #expect(umasSet.form(containing: #"value="grant""#) == nil && umasSet.form(containing: "Remove…") == nil)
            var umasAssign = try requireValue(umasSet.form(containing: #"name="action" value="assign""#))
            umasAssign["value"] = "carol"
            #expect(try await uma.post("/admin/permission-sets/\(deduper)/change", form: umasAssign).status == 200)
            var umasGrant = umasAssign
            umasGrant["action"] = "grant"
            umasGrant["value"] = "jwt-app"
            umasGrant["version"] = "1"
            let refusedGrant = try await uma.post("/admin/profiles/\(sales)/change", form: umasGrant)
            #expect(refusedGrant.status == 403 && refusedGrant.body.contains("manage-profiles-and-permission-sets"))
            let umasKeys = try await uma.get("/admin/permission-sets/\(keys.id.rawValue)")
            #expect(umasKeys.status == 200 && umasKeys.form(containing: #"value="assign""#) == nil)
            var escalate = umasAssign
            escalate["confirm"] = "yes"
            let refused = try await uma.post("/admin/permission-sets/\(keys.id.rawValue)/change", form: escalate)
            #expect(refused.status == 403 && refused.body.contains("manage-connected-apps"), "\(refused.body)")
            #expect(try await ConsoleUsersTests.carol(server).permissionSets.isEmpty)

            // pam (manage-profiles-and-permission-sets) grants apps but assigns no one.
            try await ConsoleSignInTests.addUser(
                server, "pam", profile: "Profile Admins", grantsConsole: true,
                permissions: [.viewSetup, .manageProfilesAndPermissionSets])
            let pam = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(pam, as: "pam", password: "pam-password").landed?.status == 200)
            let pamsSet = try await pam.get("/admin/permission-sets/\(deduper)")
            #expect(
                pamsSet.form(containing: #"value="grant""#) != nil
                    && pamsSet.form(containing: #"value="assign""#) == nil)
            var pamsAssign = umasAssign
            pamsAssign["csrf"] = try requireValue(pamsSet.hiddenFields["csrf"])
            let pamRefused = try await pam.post("/admin/permission-sets/\(deduper)/change", form: pamsAssign)
            #expect(pamRefused.status == 403 && pamRefused.body.contains("manage-users"))

            // A viewer sees the pages without a control.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            let verasPage = try await vera.get("/admin/profiles/\(sales)")
            #expect(verasPage.status == 200 && verasPage.form(containing: #"name="action""#) == nil)
            var verasForm = grant
            verasForm["csrf"] = try requireValue(verasPage.hiddenFields["csrf"])
            let verasPost = try await vera.post("/admin/profiles/\(sales)/change", form: verasForm)
            #expect(verasPost.status == 403 && verasPost.body.contains("manage-profiles-and-permission-sets"))
            #expect(try await Self.reason(server, "carol") == "user_not_admin_approved")
        }
    }
}

/// A profile's login IP ranges and hours in the console: shown, changed after a review, in force at once; what
/// does not parse is named and saves nothing; a permission set has no such form (issue 13).
@Suite struct ConsoleSignInPolicyTests {
    @Test(arguments: TestBackend.available)
    func aProfilesRangesAndHoursAreChangedAfterAReview(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            let (sales, deduper) = try await ConsoleBundlesTests.ids(server)
            let page = try await browser.get("/admin/profiles/\(sales)")
            #expect(page.body.contains("<dt>Login IP ranges</dt><dd>Any address</dd>"), "\(page.body)")
            #expect(page.body.contains("<dt>Login hours</dt><dd>Any time</dd>"))
            var form = try requireValue(page.form(containing: #"value="sign-in-policy""#))
            form["loginIpRanges"] = "10.0.0.0/8\r\n2001:db8::/32"
            form["timeZone"] = "Europe/Paris"
            form["monday"] = "08:00-18:00"
            form["tuesday"] = "08:00-12:00, 13:00-18:00"
            // A holder's sign-in of yesterday from outside the new ranges: the review says it would be refused.
            let directory = try await server.store.loadDirectory()
            let holder = try requireValue(directory.users.values.first { $0.profile.rawValue == sales })
            let app = try requireValue(directory.apps.values.first { !$0.isBlocked && $0.ipRelaxation == .enforce }).id
            try await server.store.appendLoginEvents([
                LoginEvent(
                    occurredAt: Date().addingTimeInterval(-86_400), user: holder.id, username: holder.username,
                    app: app, flow: .authorize, result: .allowed, clientIP: "203.0.113.5", traceID: "replayed")
            ])
            let review = try await browser.post("/admin/profiles/\(sales)/change", form: form)
            #expect(review.status == 200, "\(review.body)")
            #expect(review.body.contains("1 of the 1 sign-in on record"), "\(review.body)")
            #expect(review.body.contains("<code>203.0.113.5</code>") && review.body.contains(">\(holder.username)</a>"))
            #expect(try await server.store.loadDirectory().profile(named: "Sales User")?.loginHours == nil)
            let confirm = try requireValue(review.form(containing: "Save where and when"))
            #expect(confirm["monday"] == "08:00-18:00" && confirm["loginIpRanges"]?.contains("2001:db8::/32") == true)
            let saved = try await browser.post("/admin/profiles/\(sales)/change", form: confirm)
            #expect(saved.status == 303, "\(saved.body) \(confirm)")
            let profile = try requireValue(try await server.store.loadDirectory().profile(named: "Sales User"))
            #expect(profile.loginIPRanges.map(\.description) == ["10.0.0.0/8", "2001:db8::/32"])
            #expect(
                profile.loginHours?.description
                    == "Europe/Paris monday 08:00-18:00, tuesday 08:00-12:00 and 13:00-18:00")
            let after = try await browser.get(try requireValue(saved.location))
            #expect(after.body.contains("<code>10.0.0.0/8</code> <code>2001:db8::/32</code>"), "\(after.body)")
            #expect(after.body.contains("Monday 08:00-18:00; Tuesday 08:00-12:00,13:00-18:00 (Europe/Paris"))

            // What does not parse is named, and nothing is saved.
            var bad = try requireValue(after.form(containing: #"value="sign-in-policy""#))
            bad["loginIpRanges"] = "10.0.0.0/33"
            let refused = try await browser.post("/admin/profiles/\(sales)/change", form: bad)
            #expect(refused.status == 400 || refused.status == 422, "\(refused.status)")
            #expect(refused.body.contains("10.0.0.0/33"), "\(refused.body)")
            bad["loginIpRanges"] = ""
            bad["timeZone"] = "Mars/Olympus"
            #expect(try await browser.post("/admin/profiles/\(sales)/change", form: bad).body.contains("Mars/Olympus"))
            bad["timeZone"] = ""
            bad["wednesday"] = "09:00-10:00"
            #expect(
                try await browser.post("/admin/profiles/\(sales)/change", form: bad).body.contains(
                    "give the time zone of the login hours"))
            #expect(try await server.store.loadDirectory().profile(named: "Sales User") == profile)
            // A permission set has no sign-in policy: a forged form changes nothing.
            var forged = bad
            forged["timeZone"] = "UTC"
            let set = try await browser.post("/admin/permission-sets/\(deduper)/change", form: forged)
            #expect(set.status != 303 && set.status != 200, "\(set.status)")
        }
    }
}
