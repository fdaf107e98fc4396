import Foundation
import Testing

/// `gatehouse --server URL` trusts the server with nothing but the requests it sends: a redirect is reported, not
/// followed with the token; the server's words reach the terminal escaped; a listing that does not advance stops;
/// the client secret goes to the server's own `/token` only; an expired token is renewed once. The server here is a
/// small Python one that misbehaves by path (`/redirect/…`, `/evil/…`, `/loop/…`, `/expire/…`).
@Suite struct HostileServerTests {
    static let script = #"""
        import http.server, json, sys
        log = open(sys.argv[2], "a")
        issued = [0]
        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args): pass
            def answer(self, status, body=None, headers={}):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for name, value in headers.items(): self.send_header(name, value)
                self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def handle_any(self):
                log.write(f"{self.command} {self.path} {self.headers.get('Authorization', '')}\n")
                log.flush()
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = self.path
                if path == "/ready": return self.answer(200, {})
                if path.startswith("/redirect/"):
                    return self.answer(307, None, {"Location": "http://127.0.0.1:9/stolen"})
                if path.startswith("/evil/"):
                    return self.answer(404, {"title": "Not Found", "status": 404,
                                             "detail": "no user \u001b[2J\u202eevil" + "x" * 10000})
                if path.startswith("/loop/"): return self.answer(200, {"items": [], "next": "again"})
                if path == "/expire/token":
                    issued[0] += 1
                    return self.answer(200, {"access_token": f"t{issued[0]}", "token_type": "Bearer"})
                if path.startswith("/expire/"):
                    if self.headers.get("Authorization") == "Bearer t2":
                        return self.answer(200, {"items": [], "next": None})
                    return self.answer(401, {"title": "Unauthorized", "status": 401, "detail": "expired"},
                                       {"WWW-Authenticate": 'Bearer error="invalid_token"'})
                self.answer(404, {"title": "Not Found", "status": 404, "detail": "nothing here"})
            do_GET = do_POST = do_PATCH = do_DELETE = handle_any
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """#

    /// The hostile server, started and answering, with the file it logs each request to.
    struct Hostile {
        let process: ChildProcess
        let base: String
        let log: URL

        var requests: [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        static func start() async throws -> Hostile {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = directory.appendingPathComponent("server.py")
            try HostileServerTests.script.write(to: script, atomically: true, encoding: .utf8)
            let log = directory.appendingPathComponent("requests.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let port = try freePort()
            let process = ChildProcess(
                URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, String(port), log.path],
                environment: CLIRunner.environment)
            try launch(process)
            let hostile = Hostile(process: process, base: "http://127.0.0.1:\(port)", log: log)
            guard try await RunningServer.answers(hostile.base + "/ready", while: process, within: .seconds(30)) else {
                hostile.stop()
                throw ServerDidNotStart()
            }
            return hostile
        }

        func stop() {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    static func withHostile(_ body: (Hostile) async throws -> Void) async throws {
        let hostile = try await Hostile.start()
        defer { hostile.stop() }
        try await body(hostile)
    }

    static func run(_ arguments: [String], token: String? = "token", client: (String, String)? = nil)
        async throws -> CLIRunner.Outcome
    {
        var environment = CLIRunner.environment
        environment["GATEHOUSE_TOKEN"] = token
        environment["GATEHOUSE_CLIENT_ID"] = client?.0
        environment["GATEHOUSE_CLIENT_SECRET"] = client?.1
        environment["GATEHOUSE_SERVER"] = nil
        return try await CLIRunner.execute(arguments, environment: environment)
    }

    @Test func aRedirectIsReportedAndNotFollowedWithTheToken() async throws {
        try await Self.withHostile { hostile in
            let outcome = try await Self.run(["users", "list", "--server", hostile.base + "/redirect"])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("redirects (HTTP 307) to http://127.0.0.1:9/stolen"), "\(outcome.stderr)")
            #expect(hostile.requests.filter { $0.contains("/redirect/") }.count == 1, "\(hostile.requests)")
        }
    }

    @Test func theServersWordsReachTheTerminalEscapedAndCutShort() async throws {
        try await Self.withHostile { hostile in
            let outcome = try await Self.run(["users", "show", "alice", "--server", hostile.base + "/evil"])
            #expect(outcome.status == 1)
            #expect(!outcome.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
            #expect(outcome.stderr.contains(#"no user \u{1B}[2J\u{202E}evil"#), "\(outcome.stderr.prefix(200))")
            #expect(outcome.stderr.count < 2_200, "cut short: \(outcome.stderr.count) characters")
        }
    }

    @Test func aListingThatDoesNotAdvanceStops() async throws {
        try await Self.withHostile { hostile in
            let outcome = try await Self.run(["users", "list", "--server", hostile.base + "/loop"])
            #expect(outcome.status == 1)
            #expect(outcome.stderr.contains("does not advance"), "\(outcome.stderr)")
            #expect(hostile.requests.count < 5)
        }
    }

    @Test func theSecretGoesToTheServersOwnTokenEndpointAndAnExpiredTokenIsRenewedOnce() async throws {
        try await Self.withHostile { hostile in
            let outcome = try await Self.run(
                ["users", "list", "--server", hostile.base + "/expire"], token: nil, client: ("app", "secret"))
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let requests = hostile.requests.filter { !$0.contains("/ready") }
            #expect(
                requests.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
                    "POST /expire/token", "GET /expire/admin/api/v1/users?limit=1000", "POST /expire/token",
                    "GET /expire/admin/api/v1/users?limit=1000",
                ])
            #expect(requests.last?.hasSuffix("Bearer t2") == true)
        }
    }

    @Test func aServerAddressWithCredentialsAQueryOrNoTLSIsRefusedBeforeAnythingIsSent() async throws {
        for (server, says) in [
            ("http://admin:pw@127.0.0.1:1", "user name or password"), ("http://127.0.0.1:1/?x=1", "query or fragment"),
            ("http://127.0.0.1:1/#top", "query or fragment"), ("http://gatehouse.example.com", "in clear"),
            ("ftp://127.0.0.1", "not an http"),
        ] {
            let outcome = try await Self.run(["users", "list", "--server", server])
            #expect(outcome.status == 1 && outcome.stderr.contains(says), "\(server): \(outcome.stderr)")
        }
    }

    @Test func aNegativeLimitIsRefusedOnBothPaths() async throws {
        for arguments in [["users", "list", "--limit=-1"], ["audit", "--limit=-1"]] {
            let outcome = try await Self.run(arguments + ["--server", "http://127.0.0.1:1"])
            #expect(outcome.status != 0 && outcome.stderr.contains("--limit must be 0 or more"), "\(outcome.stderr)")
        }
    }
}
