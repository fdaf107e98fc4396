import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The seed's policy flip in the console: the app's page shows every policy, editing it shows who loses access
/// before anything is saved, saving is in force at once; a form without the session's token, from a stale read, or
/// from an admin without `manage-connected-apps` changes nothing.
@Suite struct ConsoleAppsTests {
    /// bob (profile Sales, which does not grant jwt-app) has approved jwt-app.
    static func seedBob(_ server: ServerFixture) async throws {
        try await server.commit { directory in
            let sales = Profile(name: "Sales")
            let bob = User(username: "bob", email: "bob@example.com", profile: sales.id)
            return [.createProfile(sales), .createUser(bob)]
        }
        let directory = try await server.store.loadDirectory()
        let bob = try requireValue(directory.user(named: "bob"))
        let app = try requireValue(directory.app(clientID: "jwt-app"))
        try await SQLSessionStore(store: server.store).recordApproval(
            Approval(user: bob.id, app: app.id, scopes: Scopes(["openid"]), approvedAt: Date()))
    }

    static func appID(_ server: ServerFixture, _ clientID: String) async throws -> String {
        try requireValue(try await server.store.loadDirectory().app(clientID: clientID)).id.rawValue
    }

    @Test(arguments: TestBackend.available)
    func flippingAnAppToAdminApprovedShowsWhoLosesAccessThenSavesAtOnce(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            try await Self.seedBob(server)
            let id = try await Self.appID(server, "jwt-app")
            let browser = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)

            let list = try await browser.get("/admin/apps")
            #expect(list.status == 200 && list.body.contains(#"<a href="/admin/apps/\#(id)">jwt-app</a>"#))
            #expect(list.body.contains("Gatehouse Admin Console"))
            let page = try await browser.get("/admin/apps/\(id)")
            #expect(page.body.contains("All users may self-authorize") && page.body.contains("Edit policies"))

            let form = try await browser.get("/admin/apps/\(id)/edit")
            #expect(form.status == 200)
            var fields = try Self.formFields(form.body)
            fields["permittedUsers"] = "admin-approved-preauthorized"
            let review = try await browser.post("/admin/apps/\(id)/edit", form: fields)
            #expect(review.status == 200, "\(review.body)")
            #expect(review.body.contains("1 user will lose access"), "\(review.body)")
            #expect(
                review.body.contains(#"<td><a href="/admin/users?username=bob">bob</a></td>"#)
                    && review.body.contains("not admin approved"))
            let unchanged = try await server.store.loadDirectory().app(clientID: "jwt-app")
            #expect(unchanged?.permittedUsers == .allUsersSelfAuthorize, "a review saves nothing")

