import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// A profile's login IP ranges and login hours over HTTP, on every flow they govern (authorize with a session and
/// with a fresh sign-in, code exchange, refresh, client credentials for the run-as user, the JWT bearer grant), with
/// client addresses given through a trusted proxy and an injected clock (issue 13, items 1, 2 and 6).
@Suite struct LoginRestrictionFlowTests {
    static let behindProxy: @Sendable (inout ServerConfiguration) -> Void = {
        $0.trustedProxies = [IPRange("127.0.0.0/8")].compactMap { $0 }
    }

    /// Sets the login IP ranges or login hours of alice's profile (System Administrator).
    static func restrictProfile(_ server: ServerFixture, _ change: @escaping @Sendable (inout Profile) -> Void)
        async throws
    {
        try await server.commit { directory in
            let profile = try requireValue(directory.profile(named: Profile.systemAdministratorName))
            var after = profile
            change(&after)
            return [.updateProfile(before: profile, after: after)]
        }
    }

    static func expectRefused(
        _ response: (status: Int, headers: HTTPFields, json: [String: Any]), _ reason: String,
        _ comment: Comment? = nil
    ) {
        #expect(response.status == 400, comment)
        #expect(response.json["error"] as? String == "invalid_grant", comment)
        #expect(response.json["reason"] as? String == reason, comment)
        #expect(response.json["trace_id"] as? String != nil, comment)
    }

