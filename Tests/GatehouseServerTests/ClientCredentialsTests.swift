import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

@Suite struct ClientCredentialsTests {
    let secret = ServerFixture.secret

    @Test(arguments: TestBackend.available)
    func aJWTAccessTokenFollowsRFC9068AndVerifiesAgainstJWKS(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let response = try await server.clientCredentials("jwt-app")
            #expect(response.status == 200)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[HTTPField.Name("Pragma") ?? .cacheControl] == "no-cache")
            #expect(response.json["token_type"] as? String == "Bearer")
            #expect(response.json["scope"] as? String == "profile email api", "no scope asked: the app's defaults")
            #expect(response.json["refresh_token"] == nil)
            let token = try #require(response.json["access_token"] as? String)

            let jwks = try await server.raw("/jwks", method: .get)
            let keys = try #require(jwks.json["keys"] as? [[String: Any]])
            #expect(keys.count == 2)
            let parts = token.split(separator: ".")
            let header = try decodeSegment(parts[0])
            #expect(header["typ"] as? String == "at+jwt")
            #expect(keys.contains { $0["kid"] as? String == header["kid"] as? String })
            let claims = try decodeSegment(parts[1])
            for claim in ["iss", "sub", "aud", "client_id", "scope", "jti", "iat", "exp"] {
                #expect(claims[claim] != nil, "claim \(claim)")
            }
            #expect(claims["client_id"] as? String == "jwt-app")
            #expect(claims["iat"] is Int || claims["iat"] is Int64, "integer dates")

            let introspected = try await server.post("/introspect", ["token": token], basic: ("jwt-app", secret))
            #expect(introspected.json["active"] as? Bool == true)
            #expect(introspected.json["username"] as? String == "alice")
        }
    }

    @Test(arguments: TestBackend.available)
    func opaqueTokensAreStoredAsHashesAndRevocable(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let response = try await server.post(
                "/token",
                [
                    "grant_type": "client_credentials", "scope": "api", "client_id": "opaque-app",
                    "client_secret": secret,
                ])
            #expect(response.status == 200)
            let token = try #require(response.json["access_token"] as? String)
            #expect(token.hasPrefix("gha_"))
            let stored = try await server.store.sql.read { db in
                try await db.raw("SELECT token_hash FROM access_tokens").all().map {
                    try $0.decode(column: "token_hash", as: String.self)
                }
            }
            #expect(stored == [TokenValue.hash(token)], "only the hash is stored")

            let active = try await server.post("/introspect", ["token": token], basic: ("opaque-app", secret))
            #expect(active.json["active"] as? Bool == true)
            #expect(active.json["scope"] as? String == "api")
            let revoked = try await server.post("/revoke", ["token": token], basic: ("opaque-app", secret))
            #expect(revoked.status == 200)
            let after = try await server.post("/introspect", ["token": token], basic: ("opaque-app", secret))
            #expect(after.json.count == 1)
            #expect(after.json["active"] as? Bool == false)
            let unknown = try await server.post("/revoke", ["token": "never-issued"], basic: ("opaque-app", secret))
            #expect(unknown.status == 200, "RFC 7009: unknown tokens answer 200")

            for path in ["/token", "/introspect", "/revoke"] {
                let wrongMethod = try await server.raw(path, method: .get)
                #expect(wrongMethod.status == 405, "\(path)")
                #expect(wrongMethod.headers[.allow] == "POST")
                #expect(wrongMethod.headers[.cacheControl] == "no-store")
                #expect(wrongMethod.json["error"] as? String == "invalid_request")
            }

            // A public client's id is no credential: it cannot introspect (not even to learn `active: false`).
            let fresh = try await server.clientCredentials("opaque-app")
            let publicCaller = try await server.post(
                "/introspect",
                ["token": try #require(fresh.json["access_token"] as? String), "client_id": "public-app"])
            #expect(publicCaller.status == 401)
            #expect(publicCaller.json["error"] as? String == "invalid_client")
            #expect(publicCaller.json["active"] == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func clientAuthenticationFailuresAre401WithAChallenge(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            for (id, password) in [("jwt-app", "wrong-secret-xxxxxxxx"), ("nobody", secret)] {
                let response = try await server.post(
                    "/token", ["grant_type": "client_credentials"], basic: (id, password))
                #expect(response.status == 401)
                #expect(response.json["error"] as? String == "invalid_client")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
                #expect(response.json["trace_id"] as? String != nil)
            }
            let missing = try await server.post("/token", ["grant_type": "client_credentials"])
            #expect(missing.status == 401)
            let both = try await server.post(
                "/token", ["grant_type": "client_credentials", "client_secret": secret], basic: ("jwt-app", secret))
            #expect(both.status == 400)
            #expect(both.json["error"] as? String == "invalid_request")
        }
    }

    @Test(arguments: TestBackend.available)
    func everyTokenEndpointErrorHasItsRFCCodeAndStatus(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let auth = ("jwt-app", secret)
            let cases: [([String: String], Int, String)] = [
                ([:], 400, "invalid_request"),
                (["grant_type": "password"], 400, "unsupported_grant_type"),
                (["grant_type": "client_credentials", "scope": "admin"], 400, "invalid_scope"),
                (["grant_type": "client_credentials", "scope": "bad\"scope"], 400, "invalid_request"),
                (["grant_type": "authorization_code"], 400, "invalid_request"),
                (
                    ["grant_type": "authorization_code", "code": "x", "redirect_uri": "https://client.example/cb"], 400,
                    "invalid_grant"
                ),
                (["grant_type": "refresh_token", "refresh_token": "nope"], 400, "invalid_grant"),
            ]
            for (form, status, error) in cases {
                let response = try await server.post("/token", form, basic: auth)
                #expect(response.status == status, "\(form)")
                #expect(response.json["error"] as? String == error, "\(form): \(response.json)")
                #expect(response.headers[.cacheControl] == "no-store")
            }
            let publicApp = try await server.post(
                "/token", ["grant_type": "client_credentials", "client_id": "public-app"])
            #expect(publicApp.json["error"] as? String == "unauthorized_client")
            // No grant to run, no secret checked: a request that names none cannot test client secrets (the same
            // answer whether the secret is right or wrong), and it leaves no login event to look for.
            for credentials in [auth, ("jwt-app", "wrong-secret")] {
                let bogus = try await server.post("/token", ["grant_type": "bogus"], basic: credentials)
                #expect(bogus.status == 400)
                #expect(bogus.json["error"] as? String == "unsupported_grant_type")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func malformedRequestsGetInvalidRequestNeverAServerError(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            var basic = HTTPFields()
            basic[.authorization] = "Basic " + Data("jwt-app:\(secret)".utf8).base64EncodedString()
            basic[.contentType] = "application/x-www-form-urlencoded"
            let bodies = [
                "grant_type=client_credentials&grant_type=client_credentials",
                "grant_type=%ZZ",
                "grant_type=client_credentials&" + String(repeating: "x", count: 70_000),
            ]
            for body in bodies {
                let response = try await server.raw("/token", method: .post, body: body, headers: basic)
                #expect(response.status == 400, "\(body.prefix(60))")
                #expect(response.json["error"] as? String == "invalid_request")
            }
            var json = basic
            json[.contentType] = "application/json"
            let wrongType = try await server.raw(
                "/token", method: .post, body: #"{"grant_type":"client_credentials"}"#, headers: json)
            #expect(wrongType.json["error"] as? String == "invalid_request")
            let badBasic = try await server.raw(
                "/token", method: .post, body: "grant_type=client_credentials",
                headers: [.authorization: "Basic ***", .contentType: "application/x-www-form-urlencoded"])
            #expect(badBasic.status == 401)
        }
    }

    @Test(arguments: TestBackend.available)
    func blockedAppsAndInactiveRunAsUsersAreRefusedWithTheirReason(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await server.commit { directory in
                let app = try requireValue(directory.app(clientID: "jwt-app"))
                var blocked = app
                blocked.isBlocked = true
                let alice = try requireValue(directory.user(named: "alice"))
                var inactive = alice
                inactive.isActive = false
                return [.updateApp(before: app, after: blocked), .updateUser(before: alice, after: inactive)]
            }

            let blockedResponse = try await server.clientCredentials("jwt-app")
            #expect(blockedResponse.status == 401)
            #expect(blockedResponse.json["reason"] as? String == "app_blocked")
            #expect(blockedResponse.json["error_description"] as? String == "this app is blocked by admin")

            let inactiveResponse = try await server.clientCredentials("opaque-app")
            #expect(inactiveResponse.status == 400)
            #expect(inactiveResponse.json["error"] as? String == "invalid_grant")
            #expect(inactiveResponse.json["reason"] as? String == "user_inactive")
        }
    }

    @Test(arguments: TestBackend.available)
    func discoveryListsExactlyWhatIsServed(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"] {
                let document = try await server.raw(path, method: .get).json
                #expect(document["issuer"] as? String == "http://127.0.0.1:8080")
                #expect(document["token_endpoint"] as? String == "http://127.0.0.1:8080/token")
                #expect(document["introspection_endpoint"] as? String == "http://127.0.0.1:8080/introspect")
                #expect(document["revocation_endpoint"] as? String == "http://127.0.0.1:8080/revoke")
                #expect(document["code_challenge_methods_supported"] as? [String] == ["S256"])
                #expect(
                    document["introspection_endpoint_auth_methods_supported"] as? [String]
                        == ["client_secret_basic", "client_secret_post"])
                let grants = try #require(document["grant_types_supported"] as? [String])
                #expect(grants.contains("client_credentials"))
                // Omitted, both would mean "supported" (OIDC Discovery §3).
                #expect(document["request_uri_parameter_supported"] as? Bool == false)
                #expect(document["request_parameter_supported"] as? Bool == false)
            }
        }
    }
}

/// The JSON object in one base64url segment of a JWT.
func decodeSegment(_ segment: Substring) throws -> [String: Any] {
    let data = try requireValue(Data(base64URLEncoded: segment))
    return try requireValue(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}
