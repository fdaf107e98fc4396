import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Issue 9, item 5: the authorization request is kept on the server; the forms carry only a handle. Posting a form
/// straight to the next step, forging its fields, replaying it or using it from another browser skips nothing.
@Suite struct AuthorizationRequestAttackTests {
    typealias Flow = AuthorizationCodeFlowTests

    /// A browser signed in to Gatehouse that has allowed jwt-app once.
    static func signedInBrowser(_ server: ServerFixture) async throws -> Browser {
        try await Flow.setPassword(server, "alice-password")
        let browser = Browser(client: server.client)
        let redirect = try await Flow.signInAndAllow(browser)
        #expect(redirect.redirectParameters["code"] != nil)
        return browser
    }

    @Test(arguments: TestBackend.available, [["prompt": "login"], ["max_age": "0"]])
    func aRequiredSignInCannotBeSkippedByPostingTheLoginFormToConsent(
        backend: TestBackend, extra: [String: String]
    ) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = try await Self.signedInBrowser(server)
            try await Task.sleep(for: .milliseconds(1_100))  // so that max_age=0 has passed for the session
            let login = try await browser.get(Flow.authorizePath(extra: extra))
            #expect(login.body.contains(#"<label for="username">Username</label>"#), "a fresh sign-in is asked for")
            var skip = login.hiddenFields
            skip["decision"] = "allow"
            let posted = try await browser.post("/consent", form: skip)
            #expect(posted.redirectParameters["code"] == nil, "no code without the password: \(posted.location ?? "")")
            #expect(posted.body.contains(#"<label for="username">Username</label>"#), "back to the login page")

            // Signing in for real then works, and the ID token's auth_time is this sign-in's.
            var form = login.hiddenFields
            form["username"] = "alice"
            form["password"] = "alice-password"
            let before = Int(Date().timeIntervalSince1970)
            let redirect = try await browser.post("/login", form: form)
            let code = try #require(redirect.redirectParameters["code"], "\(redirect.body)")
            let tokens = try await server.exchange(code)
            let claims = try decodeSegment(try #require(tokens.json["id_token"] as? String).split(separator: ".")[1])
            #expect((claims["auth_time"] as? Int).map { $0 >= before - 1 } == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func formsCarryOnlyAHandleAndForgedRequestFieldsChangeNothing(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let login = try await browser.get(Flow.authorizePath())
            #expect(Set(login.hiddenFields.keys) == ["csrf", "request"])
            var form = login.hiddenFields
            form["username"] = "alice"
            form["password"] = "alice-password"
            // The old hidden fields, forged: another callback and a wider scope.
            form["authz.redirect_uri"] = "https://evil.example/cb"
            form["authz.scope"] = "openid api"
            let consent = try await browser.post("/login", form: form)
            #expect(consent.body.contains("Allow jwt-app to access your account?"))
            var decision = consent.hiddenFields
            decision["decision"] = "allow"
            decision["redirect_uri"] = "https://evil.example/cb"
            let redirect = try await browser.post("/consent", form: decision)
            #expect(redirect.location?.hasPrefix("https://client.example/cb?") == true)
            let tokens = try await server.exchange(try #require(redirect.redirectParameters["code"]))
            #expect(tokens.json["scope"] as? String == "openid profile email offline_access")

            // Used once: the same form again yields nothing.
            let again = try await browser.post("/consent", form: decision)
            #expect(again.status == 403)
            #expect(again.redirectParameters["code"] == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aHandleWorksOnlyInTheBrowserThatStartedTheFlow(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let victim = Browser(client: server.client)
            let login = try await victim.get(Flow.authorizePath())
            let handle = try #require(login.hiddenFields["request"])
            // The attacker has its own CSRF cookie and posts the victim's handle with it.
            let attacker = Browser(client: server.client)
            let own = try await attacker.get("/account")
            let form = [
                "csrf": try #require(own.hiddenFields["csrf"]), "request": handle, "username": "alice",
                "password": "alice-password",
            ]
            let posted = try await attacker.post("/login", form: form)
            #expect(posted.status == 403)
            #expect(attacker.cookies["gh_session"] == nil, "no session was started")
            // An unknown handle is just as dead.
            var unknown = login.hiddenFields
            unknown["request"] = "no-such-handle"
            #expect(try await victim.post("/login", form: unknown).status == 403)
        }
    }

    @Test(arguments: TestBackend.available)
    func aPendingRequestExpires(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            var form = try await Flow.loginForm(browser)
            clock.advance(by: PendingAuthorization.lifetime + 1)
            form["password"] = "alice-password"
            #expect(try await browser.post("/login", form: form).status == 403)
        }
    }
}
