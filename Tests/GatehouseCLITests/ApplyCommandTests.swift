import Foundation
import GatehouseTestSupport
import Testing

@Suite struct ApplyCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/examples/deduper.yaml").standardized.path

    @Test(arguments: TestBackend.available)
    func applyIsIdempotentAndDryRunChangesNothing(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let dryRun = try await cli.run(["apply", "--dry-run", Self.example])
            #expect(dryRun.status == 0, "\(dryRun.stderr)")
            #expect(dryRun.stdout.contains(#"+ connected-app "Deduper""#))
            #expect(!(try await cli.run(["apps", "list"]).stdout.contains("Deduper")))

            let first = try await cli.run(["apply", Self.example])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.split(separator: "\n").count == 4)
            let second = try await cli.run(["apply", Self.example])
            #expect(second.stdout == "No changes.\n")
        }
    }

    @Test(arguments: TestBackend.available)
    func exportAppliedToASecondDatabaseGivesTheSameState(backend: TestBackend) async throws {
        let exported = try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", Self.example]).status == 0)
            return try await cli.run(["export"]).stdout
        }
        #expect(exported.contains("passwordHash: $scrypt$"))
        #expect(!exported.contains("alice-password"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).yaml")
        try exported.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let reexported = try await withCLI(backend) { cli in
            let applied = try await cli.run(["apply", file.path])
            #expect(applied.status == 0, "\(applied.stderr)")
            return try await cli.run(["export"]).stdout
        }
        #expect(reexported == exported)
    }

    @Test(arguments: TestBackend.available)
    func aFileWithAnyErrorChangesNothingAndNamesThePath(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let before = try await cli.run(["export"]).stdout
            let bad = """
                profiles:
                  - name: Sales User
                users:
                  - {username: alice, email: alice@example.com, profile: Sales User}
                  - {username: bob, email: bob@example.com, profile: Sales}
                """
            let outcome = try await cli.run(["apply", "-"], input: bad)
            #expect(outcome.status != 0)
            #expect(outcome.stderr.contains(#"users[1].profile: no profile named "Sales""#))
            #expect(try await cli.run(["export"]).stdout == before)

            let cases: [(yaml: String, error: String)] = [
                ("users: [unclosed", "not valid YAML"),
                ("profiles:\n  - name: A\n    colour: red\n", "profiles[0].colour: unknown key"),
                ("profiles:\n  - name: A\n  - name: a\n", #"profiles[1].name: "a" is already defined at profiles[0]"#),
                (
                    "connectedApps:\n  - {name: X, clientId: x, callbackUrls: [\"http://example.com/cb\"]}\n",
                    #"connectedApps[0].callbackUrls[0]: "http://example.com/cb" must use https"#
                ),
                (
                    "connectedApps:\n  - {name: X, clientId: x, callbackUrls: [\"https://x.example/cb\"], scopes: [\"a b\"]}\n",
                    #"connectedApps[0].scopes[0]: "a b" is not a valid scope"#
                ),
            ]
            for (yaml, error) in cases {
                let outcome = try await cli.run(["apply", "-"], input: yaml)
                #expect(outcome.status != 0, "\(yaml)")
                #expect(outcome.stderr.contains(error), "\(outcome.stderr)")
                #expect(try await cli.run(["export"]).stdout == before)
            }
        }
    }
}
