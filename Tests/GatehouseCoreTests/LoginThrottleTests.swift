import Foundation
import GatehouseCore
import Testing

@Suite struct LoginThrottleTests {
    let throttle = LoginThrottle(window: 900, maximumFailuresPerAccount: 5, maximumFailuresPerAddress: 20)
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func keysAreHashedAndCaseFoldedPerAccountAndPerAddress() {
        let keys = throttle.keys(account: "Alice", address: "203.0.113.7")
        #expect(keys.map(\.limit) == [5, 20])
        #expect(keys[0] == throttle.keys(account: "ALICE", address: nil)[0], "usernames are case-insensitive")
        #expect(keys.allSatisfy { $0.value.count == 64 && !$0.value.contains("alice") && !$0.value.contains("203") })
        #expect(throttle.keys(account: "alice", address: nil).count == 1)
        #expect(keys[1] != throttle.keys(account: "alice", address: "203.0.113.8")[1])
    }

    @Test func aKeyAtItsLimitWaitsUntilItsOldestFailureLeavesTheWindow() {
        let keys = throttle.keys(account: "alice", address: "203.0.113.7")
        let oldest = now.addingTimeInterval(-300)
        #expect(throttle.retryAfter([:], keys: keys) == nil)
        #expect(throttle.retryAfter([keys[0].value: SignInFailures(count: 4, oldest: oldest)], keys: keys) == nil)
        #expect(
            throttle.retryAfter([keys[0].value: SignInFailures(count: 5, oldest: oldest)], keys: keys)
                == oldest.addingTimeInterval(900))
        // The address has a higher limit, and the later of two waits wins.
        let addressOldest = now.addingTimeInterval(-60)
        #expect(
            throttle.retryAfter([keys[1].value: SignInFailures(count: 19, oldest: addressOldest)], keys: keys) == nil)
        #expect(
            throttle.retryAfter(
                [
                    keys[0].value: SignInFailures(count: 5, oldest: oldest),
                    keys[1].value: SignInFailures(count: 20, oldest: addressOldest),
                ], keys: keys) == addressOldest.addingTimeInterval(900))
        #expect(throttle.cutoff(at: now) == now.addingTimeInterval(-900))
    }
}
