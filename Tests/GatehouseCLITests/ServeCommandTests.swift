import AsyncHTTPClient
import Foundation
import GatehouseTestSupport
import Glibc
import NIOCore
import Testing

/// `gatehouse serve` as a separate process: it starts, bootstraps the admin, answers health checks, sees a
/// CLI change within one second, and stops gracefully on SIGTERM.
@Suite struct ServeCommandTests {
    /// Two nodes started at the same moment on a new database both come up, with one first admin between them (the
    /// later one's creation is a conflict that it takes as "already done", not a failed start).
    @Test(arguments: TestBackend.available)
    func twoNodesStartingAtOnceBothComeUpWithOneAdmin(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            var servers: [(ChildProcess, Int)] = []
            defer { for (server, _) in servers where server.isRunning { server.terminate() } }
            for _ in 0..<2 {
                let port = try freePort()
                var environment = CLIRunner.environment
                environment["GATEHOUSE_ADMIN_PASSWORD"] = "admin-password-for-tests"
                let server = ChildProcess(
                    CLIRunner.executable, ["serve", "--port", String(port), "--database", cli.database.argument],
                    environment: environment)
                servers.append((server, port))
            }
            for (server, _) in servers { try launch(server) }
            for (server, port) in servers {
                var ready = false
                let deadline = ContinuousClock.now + .seconds(60)
                while !ready, ContinuousClock.now < deadline, server.isRunning {
                    let response = try? await HTTPClient.shared.execute(
                        HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz"), timeout: .seconds(1))
                    ready = response?.status.code == 200
                    if !ready { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(
                    ready,
                    "node on port \(port) came up (exit status \(server.isRunning ? 0 : server.terminationStatus))")
            }
            let admins = try await cli.run(["users", "list"]).stdout.split(separator: "\n").filter {
                $0.hasPrefix("admin\t")
            }
            #expect(admins.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aRunningServerSeesACLIChangeWithinOneSecond(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let port = try freePort()
            var environment = CLIRunner.environment
            environment["GATEHOUSE_ADMIN_PASSWORD"] = "admin-password-for-tests"
            let output = Pipe()
            let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(port).log")
            FileManager.default.createFile(atPath: errorLog.path, contents: nil)
            let server = ChildProcess(
                CLIRunner.executable, ["serve", "--port", String(port), "--database", cli.database.argument],
                environment: environment, standardOutput: .pipe(output),
                standardError: .file(try FileHandle(forWritingTo: errorLog)))
            defer { try? FileManager.default.removeItem(at: errorLog) }
            try launch(server)
            defer { if server.isRunning { server.terminate() } }

            let client = HTTPClient.shared
            func get(_ path: String) async -> (status: Int, body: String)? {
                guard
                    let response = try? await client.execute(
                        HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(1))
                else { return nil }
                let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
                return (Int(response.status.code), body)
            }
            var ready: (status: Int, body: String)?
            let deadline = ContinuousClock.now + .seconds(60)
            while ready == nil, ContinuousClock.now < deadline, server.isRunning {
                ready = await get("/readyz")
                if ready == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            guard let readyBody = ready?.body else {
                // What a hung server was doing, then make sure it is gone.
                let threads = server.isRunning ? threadDump(server.processIdentifier) : "(it had exited)"
                if server.isRunning { kill(server.processIdentifier, SIGKILL) }
                server.waitUntilExit()
                let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
                Issue.record("the server never answered /readyz; its stderr:\n\(log)\nits threads:\n\(threads)")
                return
            }
            #expect(await get("/healthz")?.status == 200)
            #expect(try await cli.run(["users", "show", "admin"]).stdout.contains("System Administrator"))

            let version = try #require(
                readyBody.split(separator: "\"").drop { $0 != "directoryVersion" }.dropFirst(2).first.flatMap {
                    Int($0)
                })
            let changedAt = ContinuousClock.now
            #expect(try await cli.run(["profiles", "create", "Sales"]).status == 0)
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

private struct NoFreePort: Error {}

/// Every thread's stack of a running process, by gdb when it is installed: what a hung server was doing.
private func threadDump(_ pid: Int32) -> String {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb") else { return "(gdb not installed)" }
    let output = Pipe()
    let gdb = ChildProcess(
        URL(fileURLWithPath: "/usr/bin/gdb"), ["-p", String(pid), "-batch", "-ex", "thread apply all bt 30"],
        environment: CLIRunner.environment, standardOutput: .pipe(output), standardError: .pipe(output))
    guard (try? launch(gdb)) != nil else { return "(gdb did not start)" }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    gdb.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// A port nothing listens on now: bound to port 0, read back, released.
func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw NoFreePort() }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
        }
    }
    guard bound else { throw NoFreePort() }
    return Int(UInt16(bigEndian: address.sin_port))
}
