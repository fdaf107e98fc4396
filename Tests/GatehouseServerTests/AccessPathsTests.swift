import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// DESIGN.md: the access decision runs on every path that mints or honours a token. Alice holds a session, a
/// refresh token, an unexchanged code, a JWT and an opaque access token; then both apps turn admin-approved and
/// her profile grants neither. Every path refuses her with the reason, and each refusal is in login history.
@Suite struct AccessPathsTests {

    @Test(arguments: TestBackend.available)
    func everyPathRefusesAUserWhoIsNotAdminApproved(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let key = try await server.enableAssertions("jwt-app")
            let browser = Browser(client: server.client)
            let refresh = try await connect(server, browser)
            let refreshed = try await server.refresh(refresh)
            let jwtAccess = try #require(refreshed.json["access_token"] as? String)
            let currentRefresh = try #require(refreshed.json["refresh_token"] as? String)
            let opaque = try await server.clientCredentials("opaque-app")
            let opaqueAccess = try #require(opaque.json["access_token"] as? String)
            // A code issued over the existing session (consent already given), left unexchanged.
            let code = try #require(
                try await browser.get(AuthorizationCodeFlowTests.authorizePath()).redirectParameters["code"])
            #expect(try await server.isActive(jwtAccess))
            #expect(try await server.isActive(opaqueAccess))

            for client in ["jwt-app", "opaque-app"] {
                try await server.updateApp(client) { $0.permittedUsers = .adminApprovedPreauthorized }
            }
            let description = "user is not admin approved to access this app"
            var traceIDs: [String] = []
            func expectTokenRefusal(_ response: (status: Int, headers: HTTPFields, json: [String: Any])) throws {
                #expect(response.status == 400)
                #expect(response.json["error"] as? String == "invalid_grant")
                #expect(response.json["reason"] as? String == "user_not_admin_approved")
                #expect(response.json["error_description"] as? String == description)
                traceIDs.append(try #require(response.json["trace_id"] as? String))
            }

            // authorize, over the existing session (SSO)…
            let sso = try await browser.backToApp(
                from: try await browser.get(AuthorizationCodeFlowTests.authorizePath()))
            #expect(sso.redirectParameters["error"] == "access_denied")
            #expect(sso.redirectParameters["reason"] == "user_not_admin_approved")
            #expect(sso.redirectParameters["error_description"] == description)
            traceIDs.append(try #require(sso.redirectParameters["trace_id"]))
            // …and with a fresh login.
            let fresh = Browser(client: server.client)
            let login = try await fresh.backToApp(
                from: try await fresh.post("/login", form: try await AuthorizationCodeFlowTests.loginForm(fresh)))
            #expect(login.redirectParameters["reason"] == "user_not_admin_approved")
            traceIDs.append(try #require(login.redirectParameters["trace_id"]))
            // code exchange, refresh, client credentials for the run-as user, the JWT bearer grant.
            try expectTokenRefusal(try await server.exchange(code))
            try expectTokenRefusal(
                try await server.refresh(currentRefresh))
            try expectTokenRefusal(
                try await server.clientCredentials("opaque-app"))
            try expectTokenRefusal(try await server.jwtBearer(try ServerFixture.assertion(key)))
            // introspection: inactive, JWT and opaque alike.
            #expect(try await server.isActive(jwtAccess) == false)
            #expect(try await server.isActive(opaqueAccess) == false)
            // userinfo: invalid_token, with the reason.
            let userinfo = try await server.raw(
                "/userinfo", method: .get, headers: [.authorization: "Bearer \(jwtAccess)"])
            #expect(userinfo.status == 401)
            #expect(userinfo.json["error"] as? String == "invalid_token")
            #expect(userinfo.json["reason"] as? String == "user_not_admin_approved")
            #expect(userinfo.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            traceIDs.append(try #require(userinfo.json["trace_id"] as? String))

            // Every refusal's trace id finds its login event, with the reason and the checks made.
            for traceID in traceIDs {
                let event = try await server.loginEvent(traceID: traceID)
                #expect(event.result == .refused)
                #expect(event.reason == "user_not_admin_approved")
                #expect(event.username == "alice")
                #expect(event.checks?.last?.name == "permitted_users")
            }
            let flows = Set(
                try await server.store.loginEvents(LoginEventQuery(result: .refused)).map(\.flow))
            #expect(
                flows == [
                    .authorize, .codeExchange, .refresh, .clientCredentials, .jwtBearer, .introspection, .userinfo,
                ])
        }
    }

