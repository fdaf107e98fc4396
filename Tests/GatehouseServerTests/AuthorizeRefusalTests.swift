import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The authorization endpoint's refusals from the access decision, each with its exact description, sent to the
/// verified callback and recorded in login history.
@Suite struct AuthorizeRefusalTests {
    @Test(arguments: TestBackend.available)
    func aBlockedAppIsRefusedBeforeAnyoneSignsIn(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await server.updateApp("jwt-app") { $0.isBlocked = true }
            let browser = Browser(client: server.client)
            let refused = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(refused.status == 302)
            #expect(refused.location?.hasPrefix("https://client.example/cb?") == true)
            let parameters = refused.redirectParameters
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["reason"] == "app_blocked")
            #expect(parameters["error_description"] == "this app is blocked by admin")
            #expect(parameters["state"] == "xyz-state")
            let event = try await server.loginEvent(traceID: try #require(parameters["trace_id"]))
            #expect(event.flow == .authorize)
            #expect(event.appName == "jwt-app")
        }
    }

    @Test(arguments: TestBackend.available)
    func anInactiveUserIsRefusedAfterSigningIn(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            try await server.updateUser("alice") { $0.isActive = false }
            let browser = Browser(client: server.client)
            let refused = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            let parameters = refused.redirectParameters
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["reason"] == "user_inactive")
            #expect(parameters["error_description"] == "user is inactive")
            let event = try await server.loginEvent(traceID: try #require(parameters["trace_id"]))
            #expect(event.username == "alice")
            #expect(event.reason == "user_inactive")
            #expect(event.checks?.map(\.name) == ["app_not_blocked", "user_active"])
        }
    }

    @Test(arguments: TestBackend.available)
    func wrongPasswordsAreInLoginHistoryWithTheAttemptedUsername(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            var form = try await AuthorizationCodeFlowTests.loginForm(browser)
            form["username"] = "mallory"
            let page = try await browser.post("/login", form: form)
            #expect(page.status == 401)
            try await waitUntil {
                try await server.store.loginEvents(LoginEventQuery(username: "mallory")).first?.reason
                    == "invalid_credentials"
            }
        }
    }
}

/// Login history is kept for the retention period (default 180 days) and purged by the background service.
@Suite struct LoginHistoryRetentionTests {
    @Test(arguments: TestBackend.available)
    func theBackgroundServicePurgesEventsPastRetention(backend: TestBackend) async throws {
        try await ServerFixture.run(backend, housekeepingInterval: .milliseconds(50)) { server in
            let now = Date()
            try await server.store.appendLoginEvents([
                LoginEvent(
                    occurredAt: now.addingTimeInterval(-181 * 86_400), username: "alice", flow: .refresh,
                    result: .allowed, traceID: "too-old"),
                LoginEvent(
                    occurredAt: now.addingTimeInterval(-179 * 86_400), username: "alice", flow: .refresh,
                    result: .allowed, traceID: "kept"),
            ])
            try await waitUntil {
                try await server.store.loginEvents(LoginEventQuery(traceID: "too-old")).isEmpty
            }
            #expect(try await server.store.loginEvents(LoginEventQuery(traceID: "kept")).count == 1)
        }
    }
}

/// Report-only enforcement on the browser flow: an unassigned user signs in and gets a code with no consent page,
/// and login history says the attempt would have been refused.
@Suite struct ReportOnlyAuthorizeTests {
    @Test(arguments: TestBackend.available)
    func anUnassignedUserGetsInAndEveryStepIsLoggedAsWouldRefuse(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await server.updateApp("jwt-app") { app in
                app.permittedUsers = .adminApprovedPreauthorized
                app.enforcement = .reportOnly
            }
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let redirect = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            let code = try #require(redirect.redirectParameters["code"], "no consent page, straight to a code")
            let tokens = try await server.exchange(code)
            #expect(tokens.status == 200)
            try await waitUntil {
                let events = try await server.store.loginEvents(LoginEventQuery(result: .wouldRefuse))
                return Set(events.map(\.flow)) == [.authorize, .codeExchange]
                    && events.allSatisfy { $0.reason == "user_not_admin_approved" }
            }
        }
    }
}
