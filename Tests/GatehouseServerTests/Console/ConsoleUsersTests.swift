import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Users in the console: the list narrowed and paged, a user's page with the apps they can use and why; profile,
/// permission sets and state changed after a review of who loses access, from the version the page was read at;
/// unlock and a new password; forged or unpermitted forms change nothing.
@Suite struct ConsoleUsersTests {
    /// alice in the console; carol and bob (AccessRequestTests.seedCarol) and a profile Deduper People that grants
    /// jwt-app.
    static func managing(_ server: ServerFixture) async throws -> (Browser, carol: String) {
        try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
        try await AccessRequestTests.seedCarol(server)
        try await server.commit { directory in
            let app = try requireValue(directory.app(clientID: "jwt-app"))
            return [.createProfile(Profile(name: "Deduper People", connectedApps: [app.id]))]
        }
        let carol = try requireValue(try await server.store.loadDirectory().user(named: "carol")).id.rawValue
        let browser = Browser(client: server.client)
        #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)
        return (browser, carol)
    }

    static func carol(_ server: ServerFixture) async throws -> User {
        try requireValue(try await server.store.loadDirectory().user(named: "carol"))
    }

    @Test(arguments: TestBackend.available)
    func aUsersPageShowsTheirAppsAndEachChangeIsReviewedBeforeItIsMade(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, carol) = try await Self.managing(server)
            let list = try await browser.get("/admin/users")
            #expect(list.status == 200 && list.body.contains(#"<a href="/admin/users/\#(carol)">carol</a>"#))
            #expect(list.body.contains(">alice</a>") && list.body.contains(">bob</a>"))
            let narrowed = try await browser.get("/admin/users?q=CA")
            #expect(narrowed.body.contains(">carol</a>") && !narrowed.body.contains(">bob</a>"))
            let byProfile = try await browser.get("/admin/users?profile=Sales%20User")
            #expect(byProfile.body.contains(">carol</a>") && !byProfile.body.contains(">alice</a>"))

