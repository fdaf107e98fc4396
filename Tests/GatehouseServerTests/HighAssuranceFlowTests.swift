import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// An app's high assurance on every flow it governs (issue 13, item 3): `raise-session-level` steps a session with
/// a password alone up to a second factor (setting one up where the user has none), refuses the refresh of a grant
/// made without one and every flow without a user step; `block` refuses such a session; `prompt=none` that would
/// need a step-up answers `interaction_required`; `acr_values` asks for a step-up on any app.
@Suite struct HighAssuranceFlowTests {
    /// Signs in with the password only and allows jwt-app: the session and the grant have a password alone.
    static func passwordOnlyGrant(_ server: ServerFixture, _ browser: Browser) async throws -> String {
        let redirect = try await AuthorizationCodeFlowTests.signInAndAllow(browser)
        let tokens = try await server.exchange(try #require(redirect.redirectParameters["code"]))
        return try #require(tokens.json["refresh_token"] as? String)
    }

    /// Signs alice in on `login` (a login page), sets up an authenticator app as jwt-app requires, and goes on past
    /// the recovery codes; returns the redirect to the app.
    static func signInSettingUpAFactor(_ browser: Browser, on login: Browser.Page, clock: TestClock) async throws
        -> Browser.Page
    {
        var password = login.hiddenFields
        password["username"] = "alice"
        password["password"] = "alice-password"
        let setup = try await browser.post("/login", form: password)
        #expect(setup.body.contains("jwt-app requires two-step verification."), "\(setup.body)")
        var form = setup.hiddenFields
        form["code"] = SecondFactorFlowTests.code(try SecondFactorFlowTests.key(on: setup), at: clock.now)
        let codes = try await browser.post("/login/second-factor", form: form)
        let continuing = try #require(codes.form(containing: "/login/continue"), "\(codes.body)")
        return try await browser.post("/login/continue", form: continuing)
    }

    /// A server on an injected clock where alice signed in with her password alone and allowed jwt-app: `body`
    /// gets the server, that browser, the clock and the grant's refresh token.
    static func withPasswordOnlyGrant(
        _ backend: TestBackend,
        _ body: @Sendable @escaping (ServerFixture, Browser, TestClock, String) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            try await body(server, browser, clock, try await passwordOnlyGrant(server, browser))
        }
    }

    @Test(arguments: TestBackend.available)
    func raiseSessionLevelStepsUpAndRefusesWhatHasNoSecondFactor(backend: TestBackend) async throws {
        try await Self.withPasswordOnlyGrant(backend) { server, browser, clock, oldRefresh in
            // The preview says what stops working before the change is made.
            let directory = try await server.store.loadDirectory()
            let before = try requireValue(directory.app(clientID: "jwt-app"))
            var raised = before
            raised.highAssurance = .raiseSessionLevel
            let impact = try await server.store.impactPreview(
                of: [.updateApp(before: before, after: raised)], basedOn: directory, at: clock.now)
            #expect(
                impact.assurance == [
                    AssuranceImpact(
                        app: "jwt-app", highAssurance: "raise-session-level", grantsWithoutSecondFactor: 1,
                        refusedGrantTypes: ["client_credentials"])
                ] && !impact.isEmpty && impact.losses.isEmpty, "\(impact)")
            #expect(impact.summary().contains("1 live grant made without a second factor can no longer be refreshed"))
            try await server.updateApp("jwt-app") { $0.highAssurance = .raiseSessionLevel }

            let refresh = try await server.refresh(oldRefresh)
            #expect(refresh.status == 400 && refresh.json["error"] as? String == "invalid_grant")
            #expect(refresh.json["reason"] as? String == "high_assurance_required", "\(refresh.json)")
            let credentials = try await server.clientCredentials("jwt-app")
            #expect(credentials.json["reason"] as? String == "high_assurance_required", "no user step")
            let key = try await server.enableAssertions("jwt-app")
            let bearer = try await server.jwtBearer(
                try ServerFixture.assertion(key) { claims in
                    // On the server's clock, which the test holds still.
                    claims["iat"] = .integer(Int64(clock.now.timeIntervalSince1970))
                    claims["exp"] = .integer(Int64(clock.now.timeIntervalSince1970) + 120)
                })
            #expect(bearer.json["reason"] as? String == "high_assurance_required")
            #expect(try await server.clientCredentials("opaque-app").status == 200, "other apps are unchanged")

            let silent = try await browser.get(AuthorizationCodeFlowTests.authorizePath(extra: ["prompt": "none"]))
            #expect(silent.redirectParameters["error"] == "interaction_required", "\(silent.location ?? silent.body)")
            #expect(silent.redirectParameters["reason"] == "high_assurance_required")

            // The signed-in user has no factor: a session alone is no way to add one, so they sign in again first.
            let signInAgain = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(signInAgain.body.contains("jwt-app requires two-step verification. Sign in again to set it up."))
            // The kept request's forms posted with the password-only session get no code.
            var forged = signInAgain.hiddenFields
            forged["decision"] = "allow"
            for path in ["/consent", "/access-request", "/login/continue"] {
                let posted = try await browser.post(path, form: forged)
                #expect(posted.redirectParameters["code"] == nil, "\(path): \(posted.location ?? "")")
                #expect(posted.body.contains(#"<label for="password">"#), "\(path): the password first")
            }
            let redirect = try await Self.signInSettingUpAFactor(browser, on: signInAgain, clock: clock)
            let code = try #require(redirect.redirectParameters["code"], "\(redirect.status) \(redirect.body)")
            let tokens = try await server.exchange(code)
            let claims = try decodeSegment(try #require(tokens.json["id_token"] as? String).split(separator: ".")[1])
            #expect(claims["acr"] as? String == "mfa")
            let newRefresh = try #require(tokens.json["refresh_token"] as? String)
            #expect(try await server.refresh(newRefresh).status == 200, "a grant made with a second factor refreshes")

            // The stepped-up session is reused silently now.
            let again = try await browser.get(AuthorizationCodeFlowTests.authorizePath(extra: ["prompt": "none"]))
            #expect(again.redirectParameters["code"] != nil, "\(again.location ?? again.body)")
        }
    }

