import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Two-step verification over HTTP with an injected clock (issue 13, item 4): an authenticator app set up on the
/// account page (password asked again, verified before it counts, ten recovery codes), then asked for at every
/// sign-in after the password; each code accepted once, recovery codes once, wrong codes throttled; a profile that
/// requires a second factor has its users set one up while signing in; an admin's reset ends the user's sessions.
@Suite struct SecondFactorFlowTests {
    /// The key the enrolment page shows, as an authenticator app would read it.
    static func key(on page: Browser.Page) throws -> TimeBasedOneTimePassword {
        let start = try #require(page.body.range(of: #"<code class="key" id="totp-key">"#))
        let end = try #require(page.body[start.upperBound...].range(of: "</code>"))
        let secret = try #require(Base32.decode(String(page.body[start.upperBound..<end.lowerBound])))
        return TimeBasedOneTimePassword(secret: secret)
    }

    static func code(_ totp: TimeBasedOneTimePassword, at time: Date) -> String {
        totp.code(step: TimeBasedOneTimePassword.step(at: time))
    }

    /// The recovery codes a page lists.
    static func recoveryCodes(on page: Browser.Page) -> [String] {
        let regex = try? NSRegularExpression(pattern: #"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>"#)
        let range = NSRange(page.body.startIndex..., in: page.body)
        return (regex?.matches(in: page.body, range: range) ?? []).compactMap {
            Range($0.range(at: 1), in: page.body).map { String(page.body[$0]) }
        }
    }

    /// Signs alice in on the account page and sets up an authenticator app; returns it and her recovery codes.
    static func enrol(_ browser: Browser, clock: TestClock) async throws -> (TimeBasedOneTimePassword, [String]) {
        let signIn = try await browser.get("/account")
        var form = signIn.hiddenFields
        form["username"] = "alice"
        form["password"] = "alice-password"
        #expect(try await browser.post("/account/login", form: form).location == "/account")
        let account = try await browser.get("/account")
        #expect(account.body.contains("Off: signing in asks only for your password."))
        var setup = try #require(account.form(containing: "/account/authenticator/new"))
        setup["password"] = "wrong"
        #expect(
            try await browser.post("/account/authenticator/new", form: setup).location
                == "/account?notice=password-wrong")
        setup["password"] = "alice-password"
        let enrolment = try await browser.post("/account/authenticator/new", form: setup)
        #expect(enrolment.status == 200 && enrolment.body.contains("<svg xmlns"), "\(enrolment.status)")
        let totp = try key(on: enrolment)
        var confirm = enrolment.hiddenFields
        confirm["code"] = "000000" == code(totp, at: clock.now) ? "111111" : "000000"
        confirm["name"] = "Alice's phone"
        let wrong = try await browser.post("/account/authenticator", form: confirm)
        #expect(wrong.status == 401 && wrong.body.contains("That code does not match"))
        confirm["code"] = code(totp, at: clock.now)
        let codes = try await browser.post("/account/authenticator", form: confirm)
        #expect(codes.status == 200 && codes.body.contains("Save your recovery codes"), "\(codes.status) \(codes.body)")
        let recovery = recoveryCodes(on: codes)
        #expect(recovery.count == 10 && Set(recovery).count == 10)
        let again = try await browser.post("/account/authenticator", form: confirm)
        #expect(again.status == 303 && Self.recoveryCodes(on: again).isEmpty, "posted again: one app")
        let after = try await browser.get("/account")
        #expect(after.body.contains("Alice&#39;s phone") || after.body.contains("Alice's phone"))
        #expect(after.body.contains("10 of 10 left."))
        return (totp, recovery)
    }

