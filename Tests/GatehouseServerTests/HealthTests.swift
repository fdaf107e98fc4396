import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite struct HealthTests {
    func withApp(
        _ backend: TestBackend,
        _ body: @Sendable @escaping (any TestClientProtocol, GatehouseStore) async throws -> Void
    ) async throws {
        try await ServerFixture.run(backend) { server in try await body(server.client, server.store) }
    }

    @Test(arguments: TestBackend.available)
    func healthzAnswersWhileTheProcessIsUp(backend: TestBackend) async throws {
        try await withApp(backend) { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                #expect(response.headers[.cacheControl] == "no-store")
                let requestID = try #require(HTTPField.Name("X-Request-Id"))
                #expect(response.headers[requestID]?.isEmpty == false)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func readyzReportsTheDirectoryVersionAndSeesChangesWithinOneSecond(backend: TestBackend) async throws {
        try await withApp(backend) { client, store in
            let base = try await store.loadDirectory()
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.contains(#""database":"\#(backend.rawValue)""#))
                #expect(body.contains(#""directoryVersion":"\#(base.version)""#))
            }
            try await store.commit(
                [.createProfile(Profile(name: "Sales"))], basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let deadline = ContinuousClock.now + .seconds(1)
            var seen = false
            while !seen, ContinuousClock.now < deadline {
                seen = try await client.execute(uri: "/readyz", method: .get) { response in
                    String(buffer: response.body).contains(#""directoryVersion":"\#(base.version + 1)""#)
                }
                if !seen { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(seen, "the running server saw the change within one second")
        }
    }

    @Test(arguments: TestBackend.available)
    func unknownPathsAreNotFound(backend: TestBackend) async throws {
        try await withApp(backend) { client, _ in
            try await client.execute(uri: "/nope", method: .get) { response in #expect(response.status == .notFound) }
        }
    }
}
