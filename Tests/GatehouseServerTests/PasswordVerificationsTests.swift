import Foundation
import Testing

@testable import GatehouseServer

/// The bound on password verifications in flight: a burst neither queues without limit nor runs all at once.
@Suite struct PasswordVerificationsTests {
    @Test func atMostTheLimitRunAtOnceAndTheQueueIsBounded() async throws {
        let gate = PasswordVerifications(limit: 2, maximumWaiting: 3, maximumWait: .seconds(5))
        let running = Counter()
        let outcomes = await withTaskGroup(of: Bool?.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    await gate.run {
                        running.change(by: 1)
                        Thread.sleep(forTimeInterval: 0.2)
                        running.change(by: -1)
                        return true
                    }
                }
            }
            return await group.reduce(into: [Bool?]()) { $0.append($1) }
        }
        #expect(running.peak <= 2)
        #expect(outcomes.compactMap { $0 }.count == 5, "two ran at once, three waited their turn")
        #expect(outcomes.filter { $0 == nil }.count == 5, "the rest were turned away at once")
        #expect(gate.load == (0, 0))
    }

    @Test func aWaitThatRunsOutIsTurnedAway() async throws {
        let gate = PasswordVerifications(limit: 1, maximumWaiting: 4, maximumWait: .milliseconds(50))
        #expect(await gate.enter())
        let started = ContinuousClock.now
        #expect(await gate.enter() == false)
        // Generous: the suite loads both cores; what matters is that the wait ends rather than queueing on.
        #expect(ContinuousClock.now - started < .seconds(30))
        gate.leave()
        #expect(await gate.enter(), "the place is free again")
        gate.leave()
        #expect(gate.load == (0, 0))
    }
}

/// A counter that remembers its highest value.
private final class Counter: @unchecked Sendable {
    // @unchecked: every access holds the lock.
    private let lock = NSLock()
    private var value = 0
    private(set) var peak = 0

    func change(by delta: Int) {
        lock.lock()
        value += delta
        peak = max(peak, value)
        lock.unlock()
    }
}
