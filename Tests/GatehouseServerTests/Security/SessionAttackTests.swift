import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Issue 9, items 6 and 10: browser sessions end when the user's password changes or they are deactivated (and a
/// reactivation revives none), and RP-initiated logout accepts only a matching ID token as its hint.
@Suite struct SessionAttackTests {
    typealias Flow = AuthorizationCodeFlowTests

    /// Whether the browser's session still gets a code without a password (`prompt=none`).
    static func sessionIssuesCodes(_ browser: Browser) async throws -> Bool {
        let silent = try await browser.get(Flow.authorizePath(extra: ["prompt": "none"]))
        return silent.redirectParameters["code"] != nil
    }

    @Test(arguments: TestBackend.available)
    func aPasswordChangeEndsTheUsersSessions(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            _ = try await Flow.signInAndAllow(browser)
            #expect(try await Self.sessionIssuesCodes(browser))
            #expect(try await browser.get("/account").body.contains("No apps") == false)

            try await Flow.setPassword(server, "a-new-password")
            #expect(try await !Self.sessionIssuesCodes(browser))
            #expect(try await browser.get("/account").body.contains("Sign in to see the apps"))
        }
    }

    @Test(arguments: TestBackend.available)
    func aDeactivationEndsTheUsersSessionsAndAReactivationRevivesNone(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            _ = try await Flow.signInAndAllow(browser)
            #expect(try await Self.sessionIssuesCodes(browser))

            try await server.updateUser("alice") { $0.isActive = false }
            let silent = try await browser.get(Flow.authorizePath(extra: ["prompt": "none"]))
            #expect(silent.redirectParameters["error"] == "login_required")
            try await server.updateUser("alice") { $0.isActive = true }
            #expect(try await !Self.sessionIssuesCodes(browser), "the old session stays ended")
            #expect(try await browser.get("/account").body.contains("Sign in to see the apps"))
        }
    }

    @Test(arguments: TestBackend.available)
    func logoutRefusesAnAccessTokenOrAnotherAppsIDTokenAsItsHint(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let redirect = try await Flow.signInAndAllow(browser)
            let tokens = try await server.exchange(try #require(redirect.redirectParameters["code"]))
            let idToken = try #require(tokens.json["id_token"] as? String)
            let accessToken = try #require(tokens.json["access_token"] as? String)
            // opaque-app shares the callback URL, so only the hint's audience can tell the apps apart.
            let crossApp = try await browser.get(
                "/logout?id_token_hint=\(idToken)&client_id=opaque-app&post_logout_redirect_uri=https://client.example/cb"
            )
            #expect(crossApp.status == 400)
            #expect(crossApp.body.contains("client_id is not the app the id_token_hint was issued to."))
            let accessHint = try await browser.get(
                "/logout?id_token_hint=\(accessToken)&post_logout_redirect_uri=https://client.example/cb")
            #expect(accessHint.status == 400)
            #expect(accessHint.body.contains("id_token_hint is not an ID token issued by this server."))
            #expect(try await Self.sessionIssuesCodes(browser), "neither signed the user out")

            let proper = try await browser.get(
                "/logout?id_token_hint=\(idToken)&post_logout_redirect_uri=https://client.example/cb&state=s2")
            #expect(proper.status == 303)
            #expect(proper.location == "https://client.example/cb?state=s2")
            #expect(try await !Self.sessionIssuesCodes(browser))
        }
    }
}
