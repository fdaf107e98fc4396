import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Impact previews, block and unblock, report-only enforcement, assertion keys and login history, from the CLI.
@Suite struct AccessAdminCommandTests {
    static let config = """
        profiles:
          - {name: Sales User}
        users:
          - {username: alice, email: alice@example.com, profile: Sales User}
          - {username: bob, email: bob@example.com, profile: Sales User}
        connectedApps:
          - {name: Deduper, clientId: deduper, callbackUrls: ["https://d.example/cb"], permittedUsers: admin-approved-preauthorized}
        """

    static let granting = """
        profiles:
          - {name: Sales User, connectedApps: [Deduper]}
        """

    @Test(arguments: TestBackend.available)
    func changesThatRemoveAccessArePreviewedAndDryRunsChangeNothing(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", "-"], input: Self.config).status == 0)
            #expect(try await cli.run(["apply", "-"], input: Self.granting).status == 0)

            let preview = try await cli.run(["profiles", "revoke-app", "Sales User", "Deduper", "--dry-run"])
            #expect(preview.status == 0, "\(preview.stderr)")
            #expect(preview.stdout.contains("Impact: 2 users would lose access; 0 live grants would end."))
            #expect(preview.stdout.contains("    alice (user_not_admin_approved): 0 live grants"))
            #expect(preview.stdout.contains("Dry run: nothing was changed."))
            #expect(try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"]).status == 0)

            let block = try await cli.run(["apps", "block", "Deduper", "--dry-run"])
            #expect(block.stdout.contains("alice (app_blocked)"))
            let deactivate = try await cli.run(["users", "deactivate", "bob", "--dry-run"])
            #expect(deactivate.stdout.contains("Impact: 1 user would lose access"))
            #expect(deactivate.stdout.contains("bob (user_inactive)"))

            // apply --dry-run shows the same impact; apply itself prints it and goes ahead without asking.
            let revoking = "profiles:\n  - {name: Sales User, connectedApps: []}\n"
            let planned = try await cli.run(["apply", "--dry-run", "-"], input: revoking)
            #expect(planned.stdout.contains("Impact: 2 users would lose access"))
            let applied = try await cli.run(["apply", "-"], input: revoking)
            #expect(applied.status == 0)
            #expect(applied.stdout.contains("Impact: 2 users would lose access"))
            #expect(try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"]).status == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func blockUnblockAndReportOnlyAreExplained(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", "-"], input: Self.config).status == 0)
            #expect(try await cli.run(["apps", "block", "Deduper", "--yes"]).status == 0)
            let blocked = try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"])
            #expect(blocked.status == 3)
            #expect(blocked.stdout.contains("reason: app_blocked (this app is blocked by admin)"))
            #expect(blocked.stdout.contains("gatehouse apps unblock Deduper"))
            #expect(try await cli.run(["apps", "unblock", "Deduper"]).status == 0)
            #expect(try await cli.run(["apps", "unblock", "Deduper"]).stdout == "Deduper is already unblocked.\n")

            #expect(try await cli.run(["apps", "set-policy", "Deduper", "--enforcement", "report-only"]).status == 0)
            let reportOnly = try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"])
            #expect(reportOnly.status == 0)
            #expect(reportOnly.stdout.contains("alice → Deduper: ALLOWED (report-only)"))
            #expect(reportOnly.stdout.contains("would refuse, but enforcement is report-only: user_not_admin_approved"))
            #expect(reportOnly.stdout.contains("gatehouse profiles grant-app 'Sales User' Deduper"))
            let shown = try await cli.run(["apps", "show", "Deduper"]).stdout
            #expect(shown.contains("enforcement:            report-only"))
            let exported = try await cli.run(["export"]).stdout
            #expect(exported.contains("enforcement: report-only"))
        }
    }

    @Test(arguments: TestBackend.available)
    func assertionKeysAreRegisteredFromFilesAndRefusedWhenUnusable(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", "-"], input: Self.config).status == 0)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let good = directory.appendingPathComponent("key.pem")
            try Data(try SigningKey.generate(.es256).verificationKey.pemRepresentation.utf8).write(to: good)
            let bad = directory.appendingPathComponent("bad.pem")
            try Data("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8).write(to: bad)

            let refused = try await cli.run(["apps", "set-policy", "Deduper", "--assertion-key-file", bad.path])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("assertionKeys[0]: must be a PEM \"PUBLIC KEY\" block"))
            let accepted = try await cli.run([
                "apps", "set-policy", "Deduper", "--assertion-key-file", good.path, "--grant-type",
                "authorization_code",
                "--grant-type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ])
            #expect(accepted.status == 0, "\(accepted.stderr)")
            #expect(try await cli.run(["apps", "show", "Deduper"]).stdout.contains("assertion keys:         1"))
            // export writes the key as a literal block, and apply reads it back unchanged.
            let exported = try await cli.run(["export"]).stdout
            #expect(exported.contains("assertionKeys:\n  - |"))
            #expect(try await cli.run(["apply", "-"], input: exported).stdout.contains("No changes."))
        }
    }

    @Test(arguments: TestBackend.available)
    func loginHistoryFiltersAndExplainsATraceID(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", "-"], input: Self.config).status == 0)
            // Events as the server records them; the store is closed whatever happens (SQLite insists).
            let store = try await GatehouseStore.open(cli.database.location)
            do {
                let directory = try await store.loadDirectory()
                let alice = try #require(directory.user(named: "alice"))
                let app = try #require(directory.app(named: "Deduper"))
                let decision = AccessPolicy.decide(
                    user: alice, app: app, context: AccessContext(flow: .refresh, time: Date()), in: directory)
                try await store.appendLoginEvents([
                    LoginEvent(
                        occurredAt: Date().addingTimeInterval(-3_600), user: alice.id, username: "alice", app: app.id,
                        appName: app.name, flow: .authorize, result: .allowed, clientIP: "10.0.0.1",
                        traceID: "trace-old"),
                    LoginEvent(
                        occurredAt: Date(), user: alice.id, username: "alice", app: app.id, appName: app.name,
                        flow: .refresh, result: .refused, reason: "user_not_admin_approved",
                        description: "user is not admin approved to access this app", clientIP: "10.0.0.1",
                        traceID: "trace-refused", checks: decision.checks),
                    LoginEvent(
                        occurredAt: Date(), username: "mallory", app: app.id, appName: app.name, flow: .authorize,
                        result: .refused, reason: "invalid_credentials", traceID: "trace-mallory"),
                    // A typed username that tries to draw a fake "allowed admin" line and erase the real one.
                    LoginEvent(
                        occurredAt: Date().addingTimeInterval(-7_200),
                        username: "eve\n2026-12-01T09:00:00Z\tallowed\tauthorize\tadmin\u{1B}[1A\u{1B}[2K",
                        app: app.id, appName: app.name, flow: .authorize, result: .refused,
                        reason: "invalid_credentials", traceID: "trace-eve"),
                ])
            } catch {
                await store.close()
                throw error
            }
            await store.close()

            let all = try await cli.run(["login-history"])
            #expect(all.stdout.split(separator: "\n").count == 4, "the forged username stays on its own line")
            #expect(!all.stdout.contains("\u{1B}"), "no escape sequence reaches the terminal")
            #expect(all.stdout.contains(#"eve\n2026-12-01T09:00:00Z\tallowed"#))
            let forged = try await cli.run(["login-history", "show", "trace-eve"])
            #expect(forged.stdout.contains(#"user:        eve\n2026"#))
            #expect(!forged.stdout.contains("\u{1B}"))
            #expect(try await cli.run(["login-history", "--user", "alice"]).stdout.split(separator: "\n").count == 2)
            #expect(try await cli.run(["login-history", "--user", "mallory"]).stdout.contains("invalid_credentials"))
            let refused = try await cli.run(["login-history", "--result", "refused", "--app", "deduper"])
            #expect(refused.stdout.split(separator: "\n").count == 3)
            let recent = try await cli.run(["login-history", "--since", "30m", "--reason", "user_not_admin_approved"])
            #expect(recent.stdout.split(separator: "\n").count == 1)
            #expect(try await cli.run(["login-history", "--until", "30m"]).stdout.contains("trace-old"))
            #expect(
                try await cli.run(["login-history", "--since", "yesterday"]).stderr.contains("neither an ISO 8601 time")
            )

            let shown = try await cli.run(["login-history", "show", "trace-refused", "--explain"])
            #expect(shown.status == 0, "\(shown.stderr)")
            #expect(
                shown.stdout.contains(
                    "reason:      user_not_admin_approved (user is not admin approved to access this app)"))
            #expect(shown.stdout.contains("checks at the time:"))
            #expect(shown.stdout.contains("[FAIL] permitted_users"))
            #expect(shown.stdout.contains("to grant access: enable profile Sales User on app Deduper"))
            let json = try await cli.run(["login-history", "show", "trace-refused", "--explain", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((object["now"] as? [String: Any])?["reason"] as? String == "user_not_admin_approved")
            let missing = try await cli.run(["login-history", "show", "no-such-trace"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("no login event has trace id no-such-trace"))
        }
    }
}