    @Test(arguments: TestBackend.available)
    func theProfilesRangesGovernEveryFlowAsTheAppRelaxesThem(backend: TestBackend) async throws {
        try await ServerFixture.run(backend, configure: Self.behindProxy) { server in
            let key = try await server.enableAssertions("jwt-app")
            let office = server.from("10.1.2.3")
            let away = server.from("203.0.113.9")
            let browser = Browser(client: server.client)
            browser.forwardedFor = "10.1.2.3"
            let refresh = try await connect(office, browser)
            let code = try #require(
                try await browser.get(AuthorizationCodeFlowTests.authorizePath()).redirectParameters["code"])
            try await Self.restrictProfile(server) {
                $0.loginIPRanges = ["10.0.0.0/8", "2001:db8::/32"].compactMap { IPRange($0) }
            }

            // authorize over the session, and a fresh sign-in, from outside the ranges.
            browser.forwardedFor = "203.0.113.9"
            let sso = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(sso.redirectParameters["error"] == "access_denied")
            #expect(sso.redirectParameters["reason"] == "ip_restricted")
            #expect(
                sso.redirectParameters["error_description"]
                    == "IP restricted: the client's address is outside the login IP ranges of the user's profile")
            let fresh = Browser(client: server.client)
            fresh.forwardedFor = "2001:db9::1"
            let login = try await fresh.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(fresh))
            #expect(login.redirectParameters["reason"] == "ip_restricted")
            // code exchange, refresh, client credentials for the run-as user, the JWT bearer grant.
            Self.expectRefused(try await away.exchange(code), "ip_restricted", "code exchange")
            Self.expectRefused(try await away.refresh(refresh), "ip_restricted", "refresh")
            Self.expectRefused(try await away.clientCredentials("jwt-app"), "ip_restricted", "client credentials")
            let bearer = try await away.jwtBearer(try ServerFixture.assertion(key))
            Self.expectRefused(bearer, "ip_restricted", "JWT bearer")
            // The refusal is in login history with the address and the check that failed.
            let event = try await server.loginEvent(traceID: try #require(bearer.json["trace_id"] as? String))
            #expect(event.reason == "ip_restricted")
            #expect(event.clientIP == "203.0.113.9")
            #expect(event.checks?.last?.name == "login_ip_ranges")
            #expect(event.checks?.last?.passed == false)

            // From inside the ranges every grant goes on; a token's use is never checked.
            let refreshed = try await office.refresh(refresh)
            #expect(refreshed.status == 200)
            let access = try #require(refreshed.json["access_token"] as? String)
            #expect(try await away.isActive(access), "introspection is not checked")
            let userinfo = try await away.raw(
                "/userinfo", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(userinfo.status == 200, "userinfo is not checked")
            #expect(try await server.from("2001:db8::5").clientCredentials("jwt-app").status == 200)

            // enforce-relax-refresh: a refresh from anywhere, every other grant still checked.
            try await server.updateApp("jwt-app") { $0.ipRelaxation = .enforceRelaxRefresh }
            let roaming = try await away.refresh(try #require(refreshed.json["refresh_token"] as? String))
            #expect(roaming.status == 200)
            Self.expectRefused(try await away.clientCredentials("jwt-app"), "ip_restricted")
            // relax: no IP check for the app, but the JWT bearer grant's.
            try await server.updateApp("jwt-app") { $0.ipRelaxation = .relax }
            #expect(try await away.clientCredentials("jwt-app").status == 200)
            #expect(try await browser.get(AuthorizationCodeFlowTests.authorizePath()).redirectParameters["code"] != nil)
            Self.expectRefused(
                try await away.jwtBearer(try ServerFixture.assertion(key)), "ip_restricted",
                "the JWT bearer grant always enforces")
            // The app's trusted ranges let its servers through, even on the JWT bearer grant.
            try await server.updateApp("jwt-app") {
                $0.ipRelaxation = .enforce
                $0.trustedIPRanges = [IPRange("203.0.113.0/24")].compactMap { $0 }
            }
            #expect(try await away.jwtBearer(try ServerFixture.assertion(key)).status == 200)
            #expect(try await away.clientCredentials("jwt-app").status == 200)
            Self.expectRefused(try await server.from("198.51.100.1").clientCredentials("jwt-app"), "ip_restricted")
            // Other apps keep the profile's ranges.
            Self.expectRefused(try await away.clientCredentials("opaque-app"), "ip_restricted")
        }
    }

    @Test(arguments: TestBackend.available)
    func outsideTheProfilesLoginHoursEveryGrantIsRefused(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            let key = try await server.enableAssertions("jwt-app")
            let browser = Browser(client: server.client)
            let refresh = try await connect(server, browser)
            // Today (UTC), the hour it is now and the next: three hours on, it is outside (or another day, not
            // listed).
            let utc = try #require(LoginHours(timeZone: "UTC", days: [:]))
            let (day, minute) = utc.localTime(clock.now)
            let start = minute / 60 * 60
            let window = try #require(
                LoginHours.windows(parsing: Self.clock(start) + "-" + Self.clock(min(start + 120, 1_440))))
            let today = LoginHours(timeZone: "UTC", days: [day: window])
            try await Self.restrictProfile(server) { $0.loginHours = today }
            let refreshed = try await server.refresh(refresh)
            #expect(refreshed.status == 200, "within the hours")
            let current = try #require(refreshed.json["refresh_token"] as? String)
            let code = try #require(
                try await browser.get(AuthorizationCodeFlowTests.authorizePath()).redirectParameters["code"])
            // Hours on another weekday only: the code, issued a moment ago, is refused at its exchange.
            let tomorrow = LoginHours.Weekday.allCases[((LoginHours.Weekday.allCases.firstIndex(of: day) ?? 0) + 1) % 7]
            try await Self.restrictProfile(server) {
                $0.loginHours = LoginHours(timeZone: "UTC", days: [tomorrow: window])
            }
            Self.expectRefused(try await server.exchange(code), "outside_login_hours", "code exchange")
            try await Self.restrictProfile(server) { $0.loginHours = today }

            clock.advance(by: 3 * 3_600)
            // The session may have ended meanwhile: a fresh sign-in.
            let fresh = Browser(client: server.client)
            let signIn = try await fresh.post("/login", form: try await AuthorizationCodeFlowTests.loginForm(fresh))
            #expect(signIn.redirectParameters["reason"] == "outside_login_hours")
            #expect(signIn.redirectParameters["error_description"] == "outside the login hours of the user's profile")
            Self.expectRefused(try await server.refresh(current), "outside_login_hours", "refresh")
            Self.expectRefused(try await server.clientCredentials("jwt-app"), "outside_login_hours")
            let now = Int64(clock.now.timeIntervalSince1970)
            let assertion = try ServerFixture.assertion(key) {
                $0["iat"] = .integer(now)
                $0["exp"] = .integer(now + 120)
            }
            let bearer = try await server.jwtBearer(assertion)
            Self.expectRefused(bearer, "outside_login_hours", "JWT bearer")
            let event = try await server.loginEvent(traceID: try #require(bearer.json["trace_id"] as? String))
            #expect(event.checks?.last?.name == "login_hours")
            #expect(event.checks?.last?.detail.contains("outside profile System Administrator's login hours") == true)

            // An app that relaxes IP restrictions (on a refresh, or altogether) skips the hours on a refresh only.
            try await server.updateApp("jwt-app") { $0.ipRelaxation = .enforceRelaxRefresh }
            #expect(try await server.refresh(current).status == 200)
            Self.expectRefused(try await server.clientCredentials("jwt-app"), "outside_login_hours")
        }
    }

    static func clock(_ minute: Int) -> String { String(format: "%02d:%02d", minute / 60, minute % 60) }
}
