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

    @Test(arguments: TestBackend.available)
    func parallelReservationsOnTwoNodesNeverExceedTheLimit(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, scratch in
            let other = try await GatehouseStore.open(scratch.location)
            let nodes = [SQLSessionStore(store: store), SQLSessionStore(store: other)]
            let throttle = LoginThrottle()
            let now = Date()
            let reserved = try await withThrowingTaskGroup(of: Bool.self) { group in
                for attempt in 0..<24 {
                    group.addTask {
                        // Each from its own address, so only the account's limit applies.
                        let keys = throttle.keys(account: "Alice", address: "198.51.100.\(attempt)")
                        return try await nodes[attempt % 2].reserveSignIn(
                            keys: keys, attempt: "attempt-\(attempt)", throttle: throttle, at: now) == nil
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(reserved == throttle.maximumFailuresPerAccount)

            // A right password takes back its own reservation and clears the account, not the address's others.
            let address = throttle.keys(account: "bob", address: "192.0.2.1")
            try await nodes[0].recordSignInFailure(keys: [address[1].value], at: now)
            #expect(
                try await nodes[1].reserveSignIn(keys: address, attempt: "bob-1", throttle: throttle, at: now) == nil)
            try await nodes[1].releaseSignIn(attempt: "bob-1", clearing: address[0].value)
            let left = try await nodes[0].signInFailures(keys: address.map(\.value), since: .distantPast)
            #expect(left[address[0].value] == nil)
            #expect(left[address[1].value]?.count == 1)
            await other.close()
        }
    }
}
