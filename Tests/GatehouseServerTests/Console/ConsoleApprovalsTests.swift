import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The console's approvals page: every user's approval of an app, filtered by user or app, paged; one revoked after
/// a confirmation (the user's grants of the app end with it); the permission revoking needs, checked on the post.
@Suite struct ConsoleApprovalsTests {
    @Test(arguments: TestBackend.available)
    func approvalsAreListedFilteredAndRevokedAfterAConfirmation(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, app, granted) = try await ConsoleAppUsageTests.withGrant(server)
            var refresh = granted
            let appName = try requireValue(try await server.store.loadDirectory().apps[ConnectedAppID(rawValue: app)])
                .name
            let home = try await browser.get("/admin")
            #expect(home.body.contains(#"<a href="/admin/approvals">Approvals</a>"#), "\(home.body)")

            let all = try await browser.get("/admin/approvals")
            #expect(all.status == 200, "\(all.body)")
            #expect(all.body.contains(">alice</a></td>") && all.body.contains(">\(appName)</a></td>"), "\(all.body)")
            #expect(all.body.contains("<code>offline_access</code>"))
            let hers = try await browser.get(
                "/admin/approvals?user=alice&app=\(appName.replacingOccurrences(of: " ", with: "+"))")
            #expect(hers.status == 200 && hers.body.contains(">alice</a></td>"), "\(hers.body)")
            #expect(hers.body.contains(#"<option value="\#(appName)" selected>"#), "the filter keeps its choice")
            let nobody = try await browser.get("/admin/approvals?user=zed")
            #expect(nobody.status == 422 && nobody.body.contains("No user named"), "\(nobody.body)")
            let noApp = try await browser.get("/admin/approvals?app=No+such+app")
            #expect(noApp.status == 422 && noApp.body.contains("No connected app named"), "\(noApp.body)")