    @Test(arguments: TestBackend.available)
    func anAuthenticatorSetUpOnTheAccountPageIsAskedForAtEverySignIn(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let (totp, recovery) = try await Self.enrol(Browser(client: server.client), clock: clock)
            let added = try await server.store.auditEvents(AuditQuery(targetType: .user)).filter {
                $0.action == .userSecondFactorAdded
            }
            #expect(added.map(\.actor) == ["user:alice"] && added.first?.after?.contains("secret") == false)

            // The password alone no longer signs in: the second step comes first, with no session yet.
            let browser = Browser(client: server.client)
            let step = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            #expect(step.status == 200 && step.body.contains("Two-step verification for jwt-app"), "\(step.body)")
            #expect(browser.cookies["gh_session"] == nil)
            var form = step.hiddenFields
            form["code"] = Self.code(totp, at: clock.now)
            let replayed = try await browser.post("/login/second-factor", form: form)
            #expect(replayed.status == 401, "the code typed at set-up was used already")
            let failure = try await server.loginEvent(
                traceID: try #require(replayed.headers[ServerFixture.requestID]))
            #expect(failure.reason == "invalid_second_factor" && failure.username == "alice")

            clock.advance(by: 30)
            form["code"] = Self.code(totp, at: clock.now)
            let consent = try await browser.post("/login/second-factor", form: form)
            #expect(consent.body.contains("Allow jwt-app to access your account?"), "\(consent.status) \(consent.body)")
            var allow = consent.hiddenFields
            allow["decision"] = "allow"
            let redirect = try await browser.post("/consent", form: allow)
            let tokens = try await server.exchange(try #require(redirect.redirectParameters["code"]))
            let claims = try decodeSegment(try #require(tokens.json["id_token"] as? String).split(separator: ".")[1])
            #expect(claims["amr"] as? [String] == ["pwd", "otp", "mfa"] && claims["acr"] as? String == "mfa")

            // The same code in another browser, at once: accepted once only, on any node.
            let other = Browser(client: server.client)
            var again = try await other.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(other)
            ).hiddenFields
            again["code"] = Self.code(totp, at: clock.now)
            #expect(try await other.post("/login/second-factor", form: again).status == 401)

            // A recovery code works once.
            again["code"] = recovery[3].uppercased()
            #expect(try await other.post("/login/second-factor", form: again).redirectParameters["code"] != nil)
            let third = Browser(client: server.client)
            var once = try await third.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(third)
            ).hiddenFields
            once["code"] = recovery[3]
            #expect(try await third.post("/login/second-factor", form: once).status == 401)

            // Another browser's challenge is no use without that browser's cookie.
            let stranger = Browser(client: server.client)
            var stolen = try await stranger.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(stranger)
            ).hiddenFields
            stolen["challenge"] = once["challenge"]
            clock.advance(by: 30)
            stolen["code"] = Self.code(totp, at: clock.now)
            #expect(try await stranger.post("/login/second-factor", form: stolen).status == 403)

            let account = try await browser.get("/account")
            #expect(account.body.contains("9 of 10 left."), "the one used above")
        }
    }

    /// Five wrong codes, sent at once, lock the second step for the user; the right code then waits too.
    @Test(arguments: TestBackend.available)
    func wrongCodesAreThrottledEvenInAParallelBurst(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let (totp, _) = try await Self.enrol(Browser(client: server.client), clock: clock)
            clock.advance(by: 30)
            let browser = Browser(client: server.client)
            var form = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser)
            ).hiddenFields
            let right = Self.code(totp, at: clock.now)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    var wrong = form
                    wrong["code"] = String(format: "%06d", (Int(right)! + 1 + index) % 1_000_000)
                    group.addTask { try await browser.post("/login/second-factor", form: wrong).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 401 }.count == 5, "\(statuses)")
            #expect(statuses.filter { $0 == 429 }.count == 3, "\(statuses)")
            form["code"] = right
            let throttled = try await browser.post("/login/second-factor", form: form)
            #expect(throttled.status == 429 && throttled.headers[.retryAfter] != nil)
            clock.advance(by: 901)
            var later = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser)
            ).hiddenFields
            later["code"] = Self.code(totp, at: clock.now)
            #expect(try await browser.post("/login/second-factor", form: later).status == 200, "consent page")
        }
    }

    @Test(arguments: TestBackend.available)
    func aProfileThatRequiresASecondFactorHasItSetUpWhileSigningIn(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            try await server.updateProfile(Profile.systemAdministratorName) { $0.requireSecondFactor = true }
            let browser = Browser(client: server.client)
            let setup = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            #expect(setup.body.contains("Your profile (System Administrator) requires two-step verification."))
            #expect(browser.cookies["gh_session"] == nil)
            let totp = try Self.key(on: setup)
            var form = setup.hiddenFields
            form["code"] = Self.code(totp, at: clock.now)
            let codes = try await browser.post("/login/second-factor", form: form)
            #expect(Self.recoveryCodes(on: codes).count == 10, "\(codes.status) \(codes.body)")
            #expect(browser.cookies["gh_session"] != nil)
            let continuing = try #require(codes.form(containing: "/login/continue"))
            let consent = try await browser.post("/login/continue", form: continuing)
            #expect(consent.body.contains("Allow jwt-app to access your account?"), "\(consent.body)")
            // The set-up form posted again (the same code, at once) adds nothing and signs no one in.
            let again = try await browser.post("/login/second-factor", form: form)
            #expect(again.status == 403 && Self.recoveryCodes(on: again).isEmpty, "\(again.status)")
            let factors = try await SQLSecondFactorStore(store: server.store).secondFactors(
                of: try requireValue(try await server.store.loadDirectory().user(named: "alice")).id)
            #expect(factors.count == 1)

            // The last factor cannot be removed while the profile requires one.
            let account = try await browser.get("/account")
            var remove = try #require(account.form(containing: "/account/authenticator/remove"))
            clock.advance(by: 30)
            remove["code"] = Self.code(totp, at: clock.now)
            #expect(
                try await browser.post("/account/authenticator/remove", form: remove).location
                    == "/account?notice=factor-required")
        }
    }

    @Test(arguments: TestBackend.available)
    func anAdminResetRemovesTheFactorsAndEndsTheSessions(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            _ = try await Self.enrol(browser, clock: clock)
            let directory = try await server.store.loadDirectory()
            let alice = try requireValue(directory.user(named: "alice"))
            #expect(
                try await server.store.resetSecondFactors(of: alice, actor: .cli(osUser: "ops"), at: clock.now) == 1)
            let signedOut = try await browser.get("/account")
            #expect(signedOut.body.contains("Sign in to see the apps connected to your account"), "session ended")
            let fresh = Browser(client: server.client)
            let consent = try await fresh.post("/login", form: try await AuthorizationCodeFlowTests.loginForm(fresh))
            #expect(consent.body.contains("Allow jwt-app"), "the password alone again")
            let reset = try await server.store.auditEvents(AuditQuery(targetType: .user)).filter {
                $0.action == .userSecondFactorsReset
            }
            #expect(reset.first?.actor == "cli:ops" && reset.first?.before == #"{"secondFactors":1}"#)
        }
    }

    /// The first factor ends the user's other sessions (a password alone made them), and a session from before it
    /// cannot add another factor.
    @Test(arguments: TestBackend.available)
    func theFirstFactorEndsTheOtherSessions(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let elsewhere = Browser(client: server.client)
            _ = try await AuthorizationCodeFlowTests.signInAndAllow(elsewhere)
            let browser = Browser(client: server.client)
            _ = try await Self.enrol(browser, clock: clock)
            let ended = try await elsewhere.get("/account")
            #expect(ended.body.contains("Sign in to see the apps connected to your account"), "the other session ended")
            let account = try await browser.get("/account")
            var another = try #require(account.form(containing: "/account/authenticator/new"))
            another["password"] = "alice-password"
            #expect(
                try await browser.post("/account/authenticator/new", form: another).location
                    == "/account?notice=second-factor-needed", "this session had a password alone")
        }
    }
}
