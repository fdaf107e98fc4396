import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The console signs admins in with this Gatehouse's own code flow, as a connected app governed by the policy it
/// manages: the System Administrator profile grants it at bootstrap, someone it does not grant is refused with the
/// decision's sentence, a signed-in user without `view-setup` sees which permission is missing, and blocking the
/// console or signing out ends the session at the next page.
@Suite struct ConsoleSignInTests {
    /// Follows `/admin` through sign-in as `username` to the page it lands on (the console's callback answered).
    static func signIn(
        _ browser: Browser, as username: String = "alice", password: String = "alice-password",
        to path: String = "/admin"
    ) async throws -> (callback: Browser.Page, landed: Browser.Page?) {
        let start = try await browser.get(path)
        #expect(start.status == 303, "\(start.body)")
        let authorize = try #require(start.location)
        #expect(authorize.hasPrefix("/authorize?"))
        #expect(authorize.contains("client_id=gatehouse-console") && authorize.contains("code_challenge_method=S256"))
        let callback = try await browser.get(try await callbackPath(browser, authorize, username, password))
        guard callback.status == 303, let next = callback.location else { return (callback, nil) }
        return (callback, try await browser.get(next))
    }

    /// Signs in on the login page `authorize` leads to; returns the console callback the browser is sent to.
    static func callbackPath(
        _ browser: Browser, _ authorize: String, _ username: String = "alice", _ password: String = "alice-password"
    ) async throws -> String {
        let login = try await browser.get(authorize)
        #expect(login.status == 200, "\(login.body)")
        var form = login.hiddenFields
        form["username"] = username
        form["password"] = password
        let redirect = try await browser.post("/login", form: form)
        #expect(redirect.status == 303, "no consent page for an admin-approved app: \(redirect.body)")
        let location = try requireValue(redirect.location)
        #expect(location.hasPrefix("http://127.0.0.1:8080/admin/callback?"), "\(location)")
        return String(location.dropFirst("http://127.0.0.1:8080".count))
    }

