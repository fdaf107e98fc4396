import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The login throttle's failures live in the database, so every node counts the same ones.
@Suite struct SignInFailureTests {
    @Test(arguments: TestBackend.available)
    func failuresAreSharedBetweenNodesAndAgeOut(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, scratch in
            let other = try await GatehouseStore.open(scratch.location)  // a second node on the same database
            let nodeA = SQLSessionStore(store: store)
            let nodeB = SQLSessionStore(store: other)
            let throttle = LoginThrottle()
            let keys = throttle.keys(account: "alice", address: "203.0.113.7").map(\.value)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for minute in 0..<3 {
                try await nodeA.recordSignInFailure(keys: keys, at: start.addingTimeInterval(Double(minute) * 60))
            }
            for minute in 3..<5 {
                try await nodeB.recordSignInFailure(keys: keys, at: start.addingTimeInterval(Double(minute) * 60))
            }

            let now = start.addingTimeInterval(300)
            let seen = try await nodeB.signInFailures(keys: keys, since: throttle.cutoff(at: now))
            #expect(seen[keys[0]] == SignInFailures(count: 5, oldest: start))
            #expect(seen[keys[1]]?.count == 5)
            #expect(throttle.retryAfter(seen, keys: throttle.keys(account: "alice", address: "203.0.113.7")) != nil)

            // Past the window the oldest ones no longer count.
            let later = try await nodeA.signInFailures(keys: keys, since: start.addingTimeInterval(90))
            #expect(later[keys[0]]?.count == 3)

            // A successful sign-in clears the account's failures, not the address's; unknown keys are absent.
            try await nodeA.clearSignInFailures(key: keys[0])
            let cleared = try await nodeB.signInFailures(keys: keys + ["unknown"], since: throttle.cutoff(at: now))
            #expect(cleared[keys[0]] == nil)
            #expect(cleared[keys[1]]?.count == 5)
            #expect(cleared["unknown"] == nil)

            // Housekeeping purges them after a day.
            try await SQLTokenStore(store: store).purgeExpired(before: start.addingTimeInterval(2 * 86_400))
            #expect(try await nodeB.signInFailures(keys: keys, since: .distantPast).isEmpty)
            await other.close()
        }
    }
}
