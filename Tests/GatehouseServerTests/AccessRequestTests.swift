import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// A user refused at `/authorize` for not being admin approved sees Gatehouse's own page first: Request access
/// (one pending request per app), or back to the app with `access_denied`. An admin with `manage-users` approves
/// through the grant that lets the user in (applied at once, audited with the change) or declines with a note; the
/// user sees the state on the account page.
@Suite struct AccessRequestTests {
    typealias Flow = AuthorizationCodeFlowTests

    /// carol (profile Sales User, password `carol-password`); jwt-app admin-approved; permission set Deduper Users
    /// grants jwt-app and opaque-app; bob, also a Sales User, so approving through the profile is seen to give more.
    static func seedCarol(_ server: ServerFixture) async throws {
        let hash = try PasswordHasher.forTesting.hash("carol-password")
        try await server.commit { directory in
            let app = try requireValue(directory.app(clientID: "jwt-app"))
            let other = try requireValue(directory.app(clientID: "opaque-app"))
            var approvedOnly = app
            approvedOnly.permittedUsers = .adminApprovedPreauthorized
            let sales = Profile(name: "Sales User")
            let carol = User(
                username: "carol", email: "carol@example.com", passwordHash: hash, profile: sales.id)
            let bob = User(username: "bob", email: "bob@example.com", profile: sales.id)
            let set = PermissionSet(name: "Deduper Users", connectedApps: [app.id, other.id])
            return [
                .updateApp(before: app, after: approvedOnly), .createProfile(sales), .createUser(carol),
                .createUser(bob), .createPermissionSet(set),
            ]
        }
    }

    /// carol signs in at jwt-app's authorize: the access-request page.
    static func refusedPage(_ browser: Browser, extra: [String: String] = [:]) async throws -> Browser.Page {
        let login = try await browser.get(Flow.authorizePath(extra: extra))
        var form = login.hiddenFields
        form["username"] = "carol"
        form["password"] = "carol-password"
        return try await browser.post("/login", form: form)
    }

    /// The one pending request's id, from the admin API.
    static func pendingID(_ server: ServerFixture, _ token: String) async throws -> String {
        let listed = try await server.api(.get, "/access-requests", token: token)
        #expect(listed.status == 200, "\(listed.text)")
        #expect(listed.items.count == 1, "\(listed.text)")
        return try requireValue(listed.items.first?["id"] as? String)
    }