/// Admins list approvals and withdraw them with the user's grants.
@Suite struct ApprovalsCommandTests {
    @Test(arguments: TestBackend.available)
    func approvalsAreListedAndWithdrawnWithTheGrants(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let config = """
                profiles:
                  - {name: Sales User}
                users:
                  - {username: alice, email: alice@example.com, profile: Sales User}
                connectedApps:
                  - {name: Deduper, clientId: deduper, callbackUrls: ["https://d.example/cb"], scopes: [openid, api]}
                """
            #expect(try await cli.run(["apply", "-"], input: config).status == 0)
            #expect(try await cli.run(["approvals"]).stdout == "No approvals.\n")
            let store = try await GatehouseStore.open(cli.database.location)
            do {
                let directory = try await store.loadDirectory()
                try await SQLSessionStore(store: store).recordApproval(
                    Approval(
                        user: try #require(directory.user(named: "alice")).id,
                        app: try #require(directory.app(named: "Deduper")).id, scopes: Scopes(["openid", "api"]),
                        approvedAt: Date()))
            } catch {
                await store.close()
                throw error
            }
            await store.close()

            let listed = try await cli.run(["approvals", "--app", "deduper"])
            #expect(listed.stdout.hasPrefix("Deduper\talice\topenid api\t"))
            let json = try await cli.run(["approvals", "--user", "alice", "--json"])
            let views = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(views.first?["scopes"] as? String == "openid api")
            let explained = try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"])
            #expect(explained.stdout.contains("alice approved Deduper for openid api"))

            #expect(try await cli.run(["apps", "revoke-grants", "Deduper", "--user", "alice"]).status == 0)
            #expect(try await cli.run(["approvals", "--user", "alice"]).stdout == "No approvals.\n")
        }
    }

    @Test(arguments: TestBackend.available)
    func unlockClearsAnAccountsFailedSignInsOnly(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", "-"], input: AccessAdminCommandTests.config).status == 0)
            let throttle = LoginThrottle()
            let keys = throttle.keys(account: "alice", address: "203.0.113.7").map(\.value)
            let store = try await GatehouseStore.open(cli.database.location)
            do {
                for _ in 0..<5 { try await SQLSessionStore(store: store).recordSignInFailure(keys: keys, at: Date()) }
            } catch {
                await store.close()
                throw error
            }
            await store.close()

            let unlocked = try await cli.run(["users", "unlock", "ALICE"])
            #expect(unlocked.status == 0, "\(unlocked.stderr)")
            #expect(unlocked.stdout.contains("Cleared 5 failed sign-ins of alice: they can sign in now."))
            #expect(try await cli.run(["users", "unlock", "alice"]).stdout.contains("nothing to unlock"))
            #expect(try await cli.run(["users", "unlock", "nobody"]).status != 0)
            #expect(try await cli.run(["audit"]).stdout.contains("user.sign-in-unlocked"))

            let after = try await GatehouseStore.open(cli.database.location)
            let remaining = try await SQLSessionStore(store: after).signInFailures(keys: keys, since: .distantPast)
            await after.close()
            #expect(remaining[keys[0]] == nil, "the account's failures are gone")
            #expect(remaining[keys[1]]?.count == 5, "the address's still count")
        }
    }
}