    @Test(arguments: TestBackend.available)
    func aSystemAdministratorSignsInAndLandsOnThePageAskedFor(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let (callback, landed) = try await Self.signIn(browser, to: "/admin/find?q=ali")
            #expect(callback.location == "/admin/find?q=ali", "back to the page asked for")
            let page = try #require(landed)
            #expect(page.status == 200, "\(page.body)")
            #expect(page.body.contains("Quick Find: “ali”") && page.body.contains("<strong>alice</strong>"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("style-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(!page.body.contains("<script") && !page.body.contains("style="), "nothing inline")
            #expect(page.headers[.cacheControl] == "no-store")
            let home = try await browser.get("/admin")
            #expect(home.status == 200 && home.body.contains("<h1>Setup</h1>"))
            #expect(home.body.contains("<code>view-setup</code>"))
            // The exchange is in login history like any other, for the console's app.
            var query = LoginEventQuery()
            query.flow = .codeExchange
            let deadline = ContinuousClock.now + .seconds(10)
            var exchanged = false
            while !exchanged, ContinuousClock.now < deadline {
                exchanged = try await server.store.loginEvents(query).contains {
                    $0.appName == ConnectedApp.consoleName && $0.result == .allowed
                }
                if !exchanged { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(exchanged)
        }
    }

    @Test(arguments: TestBackend.available)
    func someoneTheConsoleIsNotGrantedToIsRefusedWithTheReason(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.addUser(server, "sam", profile: "Support", grantsConsole: false, permissions: [.viewSetup])
            let browser = Browser(client: server.client)
            let (callback, _) = try await Self.signIn(browser, as: "sam", password: "sam-password")
            #expect(callback.status == 403, "\(callback.body)")
            #expect(callback.body.contains("You cannot use the Gatehouse Admin Console"))
            #expect(callback.body.contains("not admin approved"), "the decision's own sentence: \(callback.body)")
            #expect(browser.cookies["gh_console"] == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aUserTheConsoleIsGrantedToWithoutViewSetupIsToldWhichPermissionIsMissing(backend: TestBackend)
        async throws
    {
        try await ServerFixture.run(backend) { server in
            try await Self.addUser(server, "sam", profile: "Support", grantsConsole: true, permissions: [])
            let browser = Browser(client: server.client)
            let (_, landed) = try await Self.signIn(browser, as: "sam", password: "sam-password")
            let page = try #require(landed)
            #expect(page.status == 403)
            #expect(page.body.contains("This page needs the admin permission <code>view-setup</code>"))
            #expect(page.body.contains("You hold no admin permission."))
            #expect(!page.body.contains("Quick Find: "), "nothing of setup shown")
        }
    }

    @Test(arguments: TestBackend.available)
    func blockingTheConsoleOrSigningOutEndsTheSessionAtTheNextPage(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            #expect(try await Self.signIn(browser).landed?.status == 200)
            let session = try #require(browser.cookies["gh_console"])

            // Sign-out needs the session's form token; a forged form changes nothing.
            let forged = try await browser.post("/admin/logout", form: ["csrf": "forged"])
            #expect(forged.status != 200 || !forged.body.contains("You are signed out"))
            #expect(try await browser.get("/admin").status == 200, "still signed in")
            let home = try await browser.get("/admin")
            let csrf = try #require(home.hiddenFields["csrf"])
            let out = try await browser.post("/admin/logout", form: ["csrf": csrf])
            #expect(out.status == 200 && out.body.contains("You are signed out"))
            #expect(browser.cookies["gh_console"] == nil && browser.cookies["gh_session"] == nil)
            // The old cookie, replayed, holds revoked tokens: sign in again.
            browser.cookies["gh_console"] = session
            let replayed = try await browser.get("/admin")
            #expect(replayed.status == 303 && replayed.location?.hasPrefix("/authorize?") == true)

            // Signed in again, then the console is blocked: the next page says so.
            browser.cookies = [:]
            #expect(try await Self.signIn(browser).landed?.status == 200)
            try await server.commit { directory in
                let console = try requireValue(directory.app(clientID: ConnectedApp.consoleClientID))
                var blocked = console
                blocked.isBlocked = true
                return [.updateApp(before: console, after: blocked)]
            }
            let refused = try await browser.get("/admin")
            #expect(refused.status == 403, "\(refused.body)")
            #expect(refused.body.contains("blocked"), "\(refused.body)")
            #expect(browser.cookies["gh_console"] == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aCallbackThisBrowserDidNotStartIsRefused(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let attacker = Browser(client: server.client)
            let start = try await attacker.get("/admin")
            let authorize = try #require(start.location)
            // The attacker signs in and keeps the callback URL, then lures the victim's browser to it.
            let callback = try await Self.callbackPath(attacker, authorize)
            let victim = Browser(client: server.client)
            let lured = try await victim.get(callback)
            #expect(lured.status == 400 && lured.body.contains("not started in this browser"))
            #expect(victim.cookies["gh_console"] == nil, "no session from someone else's sign-in")
            // A state that is not the one started in this browser, even with its cookie.
            let tampered = callback.replacingOccurrences(of: "state=", with: "state=x")
            #expect(try await attacker.get(tampered).status == 400)
            // A sealed cookie altered by one character does not open.
            attacker.cookies["gh_console"] = "A" + String(repeating: "b", count: 80)
            #expect(try await attacker.get("/admin").status == 303)
        }
    }

    @Test(arguments: TestBackend.available)
    func theConsoleAppIsBuiltInAndCannotBeDeletedOrRepointed(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            let found = try await server.api(.get, "/apps?clientId=gatehouse-console", token: token)
            let console = try #require(found.items.first)
            #expect(console["builtIn"] as? Bool == true)
            #expect(console["callbackUrls"] as? [String] == [], "its callback is each node's own, stored nowhere")
            #expect(console["permittedUsers"] as? String == "admin-approved-preauthorized")
            let id = try #require(console["id"] as? String)
            let delete = try await server.api(.delete, "/apps/\(id)", token: token, headers: [.ifMatch: "*"])
            #expect(delete.status == 409 && delete.text.contains("built in"), "\(delete.text)")
            let repoint = try await server.api(
                .patch, "/apps/\(id)", token: token, json: #"{"callbackUrls": ["https://evil.example/cb"]}"#,
                headers: [.ifMatch: "*"])
            #expect(repoint.status == 422 && repoint.text.contains("callbackUrls"), "\(repoint.text)")
            let secret = try await server.api(.post, "/apps/\(id)/secrets", token: token, headers: [.ifMatch: "*"])
            #expect(secret.status == 422, "no secret can be added: \(secret.text)")
            // Who may use it is the admin's to set, as for any app.
            let opened = try await server.api(
                .patch, "/apps/\(id)", token: token, json: #"{"refreshTokenPolicy": "expire-after 8h"}"#,
                headers: [.ifMatch: "*"])
            #expect(opened.status == 200, "\(opened.text)")
            // Nobody can redeem the console's codes or refresh tokens at /token: it has no secret.
            let stolen = try await server.post(
                "/token", ["grant_type": "refresh_token", "refresh_token": "x", "client_id": "gatehouse-console"])
            #expect(stolen.status == 401)
        }
    }

