import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Helpers for the access-policy tests: policy switches, JWT bearer assertions, login history lookups.
extension ServerFixture {
    /// `X-Request-Id`: the trace id of every response.
    static let requestID = HTTPField.Name("X-Request-Id") ?? .contentType

    /// Changes one app's policies and waits until the server has them.
    func updateApp(_ clientID: String, _ change: @escaping @Sendable (inout ConnectedApp) -> Void) async throws {
        try await commit { directory in
            let app = try requireValue(directory.app(clientID: clientID))
            var after = app
            change(&after)
            return [.updateApp(before: app, after: after)]
        }
    }

    /// Changes one profile's policies and waits until the server has them.
    func updateProfile(_ name: String, _ change: @escaping @Sendable (inout Profile) -> Void) async throws {
        try await commit { directory in
            let profile = try requireValue(directory.profile(named: name))
            var after = profile
            change(&after)
            return [.updateProfile(before: profile, after: after)]
        }
    }

    /// Changes one user and waits until the server has the change.
    func updateUser(_ username: String, _ change: @escaping @Sendable (inout User) -> Void) async throws {
        try await commit { directory in
            let user = try requireValue(directory.user(named: username))
            var after = user
            change(&after)
            return [.updateUser(before: user, after: after)]
        }
    }

    /// Makes alice's profile (System Administrator) grant `clientID`, pre-authorizing her for it.
    func grantAdminProfile(_ clientID: String) async throws {
        try await commit { directory in
            let profile = try requireValue(directory.profile(named: Profile.systemAdministratorName))
            var granting = profile
            granting.connectedApps.insert(try requireValue(directory.app(clientID: clientID)).id)
            return [.updateProfile(before: profile, after: granting)]
        }
    }

    /// Enables the JWT bearer grant on `clientID` with a new key's public half; returns the key to sign with.
    func enableAssertions(_ clientID: String, algorithm: SigningAlgorithm = .es256) async throws -> SigningKey {
        let key = try SigningKey.generate(algorithm)
        let pem = key.verificationKey.pemRepresentation
        try await updateApp(clientID) { app in
            app.grantTypes.insert(.jwtBearer)
            app.assertionKeys = [pem]
        }
        return key
    }

    /// A signed assertion (RFC 7523 §3) for `subject`; `edit` changes the claims before signing.
    static func assertion(
        _ key: SigningKey, client: String = "jwt-app", subject: String = "alice",
        edit: (inout JSONObject) -> Void = { _ in }
    ) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        var claims: JSONObject = [
            "iss": .string(client), "sub": .string(subject), "aud": .string("http://127.0.0.1:8080"),
            "exp": .integer(now + 120), "iat": .integer(now), "jti": .string(UUID().uuidString),
        ]
        edit(&claims)
        return try JWT.sign(claims, type: "JWT", with: key)
    }

    /// Uses a refresh token of `client` (RFC 6749 §6).
    func refresh(_ token: String, client: String = "jwt-app") async throws -> (
        status: Int, headers: HTTPFields, json: [String: Any]
    ) {
        try await post(
            "/token", ["grant_type": "refresh_token", "refresh_token": token], basic: (client, Self.secret))
    }

    /// A client-credentials token request of `client` (RFC 6749 §4.4).
    func clientCredentials(_ client: String) async throws -> (status: Int, headers: HTTPFields, json: [String: Any]) {
        try await post("/token", ["grant_type": "client_credentials"], basic: (client, Self.secret))
    }

    /// POSTs a JWT bearer token request.
    func jwtBearer(_ assertion: String, client: String = "jwt-app") async throws -> (
        status: Int, headers: HTTPFields, json: [String: Any]
    ) {
        try await post(
            "/token", ["grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion],
            basic: (client, Self.secret))
    }

    /// The login event of `traceID`, waiting for the buffered writer (fails after 10 s).
    func loginEvent(traceID: String) async throws -> LoginEvent {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if let event = try await store.loginEvents(LoginEventQuery(traceID: traceID)).first { return event }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw StorageError.notFound("no login event with trace id \(traceID) within 10 seconds")
    }

    /// Introspects `token` as each confidential fixture app; returns whether one (its own app: the others may not
    /// see it, unless flagged to introspect all tokens) says it is active. A blocked app cannot introspect at all.
    func isActive(_ token: String) async throws -> Bool {
        for client in ["jwt-app", "opaque-app"] {
            let response = try await post("/introspect", ["token": token], basic: (client, Self.secret))
            if response.status == 401 && response.json["reason"] as? String == "app_blocked" { continue }
            #expect(response.status == 200)
            if response.json["active"] as? Bool == true { return true }
        }
        return false
    }
}
