import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// An app's OAuth usage in the console: its live grants and approvals; one user's grants or every grant revoked
/// after a confirmation saying how many end, the tokens refused at once; the permission each needs.
@Suite struct ConsoleAppUsageTests {
    /// Whether the refresh token still works; `token` becomes its successor when the app rotates them.
    static func works(_ server: ServerFixture, _ token: inout String) async throws -> Bool {
        let refreshed = try await server.refresh(token)
        if let rotated = refreshed.json["refresh_token"] as? String { token = rotated }
        return refreshed.status == 200
    }

    /// alice approves jwt-app and holds its tokens; then she signs in to the console.
    static func withGrant(_ server: ServerFixture) async throws -> (Browser, app: String, refresh: String) {
        try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
        let redirect = try await AuthorizationCodeFlowTests.signInAndAllow(Browser(client: server.client))
        let tokens = try await server.exchange(try requireValue(redirect.redirectParameters["code"]))
        let refresh = try requireValue(tokens.json["refresh_token"] as? String)
        let browser = Browser(client: server.client)
        #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)
        let app = try requireValue(try await server.store.loadDirectory().app(clientID: "jwt-app")).id.rawValue
        return (browser, app, refresh)
    }

    @Test(arguments: TestBackend.available)
    func anAppsGrantsAndApprovalsAreListedAndRevokedAfterAConfirmation(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, app, granted) = try await Self.withGrant(server)
            var refresh = granted
            let appPage = try await browser.get("/admin/apps/\(app)")
            #expect(
                appPage.body.contains(#"<a href="/admin/apps/\#(app)/usage">1 — OAuth usage</a>"#), "\(appPage.body)")
            let usage = try await browser.get("/admin/apps/\(app)/usage")
            #expect(usage.status == 200, "\(usage.body)")
            #expect(usage.body.contains(">alice</a></td>"), "\(usage.body)")
            #expect(usage.body.contains("<code>offline_access</code>") && usage.body.contains("<h2>Approvals</h2>"))
            #expect(!usage.body.contains("No user has approved"), "alice's approval is listed")

            // One user's grants: confirmed first (nothing ends), then revoked; her refresh token is refused.
            let one = try requireValue(usage.form(containing: "Revoke…"))
            let confirm = try await browser.post("/admin/apps/\(app)/revoke", form: one)
            #expect(confirm.status == 200 && confirm.body.contains("1 live grant will end at once"), "\(confirm.body)")
            let stillWorks = try await Self.works(server, &refresh)
            #expect(stillWorks, "a confirmation ends nothing")
            let done = try await browser.post(
                "/admin/apps/\(app)/revoke", form: try requireValue(confirm.form(containing: "Revoke")))
            #expect(done.status == 303 && done.location == "/admin/apps/\(app)/usage?revoked=1", "\(done.body)")
            let after = try await browser.get(try requireValue(done.location))
            #expect(after.body.contains("Revoked: 1 grant ended") && after.body.contains("No one holds a live grant"))
            #expect(after.body.contains("No user has approved"), "the approval went with it")
            let ended = try await Self.works(server, &refresh) == false
            #expect(ended)
            var byConsole = AuditQuery()
            byConsole.actor = "console:alice"
            #expect(try await server.store.auditEvents(byConsole).contains { $0.target == "jwt-app for alice" })
        }
    }

    @Test(arguments: TestBackend.available)
    func revokingNeedsItsPermissionAndAForgedFormEndsNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, app, granted) = try await Self.withGrant(server)
            var refresh = granted
            let usage = try await browser.get("/admin/apps/\(app)/usage")
            var all = try requireValue(usage.form(containing: "Revoke every grant…"))
            all["confirm"] = "yes"
            var forged = all
            forged["csrf"] = "not-the-session-token"
            #expect(try await browser.post("/admin/apps/\(app)/revoke", form: forged).status == 403)
            var nobody = all
            nobody["user"] = "no-such-user"
            #expect(try await browser.post("/admin/apps/\(app)/revoke", form: nobody).status == 404)
            #expect(try await browser.post("/admin/apps/no-such-app/revoke", form: all).status == 404)
            #expect(try await browser.get("/admin/apps/no-such-app/usage").status == 404)
            let works1 = try await Self.works(server, &refresh)
            #expect(works1)

            // uma (manage-users) may end one user's grants, not every grant of the app; vera (view-setup) neither.
            try await ConsoleSignInTests.addUser(
                server, "uma", profile: "User Admins", grantsConsole: true, permissions: [.viewSetup, .manageUsers])
            let uma = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(uma, as: "uma", password: "uma-password").landed?.status == 200)
            let umasPage = try await uma.get("/admin/apps/\(app)/usage")
            #expect(
                umasPage.form(containing: "Revoke every grant…") == nil && umasPage.form(containing: "Revoke…") != nil)
            var umasAll = all
            umasAll["csrf"] = try requireValue(umasPage.hiddenFields["csrf"])
            let refused = try await uma.post("/admin/apps/\(app)/revoke", form: umasAll)
            #expect(refused.status == 403 && refused.body.contains("manage-connected-apps"), "\(refused.body)")
            // alice holds permissions uma lacks: her grants are out of uma's reach too.
            var umasOne = try requireValue(umasPage.form(containing: "Revoke…"))
            umasOne["confirm"] = "yes"
            #expect(try await uma.post("/admin/apps/\(app)/revoke", form: umasOne).status == 403)
            let works2 = try await Self.works(server, &refresh)
            #expect(works2)

            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            let verasPage = try await vera.get("/admin/apps/\(app)/usage")
            #expect(verasPage.status == 200 && verasPage.form(containing: "Revoke") == nil)
            var verasForm = umasOne
            verasForm["csrf"] = try requireValue(verasPage.hiddenFields["csrf"])
            #expect(try await vera.post("/admin/apps/\(app)/revoke", form: verasForm).status == 403)
            let works3 = try await Self.works(server, &refresh)
            #expect(works3)
        }
    }
}