    @Test(arguments: TestBackend.available)
    func twoTabsSigningInAtOnceBothGetInAndNoReturnPathLeavesTheConsole(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            // Tab one starts, tab two starts, tab one finishes: its sign-in cookie was not overwritten.
            let first = try #require(try await browser.get("/admin/apps").location)
            _ = try await browser.get("/admin")
            let callback = try await browser.get(try await Self.callbackPath(browser, first))
            #expect(callback.status == 303 && callback.location == "/admin/apps", "\(callback.body)")
            for hostile in ["/admin/x/../callback", "/admin/%63allback", "/admin/../account", "/admin//evil.example"] {
                let start = try await ConsoleSignInTests.returnTarget(server, hostile)
                #expect(start == "/admin", "\(hostile) → \(start)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aSessionUnusedForHalfAnHourEndsAndItsGrantIsRevoked(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            #expect(try await Self.signIn(browser).landed?.status == 200)
            let grants = { try await server.store.liveGrantCount(app: try Self.consoleID(server), user: nil) }
            #expect(try await grants() == 1)
            clock.advance(by: 31 * 60)
            let expired = try await browser.get("/admin")
            #expect(expired.status == 303 && expired.location?.hasPrefix("/authorize?") == true)
            #expect(try await grants() == 0, "the ended session's grant is revoked")
        }
    }

    static func consoleID(_ server: ServerFixture) async throws -> ConnectedAppID {
        try requireValue(try await server.store.loadDirectory().app(clientID: ConnectedApp.consoleClientID)).id
    }

    /// Where a sign-in started from `path` (as `?return=`) comes back to, read from its sealed state's effect: the
    /// `/admin/login` redirect is followed by a fresh browser as far as its own callback would send it.
    static func returnTarget(_ server: ServerFixture, _ path: String) async throws -> String {
        let browser = Browser(client: server.client)
        let start = try await browser.get("/admin/login?return=\(ServerFixture.escape(path))")
        let callback = try await browser.get(try await callbackPath(browser, try requireValue(start.location)))
        return callback.location ?? "(no redirect: \(callback.status))"
    }

    /// A user with a password `<name>-password` on a new profile with `permissions`, granting the console or not.
    static func addUser(
        _ server: ServerFixture, _ name: String, profile profileName: String, grantsConsole: Bool,
        permissions: Set<AdminPermission>
    ) async throws {
        let hash = try PasswordHasher.forTesting.hash("\(name)-password")
        try await server.commit { directory in
            let console = try requireValue(directory.app(clientID: ConnectedApp.consoleClientID))
            let profile = Profile(
                name: profileName, adminPermissions: permissions, connectedApps: grantsConsole ? [console.id] : [])
            let user = User(
                username: name, email: "\(name)@example.com", passwordHash: hash, profile: profile.id)
            return [.createProfile(profile), .createUser(user)]
        }
    }
}
