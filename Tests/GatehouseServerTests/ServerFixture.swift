import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import GatehouseTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A running Gatehouse on a scratch database, driven over real HTTP, with apps and a user to act with.
struct ServerFixture: Sendable {
    let client: any TestClientProtocol
    let store: GatehouseStore
    /// Sent as `X-Forwarded-For` on every request: the client's address behind a trusted proxy (``from(_:)``).
    var forwardedFor: String?

    static let secret = "deduper-secret-0123456789"

    /// Apps: `jwt-app` (JWT access tokens) and `opaque-app` (opaque), both confidential with every grant and
    /// run-as user alice; `public-app` (public, code flow); `automation` (client credentials with the scope
    /// `gatehouse.admin`, run-as alice: the admin API's caller).
    static func run(
        _ backend: TestBackend, now: @escaping @Sendable () -> Date = { Date() },
        housekeepingInterval: Duration = .seconds(60),
        configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable @escaping (ServerFixture) async throws -> Void
    ) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let profile = try requireValue(base.profile(named: Profile.systemAdministratorName))
            let alice = User(username: "alice", email: "alice@example.com", displayName: "Alice", profile: profile.id)
            let hash = SecretHasher(masterKey: testMasterKey).hash(secret)
            func app(_ name: String, format: AccessTokenFormat) -> ConnectedApp {
                ConnectedApp(
                    name: name, clientID: name, secrets: [ClientSecret(hash: hash, createdAt: Date())],
                    callbackURLs: ["https://client.example/cb"],
                    scopes: ["openid", "profile", "email", "offline_access", "api"],
                    grantTypes: [.authorizationCode, .refreshToken, .clientCredentials], runAsUser: alice.id,
                    accessTokenFormat: format)
            }
            let publicApp = ConnectedApp(
                name: "public-app", clientID: "public-app", isPublic: true, callbackURLs: ["http://127.0.0.1:9/cb"])
            let automation = ConnectedApp(
                name: "automation", clientID: "automation", secrets: [ClientSecret(hash: hash, createdAt: Date())],
                scopes: [adminScope], grantTypes: [.clientCredentials], runAsUser: alice.id)
            try await store.commit(
                [
                    .createUser(alice), .createApp(app("jwt-app", format: .jwt)),
                    .createApp(app("opaque-app", format: .opaque)),
                    .createApp(publicApp), .createApp(automation),
                ],
                basedOn: base, actor: AuditActor(name: "t"), at: Date())
            try await TestKeys.seed(store)
            var configuration = ServerConfiguration(
                directoryPollInterval: .milliseconds(50), housekeepingInterval: housekeepingInterval)
            configuration.passwordHasher = .forTesting
            configure(&configuration)
            let app = try await buildApplication(
                configuration: configuration, store: store,
                masterKey: testMasterKey, logger: Logger(label: "test"), now: now)
            try await app.test(.live) { client in try await body(ServerFixture(client: client, store: store)) }
        }
    }

    /// Commits directory changes and waits until the running server has loaded them (or fails after 10 s).
    func commit(_ change: (Directory) throws -> [DirectoryChange]) async throws {
        let directory = try await store.loadDirectory()
        let version = try await store.commit(
            try change(directory), basedOn: directory, actor: AuditActor(name: "t"), at: Date())
        try await waitForVersion(version)
    }

    /// Waits until /readyz reports at least `version`.
    func waitForVersion(_ version: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let ready = try await raw("/readyz", method: .get).json
            if let text = ready["directoryVersion"] as? String, let seen = Int64(text), seen >= version { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw StorageError.conflict("the server did not load directory version \(version) within 10 seconds")
    }

    /// Exchanges a code from the standard test authorization request (PKCE with the RFC 7636 verifier).
    func exchange(_ code: String, client: String = "jwt-app") async throws -> (
        status: Int, headers: HTTPFields, json: [String: Any]
    ) {
        try await post(
            "/token",
            [
                "grant_type": "authorization_code", "code": code, "redirect_uri": "https://client.example/cb",
                "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            ], basic: (client, Self.secret))
    }

    /// POSTs a form; returns status, headers and the parsed JSON body.
    func post(
        _ path: String, _ form: [String: String], basic: (String, String)? = nil,
        contentType: String = "application/x-www-form-urlencoded"
    ) async throws -> (status: Int, headers: HTTPFields, json: [String: Any]) {
        var headers: HTTPFields = [.contentType: contentType]
        if let (id, secret) = basic {
            headers[.authorization] = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
        }
        let body = form.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
        return try await raw(path, method: .post, body: body, headers: headers)
    }

    /// The same server, asked from `address` (with `--trusted-proxies` naming the test client's loopback).
    func from(_ address: String) -> ServerFixture {
        var fixture = self
        fixture.forwardedFor = address
        return fixture
    }

    func raw(_ path: String, method: HTTPRequest.Method, body: String = "", headers: HTTPFields = [:]) async throws
        -> (status: Int, headers: HTTPFields, json: [String: Any])
    {
        var headers = headers
        if let forwardedFor { headers[.xForwardedFor] = forwardedFor }
        return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)) {
            response in
            let data = Data(buffer: response.body)
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return (Int(response.status.code), response.headers, json)
        }
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}

/// A clock tests move by hand, injected into the server.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date = Date()) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }

    func advance(by interval: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(interval) } }
}

/// Unwraps or throws, for fixtures.
func requireValue<Value>(_ value: Value?) throws -> Value {
    guard let value else { throw StorageError.notFound("fixture value missing") }
    return value
}
