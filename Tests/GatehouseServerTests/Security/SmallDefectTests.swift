import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Issue 9, item 10: the smaller defects, each over HTTP or on the files themselves.
@Suite struct SmallDefectTests {
    @Test(arguments: TestBackend.available)
    func invalidClientSaysTheSameForPublicAndConfidentialApps(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let form = ["grant_type": "client_credentials"]
            let publicWithSecret = try await server.post("/token", form, basic: ("public-app", "guess"))
            let confidentialWrong = try await server.post("/token", form, basic: ("jwt-app", "guess"))
            let unknown = try await server.post("/token", form, basic: ("no-such-app", "guess"))
            let publicIntrospects = try await server.post("/introspect", ["token": "x", "client_id": "public-app"])
            for response in [publicWithSecret, confidentialWrong, unknown, publicIntrospects] {
                #expect(response.status == 401)
                #expect(response.json["error"] as? String == "invalid_client")
                #expect(response.json["error_description"] as? String == "client authentication failed")
                #expect(response.json["reason"] as? String == "client_authentication_failed")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aNativeAppsLoopbackCallbackMayComeOnAnyPort(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            // public-app registered http://127.0.0.1:9/cb; the CLI listens wherever the OS gave it a port.
            let path = AuthorizationCodeFlowTests.authorizePath(
                client: "public-app", redirect: "http://127.0.0.1:53111/cb", extra: ["scope": "openid"])
            let login = try await browser.get(path)
            #expect(login.status == 200, "\(login.body)")
            let elsewhere = try await browser.get(
                AuthorizationCodeFlowTests.authorizePath(client: "public-app", redirect: "http://127.0.0.1:53111/other")
            )
            #expect(elsewhere.status == 400, "the path must still match exactly")
        }
    }

    @Test func aNewSQLiteDatabaseAndItsWALAreReadableByTheirOwnerOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gh-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("gatehouse.sqlite").path
        let store = try await GatehouseStore.open(.sqlite(path: path))
        _ = try await store.loadDirectory()
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file) has mode \(String(mode ?? 0, radix: 8))")
        }
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        await store.close()
    }
}

/// `--trusted-proxies`: behind a proxy, the client is the forwarded address, so one address's failures do not lock
/// out everyone the proxy serves; without the setting the headers are ignored.
@Suite struct TrustedProxyTests {
    static func signIn(_ server: ServerFixture, from address: String, csrf: String, cookie: String) async throws -> Int
    {
        try await server.raw(
            "/account/login", method: .post, body: "csrf=\(csrf)&username=nobody-\(UUID().uuidString)&password=x",
            headers: [
                .contentType: "application/x-www-form-urlencoded", .cookie: cookie, .xForwardedFor: address,
            ]
        ).status
    }

    static func csrf(_ server: ServerFixture) async throws -> (token: String, cookie: String) {
        let browser = Browser(client: server.client)
        let page = try await browser.get("/account")
        return (
            try #require(page.hiddenFields["csrf"]),
            browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        )
    }

    @Test(arguments: TestBackend.available)
    func behindATrustedProxyTheThrottleCountsEachClientAddress(backend: TestBackend) async throws {
        let behindProxy: @Sendable (inout ServerConfiguration) -> Void = {
            $0.trustedProxies = [IPRange("127.0.0.0/8")].compactMap { $0 }
        }
        try await ServerFixture.run(backend, configure: behindProxy) { server in
            let (csrf, cookie) = try await Self.csrf(server)
            for _ in 0..<LoginThrottle().maximumFailuresPerAddress {
                #expect(try await Self.signIn(server, from: "198.51.100.7", csrf: csrf, cookie: cookie) == 401)
            }
            #expect(try await Self.signIn(server, from: "198.51.100.7", csrf: csrf, cookie: cookie) == 429)
            #expect(
                try await Self.signIn(server, from: "198.51.100.8", csrf: csrf, cookie: cookie) == 401,
                "another client behind the same proxy is not locked out")

            let response = try await server.raw(
                "/token", method: .post, body: "grant_type=client_credentials&client_id=jwt-app&client_secret=wrong",
                headers: [.contentType: "application/x-www-form-urlencoded", .xForwardedFor: "203.0.113.50"])
            let event = try await server.loginEvent(traceID: try #require(response.json["trace_id"] as? String))
            #expect(event.clientIP == "203.0.113.50")
        }
    }

    @Test(arguments: TestBackend.available)
    func withoutTrustedProxiesForwardedHeadersAreIgnored(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let response = try await server.raw(
                "/token", method: .post, body: "grant_type=client_credentials&client_id=jwt-app&client_secret=wrong",
                headers: [.contentType: "application/x-www-form-urlencoded", .xForwardedFor: "203.0.113.50"])
            let event = try await server.loginEvent(traceID: try #require(response.json["trace_id"] as? String))
            #expect(event.clientIP == "127.0.0.1")
        }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For") ?? .via
}
