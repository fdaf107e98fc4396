import Foundation
import GatehouseTestSupport
import Testing

@Suite struct AccessCommandTests {
    static let config = """
        profiles:
          - {name: Sales User}
        permissionSets:
          - {name: Deduper Users, connectedApps: [Deduper]}
        users:
          - {username: alice, email: alice@example.com, profile: Sales User}
        connectedApps:
          - {name: Deduper, clientId: deduper, callbackUrls: ["https://d.example/cb"], permittedUsers: admin-approved-preauthorized}
        """

    @Test(arguments: TestBackend.available)
    func explainNamesTheMissingGrantAndTheCommandsThatFixIt(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            #expect(try await cli.run(["apply", "-"], input: Self.config).status == 0)
            let refused = try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"])
            #expect(refused.status == 3)
            #expect(refused.stdout.contains("alice → Deduper: REFUSED"))
            #expect(
                refused.stdout.contains(
                    "reason: user_not_admin_approved (user is not admin approved to access this app)"))
            #expect(
                refused.stdout.contains(
                    "to grant access: enable profile Sales User on app Deduper, or assign permission set Deduper Users to alice"
                ))
            #expect(refused.stdout.contains("gatehouse profiles grant-app 'Sales User' Deduper"))

            let json = try await cli.run(["access", "explain", "--user", "alice", "--app", "deduper", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["allowed"] as? Bool == false)
            #expect(object["reason"] as? String == "user_not_admin_approved")
            #expect((object["checks"] as? [[String: Any]])?.count == 3)

            #expect(try await cli.run(["users", "assign", "alice", "Deduper Users"]).status == 0)
            let allowed = try await cli.run(["access", "explain", "--user", "alice", "--app", "Deduper"])
            #expect(allowed.status == 0)
            #expect(allowed.stdout.contains("ALLOWED"))
            #expect(allowed.stdout.contains("approved through permission set Deduper Users"))

            let revoked = try await cli.run(["apps", "revoke-grants", "Deduper", "--user", "alice"])
            #expect(revoked.status == 0, "\(revoked.stderr)")
            #expect(revoked.stdout == "Revoked 0 grants of alice for Deduper.\n")
            #expect(
                try await cli.run(["audit", "--target", "Deduper for alice"]).stdout.contains(
                    "connected-app.grants-revoked"))
        }
    }
}
