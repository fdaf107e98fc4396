import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseTestSupport
import Testing

/// An app's session timeout over HTTP with an injected clock: within it the browser's session is reused; after it
/// an authorize needs a fresh sign-in (as `max_age` asks), `prompt=none` answers `login_required`, and apps
/// without one keep using the session (issue 13, item 3).
@Suite struct SessionPolicyFlowTests {
    @Test(arguments: TestBackend.available)
    func anAuthorizeAfterTheAppsSessionTimeoutNeedsAFreshSignIn(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let first = try await AuthorizationCodeFlowTests.signInAndAllow(browser)
            #expect(first.redirectParameters["code"] != nil)
            let signedInAt = clock.now
            try await server.updateApp("jwt-app") { $0.sessionTimeout = PolicyDuration(seconds: 600) }

            clock.advance(by: 300)
            let reused = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(reused.redirectParameters["code"] != nil, "within the timeout the session is reused")

            // Eleven minutes after the sign-in (six after the session's last use: it is still alive).
            clock.advance(by: 360)
            let silent = try await browser.get(AuthorizationCodeFlowTests.authorizePath(extra: ["prompt": "none"]))
            #expect(silent.redirectParameters["error"] == "login_required", "\(silent.location ?? silent.body)")
            #expect(silent.redirectParameters["error_description"]?.contains("session timeout") == true)
            let page = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(page.status == 200 && page.body.contains(#"<label for="username">Username</label>"#))

            // The consent form posted straight away, without the password, goes back to the login page.
            var skipped = page.hiddenFields
            skipped["decision"] = "allow"
            let forged = try await browser.post("/consent", form: skipped)
            #expect(forged.redirectParameters["code"] == nil)
            #expect(forged.body.contains(#"<label for="username">Username</label>"#), "\(forged.status)")

            var form = page.hiddenFields
            form["username"] = "alice"
            form["password"] = "alice-password"
            let signedIn = try await browser.post("/login", form: form)
            let code = try #require(signedIn.redirectParameters["code"], "\(signedIn.status) \(signedIn.body)")
            let tokens = try await server.exchange(code)
            let idToken = try #require(tokens.json["id_token"] as? String)
            let claims = try decodeSegment(idToken.split(separator: ".")[1])
            let authTime = try #require(claims["auth_time"] as? Int)
            #expect(authTime > Int(signedInAt.timeIntervalSince1970) + 600, "the new sign-in's time")

            // Lifting the timeout: the session (signed in a moment ago) is reused again at once.
            try await server.updateApp("jwt-app") { $0.sessionTimeout = nil }
            clock.advance(by: 900)
            #expect(try await browser.get(AuthorizationCodeFlowTests.authorizePath()).redirectParameters["code"] != nil)
        }
    }

    /// A consent page read a minute before the timeout is no way past it: posted after, it asks for the password.
    @Test(arguments: TestBackend.available)
    func aConsentPageShownBeforeTheTimeoutDoesNotOutliveIt(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            #expect(try await AuthorizationCodeFlowTests.signInAndAllow(browser).redirectParameters["code"] != nil)
            try await server.updateApp("jwt-app") { $0.sessionTimeout = PolicyDuration(seconds: 600) }
            clock.advance(by: 540)
            let consent = try await browser.get(
                AuthorizationCodeFlowTests.authorizePath(extra: ["prompt": "consent"]))
            #expect(consent.status == 200 && consent.body.contains("Allow jwt-app"), "\(consent.body)")
            clock.advance(by: 120)
            var allow = consent.hiddenFields
            allow["decision"] = "allow"
            let late = try await browser.post("/consent", form: allow)
            #expect(late.redirectParameters["code"] == nil, "\(late.location ?? "")")
            #expect(late.body.contains(#"<label for="username">Username</label>"#), "\(late.status) \(late.body)")
            // Signing in on that page goes on with the same request.
            var form = late.hiddenFields
            form["username"] = "alice"
            form["password"] = "alice-password"
            let signedIn = try await browser.post("/login", form: form)
            #expect(signedIn.status == 200 && signedIn.body.contains("Allow jwt-app"), "consent asked again")
            var again = signedIn.hiddenFields
            again["decision"] = "allow"
            #expect(try await browser.post("/consent", form: again).redirectParameters["code"] != nil)
        }
    }
}