            // The review's form, posted as it stands, saves exactly what was reviewed.
            let confirm = review.hiddenFields
            #expect(confirm["confirm"] == "yes")
            let saved = try await browser.post("/admin/apps/\(id)/edit", form: confirm)
            #expect(saved.status == 303 && saved.location == "/admin/apps/\(id)?saved=1")
            let after = try await browser.get(try #require(saved.location))
            #expect(after.body.contains("Saved. The change is in force now."))
            #expect(after.body.contains("Admin approved users are pre-authorized"))
            let explained = try await server.api(
                .get, "/access/explain?user=bob&app=jwt-app", token: try await server.adminToken())
            #expect(explained.json["reason"] as? String == "user_not_admin_approved", "in force on this node")

            // Posting the same confirmation again, from the version it was read at: refused as stale.
            let replay = try await browser.post("/admin/apps/\(id)/edit", form: confirm)
            #expect(replay.status == 412 && replay.body.contains("Someone changed this app"))
            // The audit trail names the console admin.
            var byConsole = AuditQuery()
            byConsole.actor = "console:alice"
            #expect(!(try await server.store.auditEvents(byConsole)).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func aPolicyFormThatDoesNotValidateSaysWhichFieldAndKeepsWhatWasTyped(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, id, form) = try await Self.editingJWTApp(server)
            var fields = form
            fields["accessTokenLifetime"] = "forever<script>"
            fields["callbackUrls"] = "http://evil.example/cb"
            let refused = try await browser.post("/admin/apps/\(id)/edit", form: fields)
            #expect(refused.status == 422, "\(refused.body)")
            #expect(refused.body.contains(#"id="accessTokenLifetime-problem""#))
            #expect(refused.body.contains("forever&lt;script&gt;") && !refused.body.contains("forever<script>"))
            #expect(refused.body.contains("must use https"), "the planner's own words: \(refused.body)")
            // Two callback URLs, one per line as a browser sends them (CRLF), survive the review and the save.
            var two = try Self.formFields(try await browser.get("/admin/apps/\(id)/edit").body)
            two["callbackUrls"] = "https://a.example/cb\r\nhttps://b.example/cb\r\n"
            let review = try await browser.post("/admin/apps/\(id)/edit", form: two)
            #expect(review.status == 200, "\(review.body)")
            let saved = try await browser.post("/admin/apps/\(id)/edit", form: review.hiddenFields)
            #expect(saved.status == 303, "\(saved.body)")
            let stored = try await server.store.loadDirectory().app(clientID: "jwt-app")
            #expect(stored?.callbackURLs == ["https://a.example/cb", "https://b.example/cb"])
            // A session timeout: shown on the app's page once saved; too short, named at its field; empty, none.
            var timed = try Self.formFields(try await browser.get("/admin/apps/\(id)/edit").body)
            #expect(timed["sessionTimeout"] == "")
            timed["sessionTimeout"] = "30s"
            let short = try await browser.post("/admin/apps/\(id)/edit", form: timed)
            #expect(short.status == 422 && short.body.contains(#"id="sessionTimeout-problem""#), "\(short.body)")
            timed["sessionTimeout"] = "2h"
            timed["trustedIpRanges"] = "192.0.2.0/24"
            let timedReview = try await browser.post("/admin/apps/\(id)/edit", form: timed)
            #expect(timedReview.status == 200, "\(timedReview.body)")
            #expect(try await browser.post("/admin/apps/\(id)/edit", form: timedReview.hiddenFields).status == 303)
            #expect(try await server.store.loadDirectory().app(clientID: "jwt-app")?.sessionTimeout?.seconds == 7_200)
            #expect(try await browser.get("/admin/apps/\(id)").body.contains("users sign in again after 2h"))
            var untimed = try Self.formFields(try await browser.get("/admin/apps/\(id)/edit").body)
            #expect(untimed["sessionTimeout"] == "2h")
            // Boxes cleared: a browser sends them empty, and the form body drops empty values.
            untimed["sessionTimeout"] = nil
            untimed["trustedIpRanges"] = ""
            let untimedReview = try await browser.post("/admin/apps/\(id)/edit", form: untimed)
            #expect(
                untimedReview.status == 200 && untimedReview.hiddenFields["confirm"] == "yes", "\(untimedReview.body)")
            #expect(try await browser.post("/admin/apps/\(id)/edit", form: untimedReview.hiddenFields).status == 303)
            let cleared = try await server.store.loadDirectory().app(clientID: "jwt-app")
            #expect(cleared?.sessionTimeout == nil && cleared?.trustedIPRanges == [])
            // The built-in console keeps its callback whatever is posted.
            let console = try await Self.appID(server, ConnectedApp.consoleClientID)
            var consoleFields = try Self.formFields(try await browser.get("/admin/apps/\(console)/edit").body)
            #expect(consoleFields["callbackUrls"] == nil, "not offered")
            consoleFields["callbackUrls"] = "https://evil.example/cb"
            consoleFields["confirm"] = "yes"
            _ = try await browser.post("/admin/apps/\(console)/edit", form: consoleFields)
            let kept = try await server.store.loadDirectory().app(clientID: ConnectedApp.consoleClientID)
            #expect(kept?.callbackURLs == [])
        }
    }

    @Test(arguments: TestBackend.available)
    func forgedOrUnpermittedFormsChangeNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, id, form) = try await Self.editingJWTApp(server)
            var fields = form
            fields["blocked"] = "on"
            fields["confirm"] = "yes"
            var forged = fields
            forged["csrf"] = "not-the-session-token"
            _ = try await browser.post("/admin/apps/\(id)/edit", form: forged)
            forged["csrf"] = nil
            _ = try await browser.post("/admin/apps/\(id)/edit", form: forged)
            #expect(try await server.store.loadDirectory().app(clientID: "jwt-app")?.isBlocked == false)

            // A viewer: sees the app, no edit control, and a posted form is refused naming the permission.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let viewer = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(viewer, as: "vera", password: "vera-password").landed?.status == 200
            )
            let page = try await viewer.get("/admin/apps/\(id)")
            #expect(page.status == 200 && !page.body.contains("Edit policies"))
            #expect(try await viewer.get("/admin/apps/\(id)/edit").status == 403)
            let home = try await viewer.get("/admin")
            fields["csrf"] = try #require(home.hiddenFields["csrf"])
            let refused = try await viewer.post("/admin/apps/\(id)/edit", form: fields)
            #expect(refused.status == 403 && refused.body.contains("manage-connected-apps"))
            #expect(try await server.store.loadDirectory().app(clientID: "jwt-app")?.isBlocked == false)
            // An unknown app is a 404 page, not an error.
            #expect(try await viewer.get("/admin/apps/nope").status == 404)
        }
    }

    /// alice signed in to the console with jwt-app's policy form open: the browser, the app's id, the form's fields.
    static func editingJWTApp(_ server: ServerFixture) async throws -> (Browser, String, [String: String]) {
        try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
        let id = try await appID(server, "jwt-app")
        let browser = Browser(client: server.client)
        #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)
        return (browser, id, try formFields(try await browser.get("/admin/apps/\(id)/edit").body))
    }

    /// The fields a browser would post from the page's form: hidden inputs, text inputs, selected options,
    /// checked boxes and text areas.
    static func formFields(_ body: String) throws -> [String: String] {
        var fields = Browser.Page(status: 200, headers: [:], body: body).hiddenFields
        func each(_ pattern: String, _ handle: ([String]) -> Void) throws {
            let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
            for match in regex.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
                handle(
                    (1..<match.numberOfRanges).map { index in
                        Range(match.range(at: index), in: body).map { String(body[$0]) } ?? ""
                    })
            }
        }
        try each(#"<input type="text" id="[^"]*" name="([^"]*)" value="([^"]*)""#) {
            fields[$0[0]] = Browser.Page.unescape($0[1])
        }
        try each(#"<input type="checkbox" id="[^"]*" name="([^"]*)" checked>"#) { fields[$0[0]] = "on" }
        try each(#"<select id="[^"]*" name="([^"]*)"[^>]*>(.*?)</select>"#) { groups in
            if let selected = groups[1].range(of: #"<option value="([^"]*)" selected>"#, options: .regularExpression) {
                let option = String(groups[1][selected])
                fields[groups[0]] = Browser.Page.unescape(
                    String(option.dropFirst(#"<option value=""#.count).prefix { $0 != "\"" }))
            }
        }
        try each(#"<textarea id="[^"]*" name="([^"]*)"[^>]*>(.*?)</textarea>"#) {
            fields[$0[0]] = Browser.Page.unescape($0[1])
        }
        return fields
    }
}
