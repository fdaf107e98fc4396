import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// "Why can't this user use this app?" in the console: every check with the failing one highlighted, each fix the
/// refusal calls for as a button that shows its impact and the decision it leaves before it is made, the same page
/// from a refusal's trace id; a fix the decision does not call for, a forged form, or one beyond the admin's
/// permissions changes nothing.
@Suite struct ConsoleExplainTests {
    /// alice in the console, carol refused jwt-app (AccessRequestTests.seedCarol), and the ids of both.
    static func explaining(_ server: ServerFixture) async throws -> (Browser, carol: String, app: String) {
        try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
        try await AccessRequestTests.seedCarol(server)
        let directory = try await server.store.loadDirectory()
        let carol = try requireValue(directory.user(named: "carol")).id.rawValue
        let app = try requireValue(directory.app(clientID: "jwt-app")).id.rawValue
        let browser = Browser(client: server.client)
        #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)
        return (browser, carol, app)
    }

    @Test(arguments: TestBackend.available)
    func aRefusedUserIsExplainedAndFixedAfterTheImpactIsShown(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, carol, app) = try await Self.explaining(server)
            let home = try await browser.get("/admin")
            #expect(home.body.contains(#"href="/admin/explain""#))

            let page = try await browser.get("/admin/explain?user=carol&app=jwt-app")
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("carol cannot use jwt-app"), "\(page.body)")
            #expect(page.body.contains(#"<tr class="failed"><td><strong>Failed</strong></td>"#))
            #expect(page.body.contains("Review: enable profile Sales User on app jwt-app"))
            #expect(page.body.contains("1 other user of Sales User gain jwt-app"), "who else gains it")
            #expect(page.body.contains("Review: assign permission set Deduper Users to carol"))
            #expect(page.body.contains("app opaque-app"), "what else the permission set gives")

            // The button: a review, nothing stored.
            let fix = try requireValue(page.form(containing: "Review: assign permission set Deduper Users"))
            #expect(fix["fix"] == "permission-set" && fix["name"] == "Deduper Users" && fix["user"] == carol)
            let review = try await browser.post("/admin/explain/fix", form: fix)
            #expect(review.status == 200, "\(review.body)")
            #expect(review.body.contains("carol: permission sets") || review.body.contains("Deduper Users"))
            #expect(review.body.contains("After this change the decision allows it."), "\(review.body)")
            #expect(review.body.contains("No one loses access."))
            let unchanged = try await server.store.loadDirectory().user(named: "carol")
            #expect(unchanged?.permissionSets.isEmpty == true, "a review saves nothing")

            // Confirmed: made, in force on this node at once, audited as the console admin.
            let confirm = try requireValue(review.form(containing: "Make the change"))
            #expect(confirm["confirm"] == "yes")
            let made = try await browser.post("/admin/explain/fix", form: confirm)
            #expect(made.status == 303, "\(made.body)")
            #expect(made.location == "/admin/explain?user=\(carol)&app=\(app)&fixed=1")
            let after = try await browser.get(try requireValue(made.location))
            #expect(after.body.contains("Done. The change is in force now"), "\(after.body)")
            #expect(after.body.contains("carol may use jwt-app."), "\(after.body)")
            #expect(
                after.body.contains(#"value="carol""#) && after.body.contains(#"value="jwt-app""#), "names, not ids")
            let explained = try await server.api(
                .get, "/access/explain?user=carol&app=jwt-app", token: try await server.adminToken())
            #expect(explained.json["allowed"] as? Bool == true, "\(explained.text)")
            var byConsole = AuditQuery()
            byConsole.actor = "console:alice"
            #expect(try await server.store.auditEvents(byConsole).contains { $0.target == "carol" })

            // The same confirmation again: nothing needs fixing, nothing changes.
            let replay = try await browser.post("/admin/explain/fix", form: confirm)
            #expect(replay.status == 409 && replay.body.contains("carol may use jwt-app now"), "\(replay.body)")
        }
    }

    /// A GET form sends a space as `+` (and may percent-encode a name): the console's filters read it as a browser
    /// meant it, so picking "Sales User" or "Deduper Users" finds them.
    @Test func getFormsDecodeSpacesSentAsPlus() async throws {
        try await ServerFixture.run(.sqlite) { server in
            let (browser, _, _) = try await Self.explaining(server)
            let found = try await browser.get("/admin/find?q=Deduper+Users")
            #expect(found.body.contains("><strong>Deduper Users</strong></a>"), "\(found.body)")
            let users = try await browser.get("/admin/users?profile=Sales+User")
            #expect(users.status == 200 && users.body.contains(">carol</a>"), "\(users.body)")
            #expect(users.body.contains(#"<option value="Sales User" selected>"#))
            let encodedName = try await browser.get("/admin/users?%70rofile=Sales%20User")
            #expect(encodedName.body.contains(">carol</a>") && encodedName.body.contains(">bob</a>"))
        }
    }

    @Test(arguments: TestBackend.available)
    func aRefusalsTraceIDOpensItsExplanationAndEachReasonHasItsFix(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _, _) = try await Self.explaining(server)
            // carol refused at /authorize: the trace id her page shows opens the explanation of that event.
            let carolsBrowser = Browser(client: server.client)
            let refused = try await AccessRequestTests.refusedPage(carolsBrowser)
            let trace = try requireValue(refused.headers[.init("X-Request-Id")!])
            _ = try await server.loginEvent(traceID: trace)
            let fromTrace = try await browser.get("/admin/explain?trace=\(trace)")
            #expect(fromTrace.status == 200, "\(fromTrace.body)")
            #expect(fromTrace.body.contains("The login event") && fromTrace.body.contains(trace))
            #expect(fromTrace.body.contains("carol cannot use jwt-app"), "\(fromTrace.body)")
            #expect(fromTrace.body.contains(#"value="carol""#))
            let unknownTrace = try await browser.get("/admin/explain?trace=no-such-trace")
            #expect(unknownTrace.status == 200 && unknownTrace.body.contains("no login event has trace id"))
            let unknownUser = try await browser.get("/admin/explain?user=nobody&app=jwt-app")
            #expect(unknownUser.status == 404 && unknownUser.body.contains("no user named &quot;nobody&quot;"))
            #expect(unknownUser.body.contains(#"id="explain-user""#), "the form stays, to try again")

            // Blocked, then inactive: each reason's own fix.
            try await server.commit { directory in
                let app = try requireValue(directory.app(clientID: "jwt-app"))
                var blocked = app
                blocked.isBlocked = true
                let carol = try requireValue(directory.user(named: "carol"))
                var inactive = carol
                inactive.isActive = false
                return [.updateApp(before: app, after: blocked), .updateUser(before: carol, after: inactive)]
            }
            let blockedPage = try await browser.get("/admin/explain?user=carol&app=jwt-app")
            #expect(blockedPage.body.contains("Review: unblock app jwt-app"), "\(blockedPage.body)")
            let unblock = try await browser.post(
                "/admin/explain/fix", form: try requireValue(blockedPage.form(containing: "Review: unblock app")))
            #expect(unblock.body.contains("Still refused after this change"), "the next reason: \(unblock.body)")
            let made = try await browser.post(
                "/admin/explain/fix", form: try requireValue(unblock.form(containing: "Make the change")))
            #expect(made.status == 303, "\(made.body)")
            let inactivePage = try await browser.get(try requireValue(made.location))
            #expect(inactivePage.body.contains("Review: activate carol"), "\(inactivePage.body)")
            #expect(try await server.store.loadDirectory().app(clientID: "jwt-app")?.isBlocked == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func forgedFixesAndFixesBeyondTheAdminsPermissionsChangeNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, carol, app) = try await Self.explaining(server)
            // A set that carries an admin permission and grants jwt-app, and one that does not grant it at all.
            try await server.commit { directory in
                let jwt = try requireValue(directory.app(clientID: "jwt-app"))
                return [
                    .createPermissionSet(
                        PermissionSet(
                            name: "App Admins", adminPermissions: [.manageConnectedApps], connectedApps: [jwt.id])),
                    .createPermissionSet(PermissionSet(name: "Nothing", adminPermissions: [.manageUsers])),
                ]
            }
            let page = try await browser.get("/admin/explain?user=carol&app=jwt-app")
            let fix = try requireValue(page.form(containing: "Review: assign permission set Deduper Users"))
            func assigned() async throws -> Int {
                try await server.store.loadDirectory().user(named: "carol")?.permissionSets.count ?? -1
            }
            var forged = fix
            forged["confirm"] = "yes"
            forged["csrf"] = "not-the-session-token"
            _ = try await browser.post("/admin/explain/fix", form: forged)
            forged["csrf"] = nil
            _ = try await browser.post("/admin/explain/fix", form: forged)
            #expect(try await assigned() == 0)
            // A permission set the decision does not call for (it does not grant the app): refused, not assigned.
            var other = fix
            other["name"] = "Nothing"
            other["confirm"] = "yes"
            let refused = try await browser.post("/admin/explain/fix", form: other)
            #expect(refused.status == 409 && refused.body.contains("does not apply"), "\(refused.body)")
            var unblock = fix
            unblock["fix"] = "unblock-app"
            unblock["confirm"] = "yes"
            #expect(try await browser.post("/admin/explain/fix", form: unblock).status == 409)
            var garbage = fix
            garbage["fix"] = "make-admin"
            #expect(try await browser.post("/admin/explain/fix", form: garbage).status == 422)
            #expect(try await assigned() == 0)

            // An admin with manage-users only: no profile button, and a set carrying a permission they lack is
            // refused at the commit (no admin gives an admin permission they do not hold).
            try await ConsoleSignInTests.addUser(
                server, "uma", profile: "User Admins", grantsConsole: true, permissions: [.viewSetup, .manageUsers])
            let uma = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(uma, as: "uma", password: "uma-password").landed?.status == 200)
            let umasPage = try await uma.get("/admin/explain?user=\(carol)&app=\(app)")
            #expect(
                umasPage.body.contains("You cannot make this change: console:uma does not have the admin permission"))
            #expect(umasPage.form(containing: "Review: enable profile") == nil)
            #expect(umasPage.form(containing: "Review: assign permission set App Admins") == nil)
            #expect(umasPage.body.contains("cannot give the admin permission &quot;manage-connected-apps&quot;"))
            #expect(
                umasPage.form(containing: "Review: assign permission set Deduper Users") != nil, "this one they may")
            var escalate = try requireValue(umasPage.form(containing: "Review: assign permission set Deduper Users"))
            escalate["name"] = "App Admins"
            let review = try await uma.post("/admin/explain/fix", form: escalate)
            #expect(review.status == 403 && review.body.contains("manage-connected-apps"), "\(review.body)")
            escalate["confirm"] = "yes"
            let made = try await uma.post("/admin/explain/fix", form: escalate)
            #expect(made.status == 403 && made.body.contains("manage-connected-apps"), "\(made.body)")
            #expect(try await assigned() == 0)

            // A viewer sees the explanation and no button; a posted fix is refused naming the permission.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            let verasPage = try await vera.get("/admin/explain?user=carol&app=jwt-app")
            #expect(verasPage.status == 200 && verasPage.form(containing: "Review:") == nil)
            var verasFix = fix
            verasFix["csrf"] = try requireValue(verasPage.hiddenFields["csrf"])
            verasFix["confirm"] = "yes"
            let verasMade = try await vera.post("/admin/explain/fix", form: verasFix)
            #expect(verasMade.status == 403 && verasMade.body.contains("manage-users"), "\(verasMade.body)")
            #expect(try await assigned() == 0)
        }
    }
}