    @Test(arguments: TestBackend.available)
    func aRefusedUserRequestsAccessAndAnAdminApprovesThroughTheProfileInForceAtOnce(backend: TestBackend)
        async throws
    {
        try await ServerFixture.run(backend) { server in
            try await Self.seedCarol(server)
            let browser = Browser(client: server.client)
            let page = try await Self.refusedPage(browser)
            #expect(page.status == 403, "\(page.body)")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.body.contains("An administrator must approve you to use jwt-app"))
            #expect(page.body.contains("Signed in as <strong>carol</strong>"))
            #expect(page.body.contains(#"value="request">Request access</button>"#))
            #expect(page.body.contains(#"value="continue">Back to jwt-app without access</button>"#))
            // The refusal is in login history once, with the page's trace id.
            let trace = try #require(page.headers[ServerFixture.requestID])
            let event = try await server.loginEvent(traceID: trace)
            #expect(event.result == .refused && event.reason == "user_not_admin_approved" && event.username == "carol")

            let sent = try await browser.requestAccess(from: page, note: "  For the Q4 <b>clean-up</b>\u{7}  ")
            #expect(sent.status == 403)
            #expect(sent.body.contains("Your request was sent."), "\(sent.body)")
            #expect(!sent.body.contains(#"value="request""#), "no second request while one is pending")
            let again = try await browser.requestAccess(from: sent, note: "again")
            #expect(again.body.contains("You asked for access on"), "\(again.body)")

            let token = try await server.adminToken()
            let id = try await Self.pendingID(server, token)
            let details = try await server.api(.get, "/access-requests/\(id)", token: token)
            #expect(details.status == 200, "\(details.text)")
            let request = try #require(details.json["request"] as? [String: Any])
            #expect(request["user"] as? String == "carol" && request["app"] as? String == "jwt-app")
            #expect(request["note"] as? String == "For the Q4 <b>clean-up</b>", "trimmed, control character dropped")
            #expect(request["state"] as? String == "pending")
            let explanation = try #require(details.json["explanation"] as? [String: Any])
            #expect(explanation["reason"] as? String == "user_not_admin_approved", "\(explanation)")
            let options = try #require(details.json["options"] as? [[String: Any]])
            #expect(options.map { $0["name"] as? String } == ["Sales User", "Deduper Users"])
            #expect(options[0]["alsoGives"] as? [String] == ["1 other user of Sales User gain jwt-app"])
            #expect(options[1]["alsoGives"] as? [String] == ["app opaque-app"])
            #expect(options.allSatisfy { $0["exists"] as? Bool == false })

            let approved = try await server.api(
                .post, "/access-requests/\(id)/approve", token: token, json: #"{"profile": "Sales User"}"#)
            #expect(approved.status == 200, "\(approved.text)")
            #expect(approved.item["state"] as? String == "approved")
            #expect(approved.item["decidedBy"] as? String == "api:alice via automation")
            let through = try #require(approved.item["grantedThrough"] as? [String: Any])
            #expect(through["kind"] as? String == "profile" && through["name"] as? String == "Sales User")
            let changes = try #require(approved.json["changes"] as? [String])
            #expect(changes.count == 2 && changes[0].contains("connectedApps: [] → [jwt-app]"), "\(changes)")
            #expect(changes.last == "approved carol's request for jwt-app through profile Sales User")

            // In force at once: carol's next authorize gets a code, with no consent page.
            let code = try await browser.get(Flow.authorizePath())
            #expect(code.status == 302 && code.redirectParameters["code"] != nil, "\(code.body)")
            #expect(try await server.exchange(try #require(code.redirectParameters["code"])).status == 200)

            // The change and the decision are in the audit trail, together.
            let audit = try await server.store.auditEvents(AuditQuery())
            let approval = try #require(audit.first { $0.action == .userAccessRequestApproved })
            #expect(approval.target == "carol" && approval.actor == "api:alice via automation")
            #expect(approval.after?.contains(#""state":"approved""#) == true, "\(approval.after ?? "")")
            #expect(audit.contains { $0.action == .profileUpdated && $0.target == "Sales User" })

            // carol sees the decision on her account page.
            let account = try await browser.get("/account")
            #expect(account.body.contains("Your access requests"), "\(account.body)")
            #expect(account.body.contains("Approved"), "\(account.body)")
            #expect(!account.body.contains("<b>clean-up</b>"), "the note is shown as text")

            // Deciding again is a conflict that says who decided.
            let twice = try await server.api(.post, "/access-requests/\(id)/decline", token: token)
            #expect(twice.status == 409, "\(twice.text)")
            #expect(twice.text.contains("already approved by api:alice via automation at "), "\(twice.text)")
            let listedAll = try await server.api(.get, "/access-requests?state=all", token: token)
            #expect(listedAll.items.count == 1)
            #expect(try await server.api(.get, "/access-requests", token: token).items.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func backToTheAppIsAccessDeniedAndPromptNoneRedirectsAtOnce(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.seedCarol(server)
            let browser = Browser(client: server.client)
            let page = try await Self.refusedPage(browser)
            #expect(page.status == 403)
            let back = try await browser.backToApp(from: page)
            #expect(back.status == 303, "a POST answered with 303 See Other: \(back.body)")
            #expect(back.location?.hasPrefix("https://client.example/cb?") == true)
            #expect(back.redirectParameters["error"] == "access_denied")
            #expect(back.redirectParameters["reason"] == "user_not_admin_approved")
            #expect(back.redirectParameters["state"] == "xyz-state")
            #expect(back.redirectParameters["iss"] == "http://127.0.0.1:8080")
            let pageTrace = try #require(page.headers[ServerFixture.requestID])
            #expect(back.redirectParameters["trace_id"] == pageTrace, "the app's error finds the recorded refusal")
            #expect(page.body.contains("Trace id: <code>\(pageTrace)</code>"))
            // The request record ended with the redirect: its handle cannot be posted again.
            let replay = try await browser.backToApp(from: page)
            #expect(replay.status != 303, "a spent authorization request is not redirected twice")

            // prompt=none: no page, the redirect at once (OpenID Connect Core 3.1.2.6).
            let silent = try await browser.get(Flow.authorizePath(extra: ["prompt": "none"]))
            #expect(silent.status == 302 && silent.redirectParameters["error"] == "access_denied", "\(silent.body)")
            let silentEvent = try await server.loginEvent(
                traceID: try #require(silent.redirectParameters["trace_id"]))
            #expect(silentEvent.reason == "user_not_admin_approved")
            // Two refusals in login history: the page's and prompt=none's (going back recorded nothing more).
            let refused = try await server.store.loginEvents(LoginEventQuery(username: "carol", result: .refused))
            #expect(refused.count == 2, "\(refused.map(\.traceID))")
            #expect(try await server.store.accessRequests(state: nil, after: nil, limit: 10).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func aDeclinedRequestShowsTheNoteAndTheUserMayAskAgain(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.seedCarol(server)
            let browser = Browser(client: server.client)
            _ = try await browser.requestAccess(from: try await Self.refusedPage(browser), note: "please")
            let token = try await server.adminToken()
            let id = try await Self.pendingID(server, token)
            let declined = try await server.api(
                .post, "/access-requests/\(id)/decline", token: token, json: #"{"note": "Use the <CRM> export"}"#)
            #expect(declined.status == 200, "\(declined.text)")
            #expect(declined.item["state"] as? String == "declined")
            #expect(declined.item["decisionNote"] as? String == "Use the <CRM> export")
            let audit = try await server.store.auditEvents(AuditQuery())
            #expect(audit.contains { $0.action == .userAccessRequestDeclined && $0.target == "carol" })
            #expect(try await server.store.loadDirectory().user(named: "carol")?.permissionSets.isEmpty == true)

            let account = try await browser.get("/account")
            #expect(account.body.contains("Declined"), "\(account.body)")
            #expect(account.body.contains("Use the &lt;CRM&gt; export"), "\(account.body)")
            let page = try await browser.get(Flow.authorizePath())
            #expect(page.status == 403)
            #expect(page.body.contains("Your last request was declined"), "\(page.body)")
            #expect(page.body.contains("Use the &lt;CRM&gt; export"))
            let asked = try await browser.requestAccess(from: page, note: "it is for the audit")
            #expect(asked.body.contains("Your request was sent."), "\(asked.body)")
            let again = try await Self.pendingID(server, token)
            #expect(again != id)
            #expect(try await server.api(.get, "/access-requests?state=all", token: token).items.count == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func approvedMeanwhileTheSamePageGoesOnToTheApp(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.seedCarol(server)
            let browser = Browser(client: server.client)
            let page = try await Self.refusedPage(browser)
            #expect(page.status == 403)
            let set = try #require(try await server.store.loadDirectory().permissionSet(named: "Deduper Users"))
            try await server.updateUser("carol") { $0.permissionSets.insert(set.id) }
            let back = try await browser.backToApp(from: page)
            #expect(back.status == 303 && back.redirectParameters["code"] != nil, "\(back.body)")
        }
    }

    @Test(arguments: TestBackend.available)
    func forgedPostsAndWrongGrantsChangeNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.seedCarol(server)
            let browser = Browser(client: server.client)
            let page = try await Self.refusedPage(browser)
            // Without the page's CSRF token, or from a browser that is not signed in, nothing is recorded.
            var forged = page.hiddenFields
            forged["csrf"] = "forged"
            forged["action"] = "request"
            #expect(try await browser.post("/access-request", form: forged).status == 403)
            let stranger = Browser(client: server.client)
            var theirs = page.hiddenFields
            theirs["action"] = "request"
            let elsewhere = try await stranger.post("/access-request", form: theirs)
            #expect(elsewhere.status != 200 && !elsewhere.body.contains("Your request was sent"), "\(elsewhere.body)")
            #expect(try await server.store.accessRequests(state: nil, after: nil, limit: 10).isEmpty)

            // A body too large for a form is refused as such and records nothing; a long note is kept to its limit.
            let huge = try await browser.requestAccess(from: page, note: String(repeating: "n", count: 100_000))
            #expect(huge.status == 400 || huge.status == 413, "\(huge.status)")
            #expect(try await server.store.accessRequests(state: nil, after: nil, limit: 10).isEmpty)
            let sent = try await browser.requestAccess(from: page, note: String(repeating: "n", count: 5_000))
            #expect(sent.body.contains("Your request was sent."), "\(sent.status)")
            let token = try await server.adminToken()
            let id = try await Self.pendingID(server, token)
            let shown = try await server.api(.get, "/access-requests/\(id)", token: token)
            let note = try #require((shown.json["request"] as? [String: Any])?["note"] as? String)
            #expect(note.count <= AccessRequest.noteLimit)

            // Wrong grants: someone else's profile, a set that does not grant the app, unknown names, bad bodies.
            try await server.commit { _ in
                [.createProfile(Profile(name: "Support")), .createPermissionSet(PermissionSet(name: "Empty"))]
            }
            for (body, status) in [
                (#"{"profile": "Support"}"#, 422), (#"{"permissionSet": "Empty"}"#, 422),
                (#"{"permissionSet": "Nope"}"#, 404), (#"{"profile": "Sales User", "permissionSet": "Empty"}"#, 422),
                (#"{}"#, 422), (#"{"profile": 5}"#, 422), (#"{"grant": "x"}"#, 422), ("[1", 422),
            ] {
                let answer = try await server.api(.post, "/access-requests/\(id)/approve", token: token, json: body)
                #expect(answer.status == status, "\(body): \(answer.text)")
                #expect(answer.headers[.contentType] == "application/problem+json", "\(body)")
            }
            #expect(
                try await server.api(
                    .post, "/access-requests/nope/approve", token: token, json: #"{"profile": "Sales User"}"#
                ).status == 404)
            #expect(try await server.api(.get, "/access-requests?state=maybe", token: token).status == 400)
            #expect(try await server.api(.get, "/access-requests/\(id)", token: nil).status == 401)

            // Without manage-users: refused, naming it; with manage-users alone a profile approval needs the other.
            let viewer = try await server.adminToken(app: "viewer-app", runAs: "vera", permissions: [.viewSetup])
            let refused = try await server.api(.get, "/access-requests", token: viewer)
            #expect(refused.status == 403 && refused.json["permission"] as? String == "manage-users")
            let userAdmin = try await server.adminToken(app: "users-app", runAs: "uma", permissions: [.manageUsers])
            let partial = try await server.api(
                .post, "/access-requests/\(id)/approve", token: userAdmin, json: #"{"profile": "Sales User"}"#)
            #expect(partial.status == 403, "\(partial.text)")
            #expect(partial.json["permission"] as? String == "manage-profiles-and-permission-sets")
            #expect(try await Self.pendingID(server, token) == id, "still pending")
            #expect(try await server.store.loadDirectory().profile(named: "Sales User")?.connectedApps.isEmpty == true)

            // Two admins approve at once: exactly one decides it; the other is told it was decided.
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await server.api(
                            .post, "/access-requests/\(id)/approve", token: userAdmin,
                            json: #"{"permissionSet": "Deduper Users"}"#
                        ).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 == 200 }.count == 1, "\(answers)")
            #expect(answers.allSatisfy { $0 == 200 || $0 == 409 }, "\(answers)")
            let audit = try await server.store.auditEvents(AuditQuery())
            #expect(audit.filter { $0.action == .userAccessRequestApproved }.count == 1)
            #expect(audit.filter { $0.action == .userUpdated && $0.target == "carol" }.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func theConsoleListsPendingRequestsAndApprovesThroughAPermissionSet(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.seedCarol(server)
            let user = Browser(client: server.client)
            _ = try await user.requestAccess(from: try await Self.refusedPage(user), note: "for <script>x</script>")
            let id = try await Self.pendingID(server, try await server.adminToken())

            try await Flow.setPassword(server, "alice-password")
            let admin = Browser(client: server.client)
            let home = try #require(try await ConsoleSignInTests.signIn(admin).landed)
            #expect(home.body.contains("Access requests"), "\(home.body)")
            let list = try await admin.get("/admin/access-requests")
            #expect(list.status == 200, "\(list.body)")
            #expect(list.body.contains("/admin/access-requests/\(id)") && list.body.contains("carol"))
            #expect(!list.body.contains("<script>x</script>"))
            let shown = try await admin.get("/admin/access-requests/\(id)")
            #expect(shown.status == 200 && shown.body.contains("Deduper Users") && shown.body.contains("opaque-app"))
            #expect(shown.body.contains("user is not admin approved to access this app"), "\(shown.body)")
            let csrf = try #require(shown.hiddenFields["csrf"])
            var forged = ["csrf": "forged", "kind": "permission-set", "name": "Deduper Users"]
            _ = try await admin.post("/admin/access-requests/\(id)/approve", form: forged)
            #expect(try await Self.pendingID(server, try await server.adminToken()) == id)
            forged["csrf"] = csrf
            let approved = try await admin.post("/admin/access-requests/\(id)/approve", form: forged)
            #expect(approved.status == 303 && approved.location == "/admin/access-requests/\(id)", "\(approved.body)")
            let after = try await admin.get("/admin/access-requests/\(id)")
            #expect(after.body.contains("Approved"), "\(after.body)")
            #expect(!after.body.contains("/approve\""), "no approve button on a decided request")
            let carol = try await server.store.loadDirectory().user(named: "carol")
            #expect(carol?.permissionSets.count == 1)
            let code = try await user.get(Flow.authorizePath())
            #expect(code.status == 302 && code.redirectParameters["code"] != nil)

            // An admin without manage-users: no tile, the pages are refused naming the permission.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let viewer = Browser(client: server.client)
            let viewerHome = try #require(
                try await ConsoleSignInTests.signIn(viewer, as: "vera", password: "vera-password").landed)
            #expect(!viewerHome.body.contains("/admin/access-requests"))
            let refused = try await viewer.get("/admin/access-requests")
            #expect(refused.status == 403 && refused.body.contains("manage-users"))
        }
    }
}
