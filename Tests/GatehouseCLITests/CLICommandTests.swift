import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

@Suite struct CLICommandTests {
    @Test(arguments: TestBackend.available)
    func appsCreatePrintsTheSecretOnceAndStoresOnlyItsHash(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let created = try await cli.run([
                "apps", "create", "Data Deduper", "--callback-url", "https://d.example/cb",
            ])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.contains("client_id:     data-deduper"))
            let secretLine = try #require(
                created.stdout.split(separator: "\n").first { $0.hasPrefix("client_secret: ") })
            let secret = String(secretLine.dropFirst("client_secret: ".count))
            #expect(secret.count == 43)

            let shown = try await cli.run(["apps", "show", "data-deduper", "--json"])
            #expect(shown.status == 0)
            #expect(!shown.stdout.contains(secret))
            #expect(shown.stdout.contains(#""permittedUsers" : "all-users-self-authorize""#))

            let store = try await GatehouseStore.open(cli.database.location)
            let app = try #require(try await store.loadDirectory().app(clientID: "data-deduper"))
            await store.close()
            #expect(
                SecretHasher(masterKey: testMasterKey).verify(secret, against: try #require(app.secrets.first).hash))
        }
    }

    /// `users list --limit/--after` reads one page by index, in the order of the whole listing.
    @Test(arguments: TestBackend.available)
    func usersAreListedPageByPageInUsernameOrder(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            for name in ["carol", "Alice", "bob", "dave"] {
                let created = try await cli.run([
                    "users", "create", name, "--email", "\(name)@example.com", "--profile",
                    Profile.systemAdministratorName,
                ])
                #expect(created.status == 0, "\(created.stderr)")
            }
            func names(_ arguments: [String]) async throws -> [String] {
                try await cli.run(["users", "list"] + arguments).stdout.split(separator: "\n").map {
                    String($0.split(separator: "\t")[0])
                }
            }
            let whole = try await names([])
            #expect(whole == ["Alice", "bob", "carol", "dave"])
            #expect(try await names(["--limit", "2"]) == ["Alice", "bob"])
            #expect(try await names(["--limit", "2", "--after", "bob"]) == ["carol", "dave"])
            #expect(try await names(["--after", "dave"]).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func usersProfilesAndPermissionSetsAreManagedEndToEnd(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(
                try await cli.run(["apps", "create", "Deduper", "--callback-url", "https://d.example/cb"]).status == 0)
            #expect(try await cli.run(["profiles", "create", "Sales User"]).status == 0)
            #expect(try await cli.run(["permission-sets", "create", "Deduper Users"]).status == 0)
            #expect(try await cli.run(["profiles", "grant-app", "Sales User", "Deduper"]).status == 0)
            #expect(try await cli.run(["permission-sets", "grant-app", "Deduper Users", "deduper"]).status == 0)
            let created = try await cli.run(
                [
                    "users", "create", "alice", "--email", "alice@example.com", "--profile", "Sales User",
                    "--password-stdin",
                ],
                input: "correct horse battery\n")
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout == "+ user \"alice\"\n")
            let assigned = try await cli.run(["users", "assign", "ALICE", "Deduper Users"])
            #expect(assigned.stdout == "~ user \"alice\": permissionSets: [] → [Deduper Users]\n")
            #expect(try await cli.run(["users", "deactivate", "alice"]).status == 0)

            let shown = try await cli.run(["users", "show", "alice", "--json"])
            #expect(shown.stdout.contains(#""active" : false"#))
            #expect(shown.stdout.contains(#""hasPassword" : true"#))
            #expect(shown.stdout.contains(#""permissionSets" : [\#n    "Deduper Users"\#n  ]"#))
            let profile = try await cli.run(["profiles", "show", "Sales User", "--json"])
            #expect(profile.stdout.contains(#""connectedApps" : [\#n    "Deduper"\#n  ]"#))

            #expect(try await cli.run(["users", "unassign", "alice", "Deduper Users"]).status == 0)
            #expect(try await cli.run(["users", "set-profile", "alice", "System Administrator"]).status == 0)
            let audit = try await cli.run(["audit", "--target", "alice"])
            #expect(audit.stdout.split(separator: "\n").count == 5)
            #expect(audit.stdout.contains("cli:tester\tuser.created\talice"))
        }
    }

    @Test(arguments: TestBackend.available)
    func mistakesGetOneClearSentenceAndAFailingStatus(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let missingProfile = try await cli.run([
                "users", "create", "bob", "--email", "bob@example.com", "--profile", "Nope",
            ])
            #expect(missingProfile.status != 0)
            #expect(missingProfile.stderr.contains(#"no profile named "Nope""#))
            let badURL = try await cli.run(["apps", "create", "X", "--callback-url", "http://example.com/cb"])
            #expect(badURL.status != 0)
            #expect(badURL.stderr.contains(#"callbackUrls[0]: "http://example.com/cb" must use https"#))
            let badPolicy = try await cli.run(["apps", "set-policy", "X", "--refresh-token-policy", "forever"])
            #expect(badPolicy.status != 0)
            #expect(
                try await cli.run(["apps", "list"]).stdout
                    == "Gatehouse Admin Console\tgatehouse-console\tadmin-approved-preauthorized\n",
                "only the built-in console")
        }
    }

    @Test func everyCommandHasManualStyleHelp() throws {
        for command in [
            [], ["serve"], ["apply"], ["users"], ["users", "create"], ["apps", "set-policy"], ["profiles"],
        ] {
            let output = Pipe()
            let process = ChildProcess(
                CLIRunner.executable, command + ["--help"], environment: CLIRunner.environment,
                standardOutput: .pipe(output))
            try launch(process)
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(text.contains("USAGE:"), "\(command)")
            #expect(text.contains("OVERVIEW:"), "\(command)")
        }
    }
}