            // Confirmed first (nothing ends), then revoked; back on this page, her refresh token refused.
            let one = try requireValue(hers.form(containing: "Revoke…"))
            let confirm = try await browser.post("/admin/apps/\(app)/revoke", form: one)
            #expect(confirm.status == 200 && confirm.body.contains("1 live grant will end at once"), "\(confirm.body)")
            #expect(confirm.body.contains(#"<a href="/admin/approvals">Cancel</a>"#), "\(confirm.body)")
            let stillWorks = try await ConsoleAppUsageTests.works(server, &refresh)
            #expect(stillWorks, "a confirmation ends nothing")
            let done = try await browser.post(
                "/admin/apps/\(app)/revoke", form: try requireValue(confirm.form(containing: "Revoke")))
            #expect(done.status == 303 && done.location == "/admin/approvals?revoked=1", "\(done.body)")
            let after = try await browser.get(try requireValue(done.location))
            #expect(after.body.contains("Revoked: the approval, and 1 grant of it ended."), "\(after.body)")
            let left = try await browser.get("/admin/approvals?user=alice")
            #expect(left.body.contains("No approval matches."), "\(left.body)")
            let ended = try await ConsoleAppUsageTests.works(server, &refresh) == false
            #expect(ended)
        }
    }

    @Test(arguments: TestBackend.available)
    func approvalsArePagedAndRevokingNeedsItsPermission(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (_, app, granted) = try await ConsoleAppUsageTests.withGrant(server)
            var refresh = granted
            let profile = try requireValue(try await server.store.loadDirectory().user(named: "alice")?.profile)
            let users = (0..<60).map {
                User(username: String(format: "paged%02d", $0), email: "paged\($0)@example.com", profile: profile)
            }
            try await server.commit { _ in users.map { .createUser($0) } }
            for user in users {
                try await SQLSessionStore(store: server.store).recordApproval(
                    Approval(
                        user: user.id, app: ConnectedAppID(rawValue: app), scopes: Scopes(["openid"]),
                        approvedAt: Date()))
            }

            // vera (view-setup) reads every page and may revoke nothing; a forged revocation is refused.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            var seen = Set<String>()
            var path: String? = "/admin/approvals"
            var pages = 0
            while let next = path, pages < 5 {
                let page = try await vera.get(next)
                #expect(page.status == 200, "\(page.body)")
                #expect(page.form(containing: "Revoke") == nil, "vera sees no revoke control")
                let names = try Regex(#">((?:paged\d\d)|alice)</a></td>"#)
                for match in page.body.matches(of: names) { seen.insert(String(match.output[1].substring ?? "")) }
                path = try Regex(#"<a href="(/admin/approvals\?after=[^"]+)">More approvals</a>"#)
                    .firstMatch(in: page.body).map { String($0.output[1].substring ?? "") }
                    .map { $0.replacingOccurrences(of: "&amp;", with: "&") }
                pages += 1
            }
            #expect(pages == 2 && seen.count == 61, "\(pages) pages, \(seen.count) users")

            let csrf = try requireValue(try await vera.get("/admin/approvals").hiddenFields["csrf"])
            let alice = try requireValue(try await server.store.loadDirectory().user(named: "alice")).id.rawValue
            let forged = ["csrf": csrf, "user": alice, "from": "approvals", "confirm": "yes"]
            let refused = try await vera.post("/admin/apps/\(app)/revoke", form: forged)
            #expect(refused.status == 403, "\(refused.body)")
            let works = try await ConsoleAppUsageTests.works(server, &refresh)
            #expect(works)
        }
    }

    @Test(arguments: TestBackend.available)
    func forgedAndHostileFormsOnTheApprovalsPageEndNothingAndRedirectNowhereElse(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, app, granted) = try await ConsoleAppUsageTests.withGrant(server)
            var refresh = granted
            let alice = try requireValue(try await server.store.loadDirectory().user(named: "alice")).id.rawValue

            // A revocation without this session's CSRF token (another browser's, or none) changes nothing.
            for csrf in ["", "forged", String(repeating: "a", count: 10_000)] {
                let forged = ["csrf": csrf, "user": alice, "from": "approvals", "confirm": "yes"]
                let refused = try await browser.post("/admin/apps/\(app)/revoke", form: forged)
                #expect(refused.status == 403 && refused.body.contains("Nothing was changed"), "\(refused.body)")
            }
            let stillWorks = try await ConsoleAppUsageTests.works(server, &refresh)
            #expect(stillWorks)

            // `from` chooses between two pages of this console, never a place of the poster's choosing; without a
            // user it is ignored (revoking every grant returns to the app's usage).
            let csrf = try requireValue(try await browser.get("/admin/approvals").hiddenFields["csrf"])
            let all = try await browser.post(
                "/admin/apps/\(app)/revoke", form: ["csrf": csrf, "from": "approvals"])
            #expect(all.status == 200 && all.body.contains(#"<a href="/admin/apps/\#(app)/usage">Cancel</a>"#))
            let elsewhere = try await browser.post(
                "/admin/apps/\(app)/revoke",
                form: ["csrf": csrf, "user": alice, "from": "https://evil.example/", "confirm": "yes"])
            #expect(elsewhere.status == 303 && elsewhere.location == "/admin/apps/\(app)/usage?revoked=1")

            // Hostile filters: a huge cursor or name is cut, markup is escaped, and nothing is a 500.
            let huge = String(repeating: "z", count: 3_000)
            let long = try await browser.get("/admin/approvals?after=\(huge)&user=\(huge)")
            #expect(long.status == 422 && !long.body.contains(huge), "\(long.status)")
            let markup = try await browser.get("/admin/approvals?user=%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(markup.status == 422 && !markup.body.contains("<script>alert"), "\(markup.body)")
            let badCursor = try await browser.get("/admin/approvals?after=not-a-cursor")
            #expect(badCursor.status < 500, "\(badCursor.status) \(badCursor.body)")
        }
    }
}
