import AsyncHTTPClient
import Foundation
import GatehouseTestSupport
import NIOCore

/// `gatehouse serve` on a scratch database, started and ready (`/readyz`), for tests that drive it over HTTP.
struct RunningServer: Sendable {
    let process: ChildProcess
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts a node on `database` and waits until it is ready (a minute at most).
    static func start(on database: ScratchDatabase) async throws -> RunningServer {
        let port = try freePort()
        var environment = CLIRunner.environment
        environment["GATEHOUSE_ADMIN_PASSWORD"] = "admin-password-for-tests"
        let process = ChildProcess(
            CLIRunner.executable,
            ["serve", "--port", String(port), "--issuer", "http://127.0.0.1:\(port)", "--database", database.argument],
            environment: environment)
        try launch(process)
        let server = RunningServer(process: process, port: port)
        guard try await answers(server.base + "/readyz", while: process, within: .seconds(60)) else {
            server.stop()
            throw ServerDidNotStart()
        }
        return server
    }

    /// Whether `url` answers 200 before `process` ends and within `limit`, asked every 50 ms.
    static func answers(_ url: String, while process: ChildProcess, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline, process.isRunning {
            let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1))
            if response?.status.code == 200 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

struct ServerDidNotStart: Error {}
