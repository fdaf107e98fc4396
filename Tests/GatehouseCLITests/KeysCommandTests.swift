import Foundation
import GatehouseTestSupport
import Testing

@Suite struct KeysCommandTests {
    @Test(arguments: TestBackend.available)
    func rotateAddsKeysThatArePublishedBeforeTheySign(backend: TestBackend) async throws {
        try await withCLI(backend) { cli in
            let first = try await cli.run(["keys", "rotate"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("+ RS256 key"))
            #expect(first.stdout.contains("+ ES256 key"))
            let second = try await cli.run(["keys", "rotate", "--algorithm", "ES256", "--publish-for", "1h"])
            #expect(second.status == 0, "\(second.stderr)")
            let list = try await cli.run(["keys", "list"]).stdout
            #expect(list.split(separator: "\n").count == 3)
            #expect(list.contains("published, signs from"))
            let bad = try await cli.run(["keys", "rotate", "--algorithm", "HS256"])
            #expect(bad.status != 0)
        }
    }
}