    @Test(arguments: TestBackend.available)
    func blockRefusesASessionWithAPasswordAloneAndASignInAsksForTheFactor(backend: TestBackend) async throws {
        try await Self.withPasswordOnlyGrant(backend) { server, browser, clock, _ in
            try await server.updateApp("jwt-app") { $0.highAssurance = .block }
            let refused = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(refused.redirectParameters["error"] == "access_denied")
            #expect(refused.redirectParameters["reason"] == "high_assurance_required")
            #expect(refused.redirectParameters["error_description"]?.contains("prompt=login") == true)
            let event = try await server.loginEvent(traceID: try #require(refused.redirectParameters["trace_id"]))
            #expect(event.reason == "high_assurance_required" && event.checks?.last?.name == "high_assurance")

            // Signing in again asks for the factor as part of the sign-in (here: setting one up).
            let login = try await browser.get(AuthorizationCodeFlowTests.authorizePath(extra: ["prompt": "login"]))
            let redirect = try await Self.signInSettingUpAFactor(browser, on: login, clock: clock)
            #expect(redirect.redirectParameters["code"] != nil, "\(redirect.status) \(redirect.body)")
        }
    }

    /// `acr_values=mfa` steps a password session up on an app that requires nothing; `acr_values=pwd` does not.
    @Test(arguments: TestBackend.available)
    func acrValuesAskForAStepUp(backend: TestBackend) async throws {
        try await Self.withPasswordOnlyGrant(backend) { server, browser, clock, _ in
            let plain = try await browser.get(
                AuthorizationCodeFlowTests.authorizePath(extra: ["acr_values": "pwd mfa"]))
            #expect(plain.redirectParameters["code"] != nil, "a password is one of the classes asked for")
            let setup = try await browser.get(AuthorizationCodeFlowTests.authorizePath(extra: ["acr_values": "mfa"]))
            #expect(setup.body.contains("jwt-app asks for two-step verification. Sign in again"), "\(setup.body)")
            #expect(setup.body.contains(#"<label for="password">"#), "the password first, then setting one up")
            let discovery = try await server.raw("/.well-known/openid-configuration", method: .get)
            #expect(discovery.json["acr_values_supported"] as? [String] == ["pwd", "mfa", "phr"])
        }
    }

    /// A profile that starts requiring a second factor does so at once: its users' sessions and grants made with a
    /// password alone are stepped up or refused, not left until they sign in again.
    @Test(arguments: TestBackend.available)
    func aProfileRequiringASecondFactorTakesEffectAtOnce(backend: TestBackend) async throws {
        try await Self.withPasswordOnlyGrant(backend) { server, browser, clock, refresh in
            // The preview counts the grants whose refreshes stop, before the change is made.
            let directory = try await server.store.loadDirectory()
            let profile = try requireValue(directory.profile(named: Profile.systemAdministratorName))
            var requiring = profile
            requiring.requireSecondFactor = true
            let change = DirectoryChange.updateProfile(before: profile, after: requiring)
            let impact = try await server.store.impactPreview(of: [change], basedOn: directory, at: clock.now)
            #expect(
                impact.secondFactorRequired == [
                    SecondFactorRequirementImpact(
                        profile: Profile.systemAdministratorName, grantsWithoutSecondFactor: 1)
                ] && !impact.isEmpty && impact.losses.isEmpty, "\(impact)")
            #expect(impact.summary().contains("1 live grant made without one can no longer be refreshed"))

            // Moving alice into a profile that requires one counts her grants there; moving her out of the one
            // raised in the same change takes them from it.
            var secure = Profile(name: "Secure", connectedApps: profile.connectedApps)
            secure.requireSecondFactor = true
            try await server.commit { _ in [.createProfile(secure)] }
            let withSecure = try await server.store.loadDirectory()
            let alice = try requireValue(withSecure.user(named: "alice"))
            var moved = alice
            moved.profile = secure.id
            let move = DirectoryChange.updateUser(before: alice, after: moved)
            for (changes, expected) in [
                ([move], [SecondFactorRequirementImpact(profile: "Secure", grantsWithoutSecondFactor: 1)]),
                (
                    [change, move],
                    [
                        SecondFactorRequirementImpact(profile: "Secure", grantsWithoutSecondFactor: 1),
                        SecondFactorRequirementImpact(
                            profile: Profile.systemAdministratorName, grantsWithoutSecondFactor: 0),
                    ]
                ),
            ] {
                let preview = try await server.store.impactPreview(of: changes, basedOn: withSecure, at: clock.now)
                #expect(preview.secondFactorRequired == expected, "\(preview.secondFactorRequired)")
            }
            try await server.commit { _ in [change] }
            let refused = try await server.refresh(refresh)
            #expect(refused.json["reason"] as? String == "high_assurance_required", "\(refused.json)")
            #expect(
                (refused.json["error_description"] as? String)?.contains("profile requires a second factor") == true)
            #expect(try await server.clientCredentials("jwt-app").status == 200, "no user signs in: not the profile's")
            let page = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(page.body.contains("Your profile (System Administrator) requires two-step verification."))
            #expect(page.redirectParameters["code"] == nil)
        }
    }
}
