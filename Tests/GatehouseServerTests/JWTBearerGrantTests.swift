import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// RFC 7523 §2.1: an integration connects as a user with an assertion signed by its registered key.
@Suite struct JWTBearerGrantTests {
    @Test(arguments: TestBackend.available)
    func aSelfAuthorizeAppNeedsTheUsersApprovalThenTheAssertionWorksOnce(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let key = try await server.enableAssertions("jwt-app")
            let refused = try await server.jwtBearer(try ServerFixture.assertion(key))
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "invalid_grant")
            #expect(refused.json["reason"] as? String == "user_not_approved")
            #expect(refused.json["error_description"] as? String == "user hasn't approved this app")

            // Alice approves the app once in the browser; the approval reaches the decision at once.
            _ = try await connect(server, Browser(client: server.client))
            let assertion = try ServerFixture.assertion(key)
            let granted = try await server.jwtBearer(assertion)
            #expect(granted.status == 200, "\(granted.json)")
            #expect(granted.json["token_type"] as? String == "Bearer")
            #expect(granted.json["refresh_token"] == nil)
            #expect(granted.json["scope"] as? String == "profile email api")
            #expect(try await server.isActive(try #require(granted.json["access_token"] as? String)))

            let replayed = try await server.jwtBearer(assertion)
            #expect(replayed.status == 400)
            #expect(replayed.json["reason"] as? String == "assertion_replayed")

            // Revoking her grants takes the approval too: the app must be approved again.
            let directory = try await server.store.loadDirectory()
            try await server.store.revokeGrants(
                of: try #require(directory.app(clientID: "jwt-app")), user: directory.user(named: "alice"),
                actor: AuditActor(name: "t"), at: Date())
            try await waitUntil {
                try await server.jwtBearer(try ServerFixture.assertion(key)).json["reason"] as? String
                    == "user_not_approved"
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func anAdminApprovedAppAdmitsOnlyPreauthorizedUsers(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let key = try await server.enableAssertions("jwt-app", algorithm: .rs256)
            try await server.updateApp("jwt-app") { $0.permittedUsers = .adminApprovedPreauthorized }
            let refused = try await server.jwtBearer(try ServerFixture.assertion(key))
            #expect(refused.json["reason"] as? String == "user_not_admin_approved")
            #expect(refused.json["error_description"] as? String == "user is not admin approved to access this app")
            try await server.grantAdminProfile("jwt-app")
            let granted = try await server.jwtBearer(try ServerFixture.assertion(key))
            #expect(granted.status == 200, "\(granted.json)")
        }
    }

    /// Each bad assertion is `invalid_grant` with a reason and a precise description; never a 500.
    @Test(arguments: TestBackend.available)
    func badAssertionsAreRefusedPrecisely(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let key = try await server.enableAssertions("jwt-app")
            try await server.updateApp("jwt-app") { $0.permittedUsers = .adminApprovedPreauthorized }
            let stranger = try SigningKey.generate(.es256)
            let now = Int64(Date().timeIntervalSince1970)
            let header = Data(#"{"alg":"ES256","typ":"JWT"}"#.utf8).base64URLEncodedString()
            let cases: [(String, String, String)] = [
                ("not.a.jwt", "assertion_invalid", "the assertion is not a well-formed signed JWT"),
                (
                    header + "." + Data("{not json".utf8).base64URLEncodedString() + ".AAAA", "assertion_invalid",
                    "the assertion is not a well-formed signed JWT"
                ),
                (
                    try ServerFixture.assertion(stranger), "assertion_invalid",
                    "the assertion's signature does not verify with the app's registered key"
                ),
                (
                    try ServerFixture.assertion(key) { $0["iss"] = .string("opaque-app") }, "assertion_invalid",
                    "the assertion's iss must be the client id jwt-app"
                ),
                (
                    try ServerFixture.assertion(key) { $0["aud"] = .string("https://elsewhere.example") },
                    "assertion_invalid", "the assertion's aud must be the issuer http://127.0.0.1:8080"
                ),
                (
                    try ServerFixture.assertion(key) { $0["exp"] = .integer(now - 600) }, "assertion_expired",
                    "the assertion has expired"
                ),
                (
                    try ServerFixture.assertion(key) { $0["exp"] = .integer(now + 86_400) }, "assertion_invalid",
                    "the assertion's exp is too far ahead (at most 600 s)"
                ),
                (
                    try ServerFixture.assertion(key) { $0["exp"] = .string("soon") }, "assertion_invalid",
                    "the assertion must carry exp"
                ),
                (
                    try ServerFixture.assertion(key) { $0["sub"] = .string("nobody") }, "user_missing",
                    "the assertion's sub names no user"
                ),
            ]
            for (assertion, reason, description) in cases {
                let response = try await server.jwtBearer(assertion)
                #expect(response.status == 400, "\(assertion)")
                #expect(response.json["error"] as? String == "invalid_grant")
                #expect(response.json["reason"] as? String == reason)
                #expect(response.json["error_description"] as? String == description)
            }
            // The profile grants the app, but an assertion without a jti cannot be checked for replay.
            try await server.grantAdminProfile("jwt-app")
            let noJTI = try await server.jwtBearer(try ServerFixture.assertion(key) { $0["jti"] = nil })
            #expect(noJTI.json["reason"] as? String == "assertion_invalid")
            let missing = try await server.post(
                "/token", ["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer"],
                basic: ("jwt-app", ServerFixture.secret))
            #expect(missing.json["error"] as? String == "invalid_request")
            // An app without the grant enabled is unauthorized_client.
            let other = try await server.jwtBearer(
                try ServerFixture.assertion(key, client: "opaque-app"), client: "opaque-app")
            #expect(other.status == 400)
            #expect(other.json["error"] as? String == "unauthorized_client")
        }
    }
}

/// Polls `condition` until it holds (fails after 10 s): for changes another node, or a reload, makes visible.
func waitUntil(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition did not hold within 10 seconds")
}
