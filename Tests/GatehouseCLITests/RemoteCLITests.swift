import Foundation
import GatehouseTestSupport
import Testing

/// `gatehouse --server URL`: the admin commands through the admin API give the same output and exit status as on
/// the database. Two databases start alike; each step runs on one with `--database` and on the other through a
/// server on it, with no database named (a database the remote run could open does not exist).
@Suite struct RemoteCLITests {
    /// Runs one command both ways.
    struct Twins: Sendable {
        let local: CLIRunner
        /// The database the server serves.
        let served: CLIRunner
        let server: RunningServer
        let environment: [String: String]

        func remote(_ arguments: [String], input: String? = nil, as clientID: String? = nil, secret: String? = nil)
            async throws -> CLIRunner.Outcome
        {
            var environment = environment
            if let clientID, let secret {
                environment["GATEHOUSE_CLIENT_ID"] = clientID
                environment["GATEHOUSE_CLIENT_SECRET"] = secret
            }
            return try await CLIRunner.execute(arguments, environment: environment, input: input)
        }

        /// The command's outcome on the database and through the server, with what is generated differently on two
        /// databases masked: secrets, secret ids, and the times of changes (a revocation's `tokensNotBefore`).
        func both(_ arguments: [String], input: String? = nil) async throws -> (local: String, remote: String) {
            try await both(local: arguments, remote: arguments, input: input)
        }

