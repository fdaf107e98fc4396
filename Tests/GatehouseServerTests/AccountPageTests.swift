import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// The user's account page: sign in, see the apps with access to the account, remove one. Removing works at once
/// and as an admin's `apps revoke-grants --user` does: approval gone, refresh tokens refused, JWTs inactive.
@Suite struct AccountPageTests {
    typealias Flow = AuthorizationCodeFlowTests

    /// Authorizes `client` in a browser already signed in (consent shown and allowed); returns the tokens.
    private func authorize(_ client: String, _ browser: Browser, _ server: ServerFixture) async throws -> (
        access: String, refresh: String
    ) {
        let consent = try await browser.get(Flow.authorizePath(client: client))
        #expect(consent.body.contains("Allow \(client) to access your account?"), "\(consent.body)")
        var decision = consent.hiddenFields
        decision["decision"] = "allow"
        let redirect = try await browser.post("/consent", form: decision)
        let code = try #require(redirect.redirectParameters["code"])
        let tokens = try await server.exchange(code, client: client)
        #expect(tokens.status == 200, "\(tokens.json)")
        return (
            try #require(tokens.json["access_token"] as? String), try #require(tokens.json["refresh_token"] as? String)
        )
    }

    /// The account page's CSRF token (every form on the page carries the same one).
    private func csrf(_ page: Browser.Page) throws -> String { try #require(page.hiddenFields["csrf"]) }

    @Test(arguments: TestBackend.available)
    func aUserSeesTheAppsTheyAllowedAndRemovesOneAtOnce(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let first = try await Flow.signInAndAllow(browser)
            let jwt = try await server.exchange(try #require(first.redirectParameters["code"]))
            let jwtAccess = try #require(jwt.json["access_token"] as? String)
            let jwtRefresh = try #require(jwt.json["refresh_token"] as? String)
            let opaque = try await authorize("opaque-app", browser, server)

            let account = try await browser.get("/account")
            #expect(account.status == 200)
            #expect(account.headers[.cacheControl] == "no-store")
            #expect(account.body.contains("Signed in as <strong>alice</strong>"))
            #expect(account.body.contains("<h2>jwt-app</h2>") && account.body.contains("<h2>opaque-app</h2>"))
            #expect(account.body.contains("See your email address"))
            #expect(account.body.contains("1 active sign-in."))
            #expect(!account.body.contains("<h2>public-app</h2>"))

            // Without the form's CSRF token nothing happens.
            let forged = try await browser.post("/account/revoke", form: ["app": "jwt-app"])
            #expect(forged.status == 403)
            #expect(try await server.refresh(jwtRefresh).status == 200)
            let stillThere = try await browser.get("/account")

            let removed = try await browser.post(
                "/account/revoke", form: ["csrf": try csrf(stillThere), "app": "jwt-app"])
            #expect(removed.status == 303)
            #expect(removed.location == "/account?removed=jwt-app")
            let after = try await browser.get(try #require(removed.location))
            #expect(after.body.contains("jwt-app no longer has access to your account."))
            #expect(!after.body.contains("<h2>jwt-app</h2>"))
            #expect(after.body.contains("<h2>opaque-app</h2>"))

            // At once: the refresh token is refused, the JWT access token is inactive, the other app is untouched.
            let refused = try await server.refresh(jwtRefresh)
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "invalid_grant")
            #expect(try await server.isActive(jwtAccess) == false)
            #expect(try await server.isActive(opaque.access))
            #expect(try await server.refresh(opaque.refresh, client: "opaque-app").status == 200)

            // The approval went with it: the app asks again. The audit trail names the user.
            let again = try await browser.get(Flow.authorizePath())
            #expect(again.body.contains("Allow jwt-app to access your account?"))
            let audit = try await server.store.auditEvents()
            #expect(audit.contains { $0.actor == "user:alice" && $0.action == .connectedAppGrantsRevoked })
        }
    }

    @Test(arguments: TestBackend.available)
    func theAccountPageHasItsOwnSignIn(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let signIn = try await browser.get("/account")
            #expect(signIn.status == 200)
            #expect(signIn.body.contains(#"action="/account/login""#))
            let token = try csrf(signIn)

            let wrong = try await browser.post(
                "/account/login", form: ["csrf": token, "username": "alice", "password": "nope"])
            #expect(wrong.status == 401)
            #expect(wrong.body.contains("Incorrect username or password."))
            let unknown = try await browser.post(
                "/account/login", form: ["csrf": token, "username": "mallory", "password": "nope"])
            #expect(unknown.status == 401)
            let forged = try await browser.post(
                "/account/login", form: ["username": "alice", "password": "alice-password"])
            #expect(forged.status == 403)
            #expect(browser.cookies["gh_session"] == nil)

            // Not signed in: removing goes to the sign-in page, and nothing is revoked.
            let early = try await browser.post("/account/revoke", form: ["csrf": token, "app": "jwt-app"])
            #expect(early.status == 303)
            #expect(early.location == "/account")

            let signedIn = try await browser.post(
                "/account/login", form: ["csrf": token, "username": "alice", "password": "alice-password"])
            #expect(signedIn.status == 303)
            #expect(signedIn.location == "/account")
            #expect(browser.cookies["gh_session"] != nil)
            let empty = try await browser.get("/account")
            #expect(empty.body.contains("No apps have access to your account."))

            // The session is the same as the authorization endpoint's: no second sign-in there.
            let consent = try await browser.get(Flow.authorizePath())
            #expect(consent.body.contains("Allow jwt-app to access your account?"))

            let unknownApp = try await browser.post(
                "/account/revoke", form: ["csrf": token, "app": "no-such-app"])
            #expect(unknownApp.status == 400)
        }
    }

    @Test(arguments: TestBackend.available)
    func aDeactivatedUserCannotSignInToTheAccountPage(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Flow.setPassword(server, "alice-password")
            try await server.updateUser("alice") { $0.isActive = false }
            let browser = Browser(client: server.client)
            let token = try csrf(try await browser.get("/account"))
            let refused = try await browser.post(
                "/account/login", form: ["csrf": token, "username": "alice", "password": "alice-password"])
            #expect(refused.status == 403)
            #expect(refused.body.contains("This account is deactivated."))
            #expect(browser.cookies["gh_session"] == nil)
        }
    }
}
