import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Issue 9, item 1: the sign-in throttle holds under a parallel burst. The attempt is counted before the password
/// is checked, so no burst gets more verdicts than the limit, and the server keeps answering meanwhile.
@Suite struct SignInBurstTests {
    @Test(arguments: TestBackend.available)
    func thirtyParallelGuessesGetAtMostTheLimitsVerdicts(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let page = try await browser.get("/account")
            let csrf = try #require(page.hiddenFields["csrf"])
            let cookie = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: cookie]
            // 30 wrong passwords at once: an attacker's burst. (A right password among them would clear the
            // account's failures when it is verified, as any successful sign-in does, so a burst that holds one may
            // get up to twice the limit in verdicts, depending on when it is checked: not what this test asks.)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for guess in 0..<30 {
                    let password = "guess-\(guess)"
                    group.addTask {
                        try await server.raw(
                            "/account/login", method: .post,
                            body: "csrf=\(csrf)&username=alice&password=\(password)", headers: headers
                        ).status
                    }
                }
                group.addTask { try await server.raw("/healthz", method: .get).status == 200 ? -1 : -2 }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.contains(-1), "the server answered /healthz during the burst")
            let verdicts = statuses.filter { $0 == 401 || $0 == 303 || $0 == 403 }
            #expect(verdicts.count <= LoginThrottle().maximumFailuresPerAccount, "statuses: \(statuses.sorted())")
            #expect(statuses.filter { $0 == 429 }.count >= 30 - LoginThrottle().maximumFailuresPerAccount)
            #expect(statuses.allSatisfy { [-1, 401, 303, 403, 429].contains($0) }, "statuses: \(statuses.sorted())")
            // The account is throttled now: even the right password waits.
            let after = try await server.raw(
                "/account/login", method: .post, body: "csrf=\(csrf)&username=alice&password=alice-password",
                headers: headers)
            #expect(after.status == 429)
            #expect(after.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)
        }
    }
}