        /// Two commands that differ only in what the databases generated differently (an id), run one each way.
        func both(local localArguments: [String], remote remoteArguments: [String], input: String? = nil)
            async throws -> (local: String, remote: String)
        {
            func shown(_ outcome: CLIRunner.Outcome) -> String {
                let text = "status \(outcome.status)\n\(outcome.stdout)\(outcome.stderr)"
                return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    if line.hasPrefix("client_secret: ") { return "client_secret: <secret>" }
                    return String(line)
                        .replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "<id>")
                        .replacing(/\(ids [^)]*\)/, with: "(ids …)")
                        .replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/, with: "<time>")
                }.joined(separator: "\n")
            }
            let local = try await local.run(localArguments, input: input)
            return (shown(local), shown(try await remote(remoteArguments, input: input)))
        }
    }

    /// Two databases set up alike, the second served, and an automation app (client credentials, run as `admin`,
    /// scope `gatehouse.admin`) on both.
    static func withTwins(_ backend: TestBackend, _ body: (Twins) async throws -> Void) async throws {
        try await withCLI(backend) { local in
            try await withCLI(backend) { served in
                // The first admin, as serve bootstraps it, on both.
                try await RunningServer.start(on: local.database).stop()
                try await RunningServer.start(on: served.database).stop()
                var secret = ""
                for cli in [local, served] {
                    let created = try await cli.run([
                        "apps", "create", "Automation", "--grant-type", "client_credentials", "--scope",
                        "gatehouse.admin",
                    ])
                    #expect(created.status == 0, "\(created.stderr)")
                    secret =
                        created.stdout.split(separator: "\n").first { $0.hasPrefix("client_secret:") }
                        .map { String($0.dropFirst("client_secret:".count)).trimmingCharacters(in: .whitespaces) }
                        ?? ""
                    let runAs = try await cli.run(["apps", "set-policy", "Automation", "--run-as-user", "admin"])
                    #expect(runAs.status == 0, "\(runAs.stderr)")
                }
                let server = try await RunningServer.start(on: served.database)
                defer { server.stop() }
                var environment = CLIRunner.environment
                environment["GATEHOUSE_SERVER"] = server.base
                environment["GATEHOUSE_CLIENT_ID"] = "automation"
                environment["GATEHOUSE_CLIENT_SECRET"] = secret
                // Nothing here for a remote run to open: it must not need the database.
                environment["GATEHOUSE_DATABASE"] = "sqlite:/nonexistent/gatehouse-remote-test/none.sqlite"
                try await body(Twins(local: local, served: served, server: server, environment: environment))
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func theSeedStoryAndEveryAdminCommandPrintTheSameAgainstTheDatabaseAndAServer(backend: TestBackend)
        async throws
    {
        let document = FileManager.default.temporaryDirectory.appendingPathComponent("remote-\(UUID()).yaml")
        try """
        profiles:
          - name: Support
        users:
          - username: carol
            email: carol@example.com
            profile: Support
        connectedApps:
          - name: Ticket Desk
            callbackUrls: [https://desk.example.com/cb]
        """.write(to: document, atomically: true, encoding: .utf8)
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("remote-\(UUID()).yaml")
        try "users:\n  - username: dave\n    email: dave@example.com\n    profile: Nope\n".write(
            to: broken, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(at: document)
            try? FileManager.default.removeItem(at: broken)
        }
        let app = "Data Deduper"
        let steps: [(arguments: [String], input: String?)] = [
            (["profiles", "create", "Sales User"], nil),
            (["permission-sets", "create", "Deduper Users", "--admin-permission", "view-setup"], nil),
            (["profiles", "create", "Sales User"], nil),
            (
                [
                    "users", "create", "alice", "--email", "alice@example.com", "--profile", "Sales User",
                    "--display-name", "Alice Adams",
                ], nil
            ),
            (
                [
                    "users", "create", "bob", "--email", "bob@example.com", "--profile", "Sales User",
                    "--permission-set", "Deduper Users", "--inactive", "--password-stdin",
                ], "correct horse battery staple\n"
            ),
            (["users", "create", "eve", "--email", "eve@example.com", "--profile", "Nope"], nil),
            (["users", "assign", "alice", "Deduper Users"], nil),
            (["users", "assign", "alice", "Deduper Users"], nil),
            (["users", "assign", "alice", "Nope"], nil),
            (["apps", "create", app, "--callback-url", "https://dedupe.example.com/cb"], nil),
            (["apps", "create", "Cli Tool", "--public", "--callback-url", "http://127.0.0.1/cb"], nil),
            (["users", "list"], nil), (["users", "list", "--json"], nil),
            (["users", "list", "--limit", "1", "--after", "admin"], nil),
            (["users", "show", "alice"], nil), (["users", "show", "bob", "--json"], nil),
            (["users", "show", "nobody"], nil),
            (["apps", "list"], nil), (["apps", "show", app], nil), (["apps", "show", "data-deduper", "--json"], nil),
            (["apps", "show", "nope"], nil),
            (["profiles", "list"], nil), (["profiles", "list", "--json"], nil),
            (["permission-sets", "list"], nil), (["permission-sets", "show", "Deduper Users"], nil),
            (["permission-sets", "show", "Deduper Users", "--json"], nil), (["profiles", "show", "Nope"], nil),
            // The seed: allowed by self-authorization, the policy flip previewed and made, refused, fixed.
            (["access", "explain", "--user", "alice", "--app", app], nil),
            (["apps", "set-policy", app, "--permitted-users", "admin-approved-preauthorized", "--dry-run"], nil),
            (["apps", "set-policy", app, "--permitted-users", "admin-approved-preauthorized", "--yes"], nil),
            (["access", "explain", "--user", "alice", "--app", app], nil),
            (["access", "explain", "--user", "alice", "--app", app, "--json"], nil),
            (["permission-sets", "grant-app", "Deduper Users", "data-deduper"], nil),
            (["permission-sets", "grant-app", "Deduper Users", app], nil),
            (["access", "explain", "--user", "alice", "--app", app], nil),
            (["permission-sets", "revoke-app", "Deduper Users", app, "--dry-run"], nil),
            (["profiles", "revoke-app", "Sales User", app], nil),
            (["profiles", "grant-app", "Sales User", app], nil),
            (["users", "unassign", "alice", "Deduper Users", "--yes"], nil),
            (["users", "unassign", "alice", "Deduper Users"], nil),
            (["users", "set-profile", "alice", "Nope"], nil),
            (["users", "deactivate", "alice", "--dry-run"], nil),
            (["users", "deactivate", "alice", "--yes"], nil), (["users", "activate", "alice"], nil),
            (["users", "set-password", "alice"], "short\n"),
            (["users", "set-password", "alice"], "a long enough passphrase\n"),
            (["users", "unlock", "alice"], nil),
            (["apps", "block", app, "--yes"], nil), (["apps", "block", app], nil), (["apps", "unblock", app], nil),
            (["apps", "unblock", app], nil),
            (
                [
                    "apps", "set-policy", app, "--refresh-token-policy", "expire-after:30d", "--access-token-lifetime",
                    "10m", "--require-pkce", "on", "--scope", "openid", "--scope", "api", "--enforcement",
                    "report-only", "--access-token-format", "opaque",
                ], nil
            ),
            (["apps", "set-policy", app, "--run-as-user", "nobody"], nil),
            (["apps", "set-policy", app, "--grant-type", "client_credentials", "--run-as-user", "bob"], nil),
            (["apps", "set-policy", app, "--run-as-user", "none"], nil),
            (["apps", "show", app], nil),
            (["apps", "rotate-secret", app], nil), (["apps", "rotate-secret", app, "--retire-old"], nil),
            (["apps", "rotate-secret", app, "--retire-old"], nil), (["apps", "rotate-secret", "Cli Tool"], nil),
            (["apps", "revoke-grants", app], nil), (["apps", "revoke-grants", app, "--user", "alice"], nil),
            (["apps", "revoke-grants", app, "--user", "nobody"], nil),
            // Where and when a profile's users may sign in, and how an app applies it (issue 13).
            (
                [
                    "profiles", "set-policy", "Sales User", "--login-ip-range", "10.0.0.0/8", "--add-login-ip-range",
                    "2001:db8::/32", "--yes",
                ], nil
            ),
            (["profiles", "set-policy", "Sales User", "--login-hours", "monday=08:00-18:00"], nil),
            (
                [
                    "profiles", "set-policy", "Sales User", "--login-hours-time-zone", "Europe/Paris", "--login-hours",
                    "monday=08:00-18:00", "--login-hours", "tuesday=08:00-12:00,13:00-18:00", "--yes",
                ], nil
            ),
            (["profiles", "show", "Sales User"], nil), (["profiles", "show", "Sales User", "--json"], nil),
            (["profiles", "set-policy", "Sales User", "--login-hours", "friday=25:00-26:00"], nil),
            (["profiles", "set-policy", "Sales User", "--login-ip-range", "10.0.0.0/33"], nil),
            (["access", "explain", "--user", "alice", "--app", app, "--ip", "203.0.113.9"], nil),
            (
                [
                    "access", "explain", "--user", "alice", "--app", app, "--ip", "10.1.1.1", "--at",
                    "2027-01-11T08:30:00Z",
                ], nil
            ),
            (
                [
                    "access", "explain", "--user", "alice", "--app", app, "--at", "2027-01-12T19:00:00Z", "--flow",
                    "refresh",
                ],
                nil
            ),
            (["access", "explain", "--user", "alice", "--app", app, "--ip", "not-an-address"], nil),
            (["apps", "set-policy", app, "--ip-relaxation", "relax", "--add-trusted-ip-range", "192.0.2.0/24"], nil),
            (["apps", "set-policy", app, "--session-timeout", "2h"], nil),
            (["apps", "show", app], nil),
            (["apps", "set-policy", app, "--session-timeout", "30s"], nil),
            (["apps", "set-policy", app, "--session-timeout", "none"], nil),
            (["apps", "show", app, "--json"], nil),
            (["access", "explain", "--user", "alice", "--app", app, "--ip", "203.0.113.9"], nil),
            (
                [
                    "profiles", "set-policy", "Sales User", "--login-hours", "tuesday=none", "--remove-login-ip-range",
                    "2001:db8::/32", "--yes",
                ], nil
            ),
            (["profiles", "show", "Sales User"], nil),
            (["profiles", "set-policy", "Sales User", "--clear-login-hours", "--clear-login-ip-ranges", "--yes"], nil),
            (["profiles", "show", "Sales User", "--json"], nil),
            (["approvals"], nil), (["approvals", "--user", "alice"], nil), (["approvals", "--app", "nope"], nil),
            (["apply", document.path, "--dry-run"], nil), (["apply", document.path], nil),
            (["apply", document.path], nil), (["apply", broken.path], nil),
            (["users", "show", "carol", "--json"], nil),
            (["apps", "delete", "Cli Tool", "--dry-run"], nil), (["apps", "delete", "Cli Tool", "--yes"], nil),
            (["apps", "list", "--json"], nil),
            (["login-history", "--flow", "authorize"], nil), (["login-history", "show", "no-such-trace"], nil),
        ]
        try await Self.withTwins(backend) { twins in
            for step in steps {
                let (local, remote) = try await twins.both(step.arguments, input: step.input)
                #expect(local == remote, "gatehouse \(step.arguments.joined(separator: " "))")
            }
            // Reads whose values differ between two databases (key ids, hashes) agree in shape.
            let keys = (try await twins.local.run(["keys", "list"]), try await twins.remote(["keys", "list"]))
            #expect(keys.0.status == 0 && keys.1.status == 0)
            #expect(Self.columns(keys.0.stdout, [1, 3]) == Self.columns(keys.1.stdout, [1, 3]))
            let rotated = try await twins.remote(["keys", "rotate", "--publish-for", "0s"])
            #expect(rotated.status == 0, "\(rotated.stderr)")
            #expect(rotated.stdout.split(separator: "\n").count == 2)
            let exported = (try await twins.local.run(["export"]), try await twins.remote(["export"]))
            #expect(Self.withoutHashes(exported.0.stdout) == Self.withoutHashes(exported.1.stdout))
            #expect(exported.1.stdout.contains("clientSecretHashes"), "an admin with every permission gets hashes")
            // The audit trail names who acted: the operating-system user, or the API's admin and app.
            let audit = try await twins.remote(["audit", "--limit", "1"])
            #expect(audit.stdout.contains("api:automation via admin") || audit.stdout.contains("admin"), "\(audit)")
            let tokens = try await twins.remote(["login-history", "--flow", "client_credentials", "--json"])
            #expect(tokens.status == 0 && tokens.stdout.contains("\"Automation\""))
            // A session timeout set through the server is the app's, shown as set.
            #expect(try await twins.remote(["apps", "set-policy", app, "--session-timeout", "45m"]).status == 0)
            let shown = try await twins.remote(["apps", "show", app])
            #expect(shown.stdout.contains("session timeout:        45m"), "\(shown.stdout)")
            let tooShort = try await twins.remote(["apps", "set-policy", app, "--session-timeout", "30s"])
            #expect(tooShort.status != 0 && tooShort.stderr.contains("sessionTimeout"), "\(tooShort)")
        }
    }

    /// Through a server, a command acts with the token's admin: one without a permission is refused with the
    /// sentence naming it, changes nothing, and exits 1; no token, a wrong secret or no server is one clear line.
    @Test(arguments: TestBackend.available)
    func aServerRefusesWhatTheTokensAdminMayNotDoAndSaysWhy(backend: TestBackend) async throws {
        try await Self.withTwins(backend) { twins in
            let local = twins.local
            // On the served database (through the server itself, as the automation admin).
            for arguments in [
                ["profiles", "create", "Viewers", "--admin-permission", "view-setup"],
                ["users", "create", "viewer", "--email", "viewer@example.com", "--profile", "Viewers"],
            ] {
                #expect(try await twins.remote(arguments).status == 0)
            }
            let created = try await twins.remote([
                "apps", "create", "Viewer", "--grant-type", "client_credentials", "--scope", "gatehouse.admin",
            ])
            let secret = try #require(
                created.stdout.split(separator: "\n").first { $0.hasPrefix("client_secret:") }.map {
                    String($0.dropFirst("client_secret: ".count))
                })
            #expect(try await twins.remote(["apps", "set-policy", "Viewer", "--run-as-user", "viewer"]).status == 0)

            let viewer = { (arguments: [String]) in try await twins.remote(arguments, as: "viewer", secret: secret) }
            #expect(try await viewer(["users", "list"]).stdout.contains("viewer\tviewer@example.com"))
            let refused = try await viewer([
                "users", "create", "mallory", "--email", "m@example.com", "--profile", "Viewers",
            ])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains(#"does not have the admin permission "manage-users""#), "\(refused.stderr)")
            #expect(try await twins.remote(["users", "show", "mallory"]).status == 1, "nothing was created")
            let blocked = try await viewer(["apps", "block", "Automation", "--yes"])
            #expect(blocked.status == 1 && blocked.stderr.contains("manage-connected-apps"))
            #expect(
                try await twins.remote(["apps", "show", "Automation", "--json"]).stdout.contains(#""blocked" : false"#))
            let export = try await viewer(["export"])
            #expect(export.status == 0 && !export.stdout.contains("Hash"), "no hashes without every permission")

            let wrong = try await twins.remote(["users", "list"], as: "viewer", secret: "wrong")
            #expect(wrong.status == 1 && wrong.stderr.contains("invalid_client"), "\(wrong.stderr)")
            var environment = twins.environment
            environment["GATEHOUSE_CLIENT_ID"] = nil
            #expect(
                try await CLIRunner.execute(["users", "list"], environment: environment).stderr.contains(
                    "GATEHOUSE_TOKEN"))
            environment["GATEHOUSE_TOKEN"] = "not-a-token"
            let forged = try await CLIRunner.execute(["users", "list"], environment: environment)
            #expect(forged.status == 1 && !forged.stderr.isEmpty)
            let nowhere = try await CLIRunner.execute(
                ["users", "list", "--server", "http://127.0.0.1:1"], environment: twins.environment)
            #expect(nowhere.status == 1 && nowhere.stderr.contains("cannot reach"))
            #expect(try await local.run(["serve", "--server", twins.server.base]).status != 0)
        }
    }

    /// The given tab-separated columns (0-based) of each line.
    static func columns(_ text: String, _ indexes: [Int]) -> [[String]] {
        text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return indexes.map { $0 < fields.count ? fields[$0] : "" }
        }
    }

    /// An export without the lines that carry hashes (salted, so never alike between two databases).
    static func withoutHashes(_ yaml: String) -> [String] {
        yaml.split(separator: "\n").map(String.init).filter { !$0.contains("Hash") }
    }
}
