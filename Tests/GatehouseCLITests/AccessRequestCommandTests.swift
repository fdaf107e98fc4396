import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// `gatehouse access-requests list | show | approve | decline`, on the database and through a server alike: the
/// queue, why the user is refused with each way to approve, a decision applied at once, a second decision refused.
@Suite struct AccessRequestCommandTests {
    static let config = """
        profiles:
          - {name: Sales User}
        users:
          - {username: carol, email: carol@example.com, profile: Sales User}
        permissionSets:
          - {name: Deduper Users, connectedApps: [Deduper]}
        connectedApps:
          - {name: Deduper, clientId: deduper, callbackUrls: ["https://d.example/cb"], permittedUsers: admin-approved-preauthorized}
          - {name: Ticket Desk, clientId: desk, callbackUrls: ["https://t.example/cb"], permittedUsers: admin-approved-preauthorized}
        """

    /// carol's requests for Deduper and Ticket Desk on `cli`'s database: their ids.
    static func requests(_ cli: CLIRunner) async throws -> (deduper: String, desk: String) {
        #expect(try await cli.run(["apply", "-"], input: config).status == 0)
        let store = try await GatehouseStore.open(cli.database.location)
        do {
            let directory = try await store.loadDirectory()
            let carol = try #require(directory.user(named: "carol")).id
            var ids: [String] = []
            for (index, (name, note)) in [("Deduper", "for the\tQ4 clean-up"), ("Ticket Desk", "")].enumerated() {
                let app = try #require(directory.app(named: name)).id
                let made = try await store.requestAccess(
                    AccessRequest(
                        user: carol, app: app, note: note, requestedAt: Date().addingTimeInterval(Double(index))))
                ids.append(made.request.id.rawValue)
            }
            await store.close()
            return (ids[0], ids[1])
        } catch {
            await store.close()
            throw error
        }
    }

    @Test(arguments: TestBackend.available)
    func requestsAreListedExplainedApprovedAndDeclinedTheSameOnTheDatabaseAndThroughAServer(backend: TestBackend)
        async throws
    {
        try await RemoteCLITests.withTwins(backend) { twins in
            let local = try await Self.requests(twins.local)
            let remote = try await Self.requests(twins.served)
            func both(_ build: (String, String) -> [String]) async throws -> String {
                var (l, r) = try await twins.both(
                    local: build(local.deduper, local.desk), remote: build(remote.deduper, remote.desk))
                // Who decided: the operating-system user here, the API's admin and app there.
                (l, r) = (
                    l.replacing("cli:tester", with: "<admin>"), r.replacing("api:admin via automation", with: "<admin>")
                )
                #expect(l == r, "gatehouse \(build(local.deduper, local.desk).joined(separator: " "))")
                return l
            }
            let listed = try await both { _, _ in ["access-requests", "list"] }
            #expect(listed.contains("\tpending\t<time>\tcarol\tDeduper\tfor the Q4 clean-up"), "\(listed)")
            #expect(listed.contains("\tpending\t<time>\tcarol\tTicket Desk\t\n"), "\(listed)")
            let shown = try await both { deduper, _ in ["access-requests", "show", deduper] }
            #expect(shown.contains("carol asked for Deduper at <time>: pending"), "\(shown)")
            #expect(shown.contains("Now refused: user is not admin approved to access this app"), "\(shown)")
            #expect(shown.contains("--profile 'Sales User'  enable profile Sales User on app Deduper"), "\(shown)")
            #expect(
                shown.contains("--permission-set 'Deduper Users'  assign permission set Deduper Users to carol"),
                "\(shown)")
            _ = try await both { deduper, _ in ["access-requests", "show", deduper, "--json"] }

            // Mistakes are refused with what to do, and change nothing.
            let neither = try await both { deduper, _ in ["access-requests", "approve", deduper] }
            #expect(neither.hasPrefix("status 64"), "\(neither)")
            let wrong = try await both { _, desk in
                ["access-requests", "approve", desk, "--permission-set", "Deduper Users"]
            }
            #expect(wrong.contains("does not grant Ticket Desk"), "\(wrong)")
            _ = try await both { _, _ in ["access-requests", "show", "no-such-request"] }

            let approved = try await both { deduper, _ in
                ["access-requests", "approve", deduper, "--permission-set", "Deduper Users"]
            }
            #expect(approved.hasPrefix("status 0"), "\(approved)")
            #expect(approved.contains("approved carol's request for Deduper through permission set Deduper Users"))
            let explained = try await both { _, _ in ["access", "explain", "--user", "carol", "--app", "Deduper"] }
            #expect(explained.hasPrefix("status 0"), "in force at once: \(explained)")
            let again = try await both { deduper, _ in ["access-requests", "decline", deduper] }
            #expect(again.contains("already approved by"), "\(again)")
            #expect(!again.hasPrefix("status 0"))

            let declined = try await both { _, desk in
                ["access-requests", "decline", desk, "--note", "Ask your manager", "--json"]
            }
            #expect(declined.contains(#""state" : "declined""#) || declined.contains(#""state":"declined""#))
            #expect(try await both { _, _ in ["access-requests", "list"] }.contains("No pending access requests."))
            let all = try await both { _, _ in ["access-requests", "list", "--state", "all", "--json"] }
            #expect(all.contains("Ask your manager") && all.contains("Deduper Users"), "\(all)")
            let audit = try await twins.local.run(["audit", "--target", "carol"])
            #expect(audit.stdout.contains("user.access-request-approved"), "\(audit.stdout)")
            #expect(audit.stdout.contains("user.access-request-declined"), "\(audit.stdout)")
        }
    }
}
