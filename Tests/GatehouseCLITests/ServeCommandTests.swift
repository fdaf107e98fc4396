import AsyncHTTPClient
import Foundation
import GatehouseTestSupport
import NIOCore
import Testing

/// `gatehouse serve` as a separate process: it starts, bootstraps the admin, answers health checks, sees a
/// CLI change within one second, and stops gracefully on SIGTERM.
@Suite struct ServeCommandTests {
    @Test(arguments: TestBackend.available)
    func aRunningServerSeesACLIChangeWithinOneSecond(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let port = Int.random(in: 20_000...60_000)
            let server = Process()
            server.executableURL = CLIRunner.executable
            server.arguments = ["serve", "--port", String(port), "--database", cli.database.argument]
            var environment = CLIRunner.environment
            environment["GATEHOUSE_ADMIN_PASSWORD"] = "admin-password-for-tests"
            server.environment = environment
            let output = Pipe()
            server.standardOutput = output
            server.standardError = FileHandle.nullDevice
            try server.run()
            defer { if server.isRunning { server.terminate() } }

            let client = HTTPClient.shared
            func get(_ path: String) async -> (status: Int, body: String)? {
                guard
                    let response = try? await client.execute(
                        HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(2))
                else { return nil }
                let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
                return (Int(response.status.code), body)
            }
            var ready: (status: Int, body: String)?
            for _ in 0..<200 where ready == nil {
                ready = await get("/readyz")
                if ready == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let readyBody = try #require(ready).body
            #expect(await get("/healthz")?.status == 200)
            #expect(try cli.run(["users", "show", "admin"]).stdout.contains("System Administrator"))

            let version = try #require(
                readyBody.split(separator: "\"").drop { $0 != "directoryVersion" }.dropFirst(2).first.flatMap {
                    Int($0)
                })
            let changedAt = ContinuousClock.now
            #expect(try cli.run(["profiles", "create", "Sales"]).status == 0)
            var seenAfter: Duration?
            while seenAfter == nil, ContinuousClock.now - changedAt < .seconds(3) {
                if let body = await get("/readyz")?.body, body.contains(#""directoryVersion":"\#(version + 1)""#) {
                    seenAfter = ContinuousClock.now - changedAt
                } else {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            let delay = try #require(seenAfter, "the server never saw the change")
            // The CLI process itself takes part of this second to start and commit.
            #expect(delay < .seconds(1), "seen after \(delay)")

            server.terminate()
            server.waitUntilExit()
            #expect(server.terminationReason == .exit)
            #expect(server.terminationStatus == 0)
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(printed.contains(#"Created user "admin" with the password from GATEHOUSE_ADMIN_PASSWORD."#))
        }
    }
}
