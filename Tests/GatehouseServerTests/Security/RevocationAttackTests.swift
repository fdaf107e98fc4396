import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Issue 9, items 2–4 and 7, as an attacker or a careful client library would try them over HTTP: revocation that
/// reaches JWT access tokens, codes only their own client can spend, introspection only of one's own tokens, and
/// refreshes that cannot keep what an admin took away.
@Suite struct RevocationAttackTests {
    /// Signs alice in, allows jwt-app, and exchanges the code: the code and the token response.
    static func codeAndTokens(_ server: ServerFixture) async throws -> (code: String, json: [String: Any]) {
        try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
        let redirect = try await AuthorizationCodeFlowTests.signInAndAllow(Browser(client: server.client))
        let code = try #require(redirect.redirectParameters["code"])
        let tokens = try await server.exchange(code)
        #expect(tokens.status == 200, "\(tokens.json)")
        return (code, tokens.json)
    }

    /// Whether `token` works at userinfo.
    static func userinfoAccepts(_ server: ServerFixture, _ token: String) async throws -> Bool {
        try await server.raw("/userinfo", method: .get, headers: [.authorization: "Bearer \(token)"]).status == 200
    }

    @Test(arguments: TestBackend.available)
    func aReplayedCodeEndsTheJWTAccessTokensOfItsGrant(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (code, json) = try await Self.codeAndTokens(server)
            let access = try #require(json["access_token"] as? String)
            #expect(try await server.isActive(access))
            #expect(try await Self.userinfoAccepts(server, access))

            let replay = try await server.exchange(code)
            #expect(replay.status == 400)
            #expect(replay.json["reason"] as? String == "code_reused")
            #expect(try await !server.isActive(access), "the description says the tokens have been revoked")
            #expect(try await !Self.userinfoAccepts(server, access))
        }
    }

    @Test(arguments: TestBackend.available)
    func aReusedRefreshTokenEndsTheJWTAccessTokensOfItsGrant(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (_, json) = try await Self.codeAndTokens(server)
            let first = try #require(json["refresh_token"] as? String)
            let rotated = try await server.refresh(first)
            let access = try #require(rotated.json["access_token"] as? String)
            #expect(try await server.isActive(access))

            let reuse = try await server.refresh(first)
            #expect(reuse.json["reason"] as? String == "refresh_token_reused")
            #expect(try await !server.isActive(access))
            #expect(try await !Self.userinfoAccepts(server, access))
        }
    }

    @Test(arguments: TestBackend.available)
    func revokingARefreshTokenEndsTheJWTAccessTokensOfItsGrant(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (_, json) = try await Self.codeAndTokens(server)
            let access = try #require(json["access_token"] as? String)
            let refresh = try #require(json["refresh_token"] as? String)
            let revoked = try await server.post(
                "/revoke", ["token": refresh, "token_type_hint": "refresh_token"],
                basic: ("jwt-app", ServerFixture.secret))
            #expect(revoked.status == 200)
            #expect(try await !server.isActive(access))
            #expect(try await !Self.userinfoAccepts(server, access))
            #expect(try await server.refresh(refresh).json["reason"] as? String == "refresh_token_revoked")
        }
    }

    @Test(arguments: TestBackend.available)
    func revokingAJWTAccessTokenEndsItAndOnlyIt(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (_, json) = try await Self.codeAndTokens(server)
            let access = try #require(json["access_token"] as? String)
            let refresh = try #require(json["refresh_token"] as? String)
            let sibling = try #require(try await server.refresh(refresh).json["access_token"] as? String)

            // Another app's attempt changes nothing (RFC 7009 §2.1: 200 all the same).
            let foreign = try await server.post(
                "/revoke", ["token": access], basic: ("opaque-app", ServerFixture.secret))
            #expect(foreign.status == 200)
            #expect(try await server.isActive(access))

            let revoked = try await server.post("/revoke", ["token": access], basic: ("jwt-app", ServerFixture.secret))
            #expect(revoked.status == 200)
            #expect(try await !server.isActive(access))
            #expect(try await !Self.userinfoAccepts(server, access))
            #expect(try await server.isActive(sibling), "the grant's other tokens live on")
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherClientCanNeitherSpendNorBurnACode(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let redirect = try await AuthorizationCodeFlowTests.signInAndAllow(browser)
            let code = try #require(redirect.redirectParameters["code"])
            let stolen: [String: String] = [
                "grant_type": "authorization_code", "code": code, "redirect_uri": "https://client.example/cb",
                "code_verifier": AuthorizationCodeFlowTests.verifier, "client_id": "public-app",
            ]
            // A public client with no secret, and a confidential one with its own secret.
            let byPublic = try await server.post("/token", stolen)
            #expect(byPublic.status == 400)
            #expect(byPublic.json["reason"] as? String == "code_invalid")
            var byOther = stolen
            byOther["client_id"] = nil
            let byConfidential = try await server.post("/token", byOther, basic: ("opaque-app", ServerFixture.secret))
            #expect(byConfidential.json["reason"] as? String == "code_invalid")

            let rightful = try await server.exchange(code)
            #expect(rightful.status == 200, "the rightful app's exchange still works: \(rightful.json)")
            let access = try #require(rightful.json["access_token"] as? String)
            // A second theft, of a code now used, revokes nothing of the rightful app's.
            _ = try await server.post("/token", stolen)
            #expect(try await server.isActive(access))
        }
    }

    @Test(arguments: TestBackend.available)
    func introspectionAnswersOnlyForTheCallersOwnTokensUnlessItIsAResourceServer(backend: TestBackend)
        async throws
    {
        try await ServerFixture.run(backend) { server in
            let (_, json) = try await Self.codeAndTokens(server)
            let access = try #require(json["access_token"] as? String)
            let refresh = try #require(json["refresh_token"] as? String)
            func introspect(_ token: String, as client: String) async throws -> [String: Any] {
                let response = try await server.post(
                    "/introspect", ["token": token], basic: (client, ServerFixture.secret))
                #expect(response.status == 200)
                return response.json
            }
            #expect(try await introspect(access, as: "jwt-app")["active"] as? Bool == true)
            #expect(try await introspect(refresh, as: "jwt-app")["active"] as? Bool == true)
            for token in [access, refresh] {
                let foreign = try await introspect(token, as: "opaque-app")
                #expect(foreign.count == 1 && foreign["active"] as? Bool == false, "nothing about another app's token")
            }

            try await server.updateApp("opaque-app") { $0.introspectsAllTokens = true }
            let asResourceServer = try await introspect(access, as: "opaque-app")
            #expect(asResourceServer["active"] as? Bool == true)
            #expect(asResourceServer["client_id"] as? String == "jwt-app")
            #expect(
                try await introspect(refresh, as: "opaque-app")["active"] as? Bool == false,
                "never another app's refresh token")
            let audit = try await server.store.auditEvents(AuditQuery(target: "opaque-app"))
            #expect(audit.contains { $0.after?.contains(#""introspectAllTokens":true"#) == true })
        }
    }

    @Test(arguments: TestBackend.available)
    func aRefreshCannotKeepAScopeTheAdminRemoved(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let (_, json) = try await Self.codeAndTokens(server)
            let refresh = try #require(json["refresh_token"] as? String)
            #expect((json["scope"] as? String)?.contains("email") == true)
            try await server.updateApp("jwt-app") { $0.scopes.removeAll { $0 == "email" } }

            let refreshed = try await server.refresh(refresh)
            #expect(refreshed.status == 200)
            #expect(refreshed.json["scope"] as? String == "openid profile offline_access")
            let access = try #require(refreshed.json["access_token"] as? String)
            let claims = try decodeSegment(access.split(separator: ".")[1])
            #expect(claims["scope"] as? String == "openid profile offline_access")

            let next = try #require(refreshed.json["refresh_token"] as? String)
            let asked = try await server.post(
                "/token", ["grant_type": "refresh_token", "refresh_token": next, "scope": "openid email"],
                basic: ("jwt-app", ServerFixture.secret))
            #expect(asked.status == 400)
            #expect(asked.json["error"] as? String == "invalid_scope")
        }
    }
}
