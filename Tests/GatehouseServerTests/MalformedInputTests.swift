import Foundation
import GatehouseCore
import GatehouseTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Thousands of malformed requests, made by mutating valid ones (seeded, so a failure repeats): every answer is
/// a client error or a success, never a 5xx, and the server (one process for the whole run) never traps. The
/// endpoints' JSON stays JSON.
@Suite struct MalformedInputTests {
    private func getStatus(_ uri: String, _ server: ServerFixture) async throws -> Int {
        try await server.client.execute(uri: uri, method: .get) { Int($0.status.code) }
    }

    @Test(arguments: TestBackend.available)
    func mutatedRequestsNeverGetAServerError(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let assertionKey = try await server.enableAssertions("jwt-app")
            let assertion = try ServerFixture.assertion(assertionKey)
            let token = try #require(try await server.clientCredentials("opaque-app").json["access_token"] as? String)
            let jwt = try #require(try await server.clientCredentials("jwt-app").json["access_token"] as? String)
            let basic = "Basic " + Data("jwt-app:\(ServerFixture.secret)".utf8).base64EncodedString()
            let posts: [(path: String, body: String)] = [
                ("/token", "grant_type=client_credentials&scope=api"),
                ("/token", "grant_type=refresh_token&refresh_token=\(token)&scope=openid%20api"),
                (
                    "/token",
                    "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&code_verifier=\(AuthorizationCodeFlowTests.verifier)"
                ),
                ("/token", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)"),
                ("/introspect", "token=\(token)&token_type_hint=access_token"),
                ("/introspect", "token=\(jwt)"),
                ("/revoke", "token=\(token)&token_type_hint=refresh_token"),
                ("/userinfo", "access_token=\(jwt)"),
            ]
            let gets = [
                AuthorizationCodeFlowTests.authorizePath(), "/logout?post_logout_redirect_uri=x&id_token_hint=\(jwt)",
                "/account?removed=jwt-app",
            ]
            var mutator = Mutator(seed: 20_261_130)
            var failures: [String] = []
            var unsendable = 0
            for round in 0..<250 {
                for (path, body) in posts {
                    let mutated = mutator.mutate(Array(body.utf8))
                    var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                    if round % 3 != 0 {
                        // A header value must stay printable ASCII to be sent at all: mutate within that.
                        let header = mutator.mutate(Array(basic.utf8)).filter { $0 >= 0x20 && $0 < 0x7F }
                        headers[.authorization] = String(
                            decoding: round % 3 == 1 ? Array(basic.utf8) : header, as: UTF8.self)
                    }
                    let (status, type) = try await server.client.execute(
                        uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: mutated)
                    ) { (Int($0.status.code), $0.headers[.contentType] ?? "") }
                    if status >= 500 || (path != "/userinfo" && status != 200 && !type.hasPrefix("application/json")) {
                        failures.append("\(path) \(status) \(type): \(String(decoding: mutated, as: UTF8.self))")
                    }
                }
                let path = gets[round % gets.count]
                let query = mutator.mutate(Array(path.utf8))
                    .filter { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "#") }
                let uri = String(decoding: query, as: UTF8.self)
                guard uri.hasPrefix("/") else { continue }
                // A request line the HTTP client itself refuses to send is not the server's to answer.
                guard let status = try? await getStatus(uri, server)
                else {
                    unsendable += 1
                    continue
                }
                if status >= 500 { failures.append("GET \(uri) \(status)") }
            }
            #expect(failures.isEmpty, "\(failures.prefix(10))")
            #expect(unsendable < 100, "most mutated URIs are sendable: \(unsendable) were not")
            // Still serving.
            #expect(try await server.clientCredentials("jwt-app").status == 200)
        }
    }

    @Test(arguments: TestBackend.available)
    func aNULCharacterInAFormIsRefusedBeforeItReachesTheDatabase(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.raw(
                "/token", method: .post, body: "grant_type=client_credentials&client_id=jwt%00app&client_secret=x",
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(token.status == 400)
            #expect(token.json["error"] as? String == "invalid_request")
            let admin = try await server.api(
                .get, "/users?username=al%00ice", token: try await server.adminToken())
            #expect(admin.status == 400)
            let body = try await server.api(
                .post, "/profiles", token: try await server.adminToken(), json: #"{"name": "a\u0000b"}"#)
            #expect(body.status == 422 && body.problemPaths == ["name"])
        }
    }
}