            let page = try await browser.get("/admin/users/\(carol)")
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("No profile or permission set grants them an app"), "\(page.body)")

            // Assign Deduper Users: reviewed, nothing stored, then made; jwt-app is hers through it.
            var assign = try requireValue(page.form(containing: #"name="action" value="assign""#))
            assign["value"] = "Deduper Users"
            let review = try await browser.post("/admin/users/\(carol)/change", form: assign)
            #expect(review.status == 200 && review.body.contains("No one loses access."), "\(review.body)")
            #expect(try await Self.carol(server).permissionSets.isEmpty, "a review saves nothing")
            let confirm = try requireValue(review.form(containing: "Make the change"))
            let saved = try await browser.post("/admin/users/\(carol)/change", form: confirm)
            #expect(saved.status == 303 && saved.location == "/admin/users/\(carol)?done=saved")
            let after = try await browser.get(try requireValue(saved.location))
            #expect(after.body.contains("Saved. The change is in force now."))
            #expect(after.body.contains("May use it</td><td>permission set Deduper Users</td>"), "\(after.body)")
            // The same confirmation again, from the version it was read at: refused as stale, nothing changes.
            let replay = try await browser.post("/admin/users/\(carol)/change", form: confirm)
            #expect(replay.status == 412 && replay.body.contains("Someone changed carol"), "\(replay.body)")

            // Removing it: the review names who loses what.
            let remove = try requireValue(after.form(containing: "Remove…"))
            let removal = try await browser.post("/admin/users/\(carol)/change", form: remove)
            #expect(removal.body.contains("1 user will lose access"), "\(removal.body)")
            #expect(removal.body.contains(#">carol</a></td><td>jwt-app</td>"#))
            _ = try await browser.post(
                "/admin/users/\(carol)/change", form: try requireValue(removal.form(containing: "Make the change")))
            #expect(try await Self.carol(server).permissionSets.isEmpty)

            // A new profile, then deactivated and activated again.
            var profile = try requireValue(
                try await browser.get("/admin/users/\(carol)").form(containing: #"name="action" value="profile""#))
            profile["value"] = "Deduper People"
            let profiled = try await browser.post("/admin/users/\(carol)/change", form: profile)
            _ = try await browser.post(
                "/admin/users/\(carol)/change", form: try requireValue(profiled.form(containing: "Make the change")))
            let withProfile = try await browser.get("/admin/users/\(carol)")
            #expect(withProfile.body.contains("May use it</td><td>profile Deduper People</td>"), "\(withProfile.body)")
            let deactivate = try requireValue(withProfile.form(containing: "Deactivate…"))
            let deactivation = try await browser.post("/admin/users/\(carol)/change", form: deactivate)
            #expect(deactivation.body.contains("1 user will lose access"), "\(deactivation.body)")
            _ = try await browser.post(
                "/admin/users/\(carol)/change",
                form: try requireValue(deactivation.form(containing: "Make the change")))
            let inactive = try await browser.get("/admin/users/\(carol)")
            #expect(inactive.body.contains("Inactive</span>: they can sign in to nothing"))
            #expect(try await Self.carol(server).isActive == false)
            let explained = try await server.api(
                .get, "/access/explain?user=carol&app=jwt-app", token: try await server.adminToken())
            #expect(explained.json["reason"] as? String == "user_inactive", "in force on this node")
            var byConsole = AuditQuery()
            byConsole.actor = "console:alice"
            #expect(try await server.store.auditEvents(byConsole).filter { $0.target == "carol" }.count == 4)
        }
    }

    @Test(arguments: TestBackend.available)
    func theListIsPagedAndKeepsItsFilter(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _) = try await Self.managing(server)
            try await server.commit { directory in
                let sales = try requireValue(directory.profile(named: "Sales User"))
                return (0..<55).map { index in
                    .createUser(
                        User(
                            username: "s\(String(format: "%03d", index))", email: "s\(index)@example.com",
                            profile: sales.id))
                }
            }
            let first = try await browser.get("/admin/users?q=s&profile=Sales%20User")
            #expect(first.body.contains(">s000</a>") && first.body.contains(">s049</a>"))
            #expect(!first.body.contains(">s050</a>"))
            let next = try requireValue(
                first.body.range(
                    of: #"/admin/users\?q=s&amp;profile=Sales%20User&amp;after=s049"#, options: .regularExpression))
            let second = try await browser.get(Browser.Page.unescape(String(first.body[next])))
            #expect(second.body.contains(">s050</a>") && second.body.contains(">s054</a>"), "\(second.body)")
            #expect(!second.body.contains(">s049</a>") && !second.body.contains("Next page"))
        }
    }

    @Test(arguments: TestBackend.available)
    func aLockedOutUserIsUnlockedAndGivenANewPassword(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, carol) = try await Self.managing(server)
            func signIn(_ password: String) async throws -> Browser.Page {
                let visitor = Browser(client: server.client)
                var form = try await visitor.get(AuthorizationCodeFlowTests.authorizePath()).hiddenFields
                form["username"] = "carol"
                form["password"] = password
                return try await visitor.post("/login", form: form)
            }
            for _ in 0..<5 { _ = try await signIn("wrong-password") }
            let locked = try await browser.get("/admin/users/\(carol)")
            #expect(locked.body.contains("Locked out</span> until"), "\(locked.body)")
            let unlocked = try await browser.post(
                "/admin/users/\(carol)/unlock", form: try requireValue(locked.form(containing: "Unlock")))
            #expect(unlocked.status == 303 && unlocked.location == "/admin/users/\(carol)?done=unlocked")
            let page = try await browser.get(try requireValue(unlocked.location))
            #expect(page.body.contains("Not locked out") && page.body.contains("they may sign in at once"))
            #expect(try await signIn("carol-password").body.contains(#"action="/access-request""#), "in again")

            var password = try requireValue(page.form(containing: "Set the password"))
            password["password"] = "short"
            let refused = try await browser.post("/admin/users/\(carol)/password", form: password)
            #expect(refused.status == 422 && refused.body.contains("must be at least 8 characters"))
            password["password"] = "a-new-password-for-carol"
            let set = try await browser.post("/admin/users/\(carol)/password", form: password)
            #expect(set.status == 303 && set.location == "/admin/users/\(carol)?done=password", "\(set.body)")
            #expect(try await signIn("carol-password").body.contains("action=\"/access-request\"") == false)
            #expect(try await signIn("a-new-password-for-carol").body.contains(#"action="/access-request""#))
        }
    }

    @Test(arguments: TestBackend.available)
    func forgedOrUnpermittedUserFormsChangeNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, carol) = try await Self.managing(server)
            try await server.commit { _ in
                [.createPermissionSet(PermissionSet(name: "Key Holders", adminPermissions: [.manageConnectedApps]))]
            }
            let page = try await browser.get("/admin/users/\(carol)")
            var assign = try requireValue(page.form(containing: #"name="action" value="assign""#))
            assign["value"] = "Deduper Users"
            assign["confirm"] = "yes"
            var forged = assign
            forged["csrf"] = "not-the-session-token"
            _ = try await browser.post("/admin/users/\(carol)/change", form: forged)
            forged["csrf"] = nil
            _ = try await browser.post("/admin/users/\(carol)/change", form: forged)
            var noVersion = assign
            noVersion["version"] = nil
            #expect(try await browser.post("/admin/users/\(carol)/change", form: noVersion).status == 422)
            var unknown = assign
            unknown["action"] = "make-admin"
            #expect(try await browser.post("/admin/users/\(carol)/change", form: unknown).status == 422)
            var missing = assign
            missing["value"] = "No Such Set"
            #expect(try await browser.post("/admin/users/\(carol)/change", form: missing).status == 404)
            #expect(try await Self.carol(server).permissionSets.isEmpty)
            #expect(try await browser.get("/admin/users/no-such-id").status == 404)

            // An admin with manage-users only cannot give a permission they lack through a set.
            try await ConsoleSignInTests.addUser(
                server, "uma", profile: "User Admins", grantsConsole: true, permissions: [.viewSetup, .manageUsers])
            let uma = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(uma, as: "uma", password: "uma-password").landed?.status == 200)
            let umasPage = try await uma.get("/admin/users/\(carol)")
            #expect(!umasPage.body.contains(#"<option value="Key Holders">"#), "not offered: it gives what uma lacks")
            var escalate = try requireValue(umasPage.form(containing: #"name="action" value="assign""#))
            escalate["value"] = "Key Holders"
            let refused = try await uma.post("/admin/users/\(carol)/change", form: escalate)
            #expect(refused.status == 403 && refused.body.contains("manage-connected-apps"), "\(refused.body)")
            // Nor act on alice, who holds permissions uma does not.
            let alice = try requireValue(try await server.store.loadDirectory().user(named: "alice")).id.rawValue
            let alicesPage = try await uma.get("/admin/users/\(alice)")
            #expect(
                alicesPage.form(containing: "Deactivate…") == nil && alicesPage.body.contains("You cannot change alice")
            )
            var deactivate = escalate
            deactivate["action"] = "deactivate"
            deactivate["version"] =
                "\(try await server.store.loadDirectory().version(of: .user(UserID(rawValue: alice))) ?? 0)"
            #expect(try await uma.post("/admin/users/\(alice)/change", form: deactivate).status == 403)
            #expect(try await server.store.loadDirectory().user(named: "alice")?.isActive == true)

            // A viewer sees the page without a control; a posted form is refused naming the permission.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            let verasPage = try await vera.get("/admin/users/\(carol)")
            #expect(verasPage.status == 200 && verasPage.form(containing: #"name="action""#) == nil)
            #expect(verasPage.form(containing: "Set the password") == nil)
            var verasForm = assign
            verasForm["csrf"] = try requireValue(verasPage.hiddenFields["csrf"])
            let verasPost = try await vera.post("/admin/users/\(carol)/change", form: verasForm)
            #expect(verasPost.status == 403 && verasPost.body.contains("manage-users"))
            #expect(try await Self.carol(server).permissionSets.isEmpty)
            #expect(try await Self.carol(server).isActive)
        }
    }
}