    @Test(arguments: TestBackend.available)
    func successesAreInLoginHistoryToo(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = Browser(client: server.client)
            let refresh = try await connect(server, browser)
            let refreshed = try await server.refresh(refresh)
            let traceID = try #require(refreshed.headers[ServerFixture.requestID])
            let event = try await server.loginEvent(traceID: traceID)
            #expect(event.result == .allowed)
            #expect(event.flow == .refresh)
            #expect(event.appName == "jwt-app")
            #expect(event.clientIP != nil)
            let wrong = try await server.post(
                "/token", ["grant_type": "client_credentials"], basic: ("jwt-app", "nope"))
            let failed = try await server.loginEvent(traceID: try #require(wrong.json["trace_id"] as? String))
            #expect(failed.reason == "client_authentication_failed")
            #expect(failed.appName == "jwt-app")
            let authorize = try await server.store.loginEvents(LoginEventQuery(flow: .authorize))
            #expect(authorize.map(\.result) == [.allowed])
        }
    }

    @Test(arguments: TestBackend.available)
    func reportOnlyEnforcementLetsUsersInAndLogsWhatItWouldHaveRefused(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await server.updateApp("opaque-app") { app in
                app.permittedUsers = .adminApprovedPreauthorized
                app.enforcement = .reportOnly
            }
            let response = try await server.clientCredentials("opaque-app")
            #expect(response.status == 200)
            let token = try #require(response.json["access_token"] as? String)
            #expect(try await server.isActive(token))
            let traceID = try #require(response.headers[ServerFixture.requestID])
            let event = try await server.loginEvent(traceID: traceID)
            #expect(event.result == .wouldRefuse)
            #expect(event.reason == "user_not_admin_approved")
            #expect(event.description == "user is not admin approved to access this app")

            // Enforcing turns the same request into a refusal at once.
            try await server.updateApp("opaque-app") { $0.enforcement = .enforce }
            let refused = try await server.clientCredentials("opaque-app")
            #expect(refused.json["reason"] as? String == "user_not_admin_approved")
            #expect(try await server.isActive(token) == false)
        }
    }

    @Test(arguments: TestBackend.available)
    func blockingStopsEveryTokenAndUnblockingRestoresThem(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            // A resource server sees the blocked app's tokens, so this shows the block, not who is asking.
            try await server.updateApp("jwt-app") { $0.introspectsAllTokens = true }
            let response = try await server.clientCredentials("opaque-app")
            let token = try #require(response.json["access_token"] as? String)
            try await server.updateApp("opaque-app") { $0.isBlocked = true }
            #expect(try await server.isActive(token) == false)
            let refused = try await server.clientCredentials("opaque-app")
            #expect(refused.status == 401)
            #expect(refused.json["error"] as? String == "invalid_client")
            #expect(refused.json["reason"] as? String == "app_blocked")
            let event = try await server.loginEvent(traceID: try #require(refused.json["trace_id"] as? String))
            #expect(event.reason == "app_blocked")
            #expect(event.appName == "opaque-app")
            try await server.updateApp("opaque-app") { $0.isBlocked = false }
            #expect(try await server.isActive(token))
        }
    }

    @Test(arguments: TestBackend.available)
    func revokingEveryGrantOfAnAppKillsItsJWTsAtIntrospection(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let response = try await server.clientCredentials("jwt-app")
            let jwt = try #require(response.json["access_token"] as? String)
            #expect(try await server.isActive(jwt))
            // iat has whole seconds: let the second pass, so the revocation is strictly after the token.
            try await Task.sleep(for: .milliseconds(1_100))
            let directory = try await server.store.loadDirectory()
            try await server.store.revokeGrants(
                of: try #require(directory.app(clientID: "jwt-app")), user: nil, actor: AuditActor(name: "t"),
                at: Date())
            try await server.waitForVersion(directory.version + 1)
            #expect(try await server.isActive(jwt) == false)
            try await Task.sleep(for: .milliseconds(1_100))
            let fresh = try await server.clientCredentials("jwt-app")
            #expect(try await server.isActive(try #require(fresh.json["access_token"] as? String)))
        }
    }
}

/// Revoking one user's grants of an app reaches that user's JWT access tokens too: introspection refuses the ones
/// issued before the revocation, on every node (the revocation travels with the approvals).
@Suite struct RevokeUserGrantsTests {
    @Test(arguments: TestBackend.available)
    func revokingOneUsersGrantsKillsTheirJWTsAtIntrospection(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let jwt = try #require(try await server.clientCredentials("jwt-app").json["access_token"] as? String)
            let appOwn = try await server.clientCredentials("opaque-app")
            #expect(try await server.isActive(jwt))
            try await Task.sleep(for: .milliseconds(1_100))  // iat has whole seconds
            let directory = try await server.store.loadDirectory()
            try await server.store.revokeGrants(
                of: try #require(directory.app(clientID: "jwt-app")), user: directory.user(named: "alice"),
                actor: AuditActor(name: "t"), at: Date())
            try await waitUntil { try await server.isActive(jwt) == false }
            // Another app's tokens for alice are untouched; a token issued after the revocation is good.
            #expect(try await server.isActive(try #require(appOwn.json["access_token"] as? String)))
            try await Task.sleep(for: .milliseconds(1_100))
            let fresh = try #require(try await server.clientCredentials("jwt-app").json["access_token"] as? String)
            #expect(try await server.isActive(fresh))
        }
    }
}
