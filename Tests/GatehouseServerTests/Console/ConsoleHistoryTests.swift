import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Login history and the audit trail in the console: the CLI's filters and a trace-id box, newest first and paged;
/// a refusal's row opens the explanation; a setup change shows each field before and after; `view-audit-trail`
/// is needed for both.
@Suite struct ConsoleHistoryTests {
    @Test(arguments: TestBackend.available)
    func loginHistoryIsFilteredFoundByTraceIdAndPaged(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            let refused = try await AccessRequestTests.refusedPage(Browser(client: server.client))
            let trace = try #require(refused.headers[ServerFixture.requestID])
            _ = try await server.loginEvent(traceID: trace)
            let home = try await browser.get("/admin")
            #expect(home.body.contains(#"<a href="/admin/login-history">Login history</a>"#))
            let all = try await browser.get("/admin/login-history")
            #expect(all.status == 200, "\(all.body)")
            #expect(all.body.contains(#"<a href="/admin/explain?trace=\#(trace)">Why?</a>"#), "\(all.body)")
            #expect(all.body.contains(">alice</a>"), "the console sign-in is there too")

            let refusals = try await browser.get("/admin/login-history?result=refused&app=jwt-app&user=carol")
            #expect(refusals.body.contains("<strong>Refused</strong>: "), "\(refusals.body)")
            #expect(!refusals.body.contains(">alice</a>"))
            #expect(refusals.body.contains(#"<option value="jwt-app" selected>"#), "the filter is kept")
            let found = try await browser.get("/admin/login-history?trace=\(trace)")
            #expect(found.body.contains("<code>\(trace)</code>") && !found.body.contains(">alice</a>"))
            let none = try await browser.get("/admin/login-history?trace=no-such-trace")
            #expect(none.body.contains("No login event matches."))

            for bad in ["since=yesterday", "until=5x", "result=maybe", "flow=teleport", "app=No%20Such%20App"] {
                let page = try await browser.get("/admin/login-history?\(bad)")
                #expect(page.status == 422 && page.body.contains(#"class="problem" role="alert""#), "\(bad)")
            }

            // 60 more events: 50 to a page, newest first, the next page keeping the filter.
            let now = Date()
            try await server.store.appendLoginEvents(
                (0..<60).map { index in
                    LoginEvent(
                        occurredAt: now.addingTimeInterval(Double(index)), username: "zed", flow: .refresh,
                        result: .allowed, traceID: "page-\(index)")
                })
            let first = try await browser.get("/admin/login-history?user=zed")
            #expect(first.body.contains("<code>page-59</code>") && first.body.contains("<code>page-10</code>"))
            #expect(!first.body.contains("<code>page-9</code>"), "\(first.body)")
            let link = try requireValue(
                first.body.range(of: #"/admin/login-history\?user=zed&amp;after=[0-9]+"#, options: .regularExpression))
            let second = try await browser.get(Browser.Page.unescape(String(first.body[link])))
            #expect(second.body.contains("<code>page-9</code>") && second.body.contains("<code>page-0</code>"))
            #expect(!second.body.contains("<code>page-10</code>") && !second.body.contains("Older events"))
        }
    }

    @Test(arguments: TestBackend.available)
    func theAuditTrailShowsEachChangeBeforeAndAfter(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (browser, carol) = try await ConsoleUsersTests.managing(server)
            let page = try await browser.get("/admin/users/\(carol)")
            var assign = try requireValue(page.form(containing: #"name="action" value="assign""#))
            assign["value"] = "Deduper Users"
            let review = try await browser.post("/admin/users/\(carol)/change", form: assign)
            _ = try await browser.post(
                "/admin/users/\(carol)/change", form: try requireValue(review.form(containing: "Make the change")))

            let trail = try await browser.get("/admin/audit?actor=console:alice")
            #expect(trail.status == 200, "\(trail.body)")
            #expect(trail.body.contains("<code>user.updated</code>"), "\(trail.body)")
            #expect(trail.body.contains("user <strong>carol</strong>"))
            #expect(
                trail.body.contains(
                    #"<code>permissionSets</code>: <del>[]</del> → <ins>[&quot;Deduper Users&quot;]</ins>"#),
                "\(trail.body)")
            let byKind = try await browser.get("/admin/audit?targetType=profile")
            #expect(!byKind.body.contains("user <strong>carol</strong>"))
            let byTarget = try await browser.get("/admin/audit?target=carol&targetType=user")
            #expect(byTarget.body.contains("user <strong>carol</strong>"))
            #expect(try await browser.get("/admin/audit?since=whenever").status == 422)
            #expect(try await browser.get("/admin/audit?targetType=planet").status == 422)

            // Without view-audit-trail: the pages name the permission, and the home shows no tile.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            #expect(!(try await vera.get("/admin").body.contains("/admin/login-history")))
            for path in ["/admin/login-history", "/admin/audit"] {
                let refused = try await vera.get(path)
                #expect(refused.status == 403 && refused.body.contains("view-audit-trail"), "\(path)")
            }
        }
    }
}
