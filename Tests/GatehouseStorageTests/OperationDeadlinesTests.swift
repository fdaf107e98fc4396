import Synchronization
import Testing

@testable import GatehouseStorage

/// The one sweeper that bounds every PostgreSQL operation: waiting for a connection, then running.
@Suite struct OperationDeadlinesTests {
    final class Outcome: Sendable {
        let failures = Mutex<[String]>([])
        let cancelled = Mutex(0)
        var expiry: OperationDeadlines.Expiry {
            .init(
                fail: { error in self.failures.withLock { $0.append("\(error)") } },
                cancel: { self.cancelled.withLock { $0 += 1 } })
        }
    }

    @Test func anOperationStillWaitingForAConnectionFailsAfterTheConnectionWait() {
        let deadlines = OperationDeadlines(connectionWait: .seconds(10))
        let waiting = Outcome()
        let start = ContinuousClock.now
        _ = deadlines.begin(operationLimit: .seconds(20), expiry: waiting.expiry)
        deadlines.sweep(now: start + .seconds(9))
        #expect(waiting.failures.withLock { $0 }.isEmpty)
        deadlines.sweep(now: start + .seconds(11))
        #expect(waiting.failures.withLock { $0 }.count == 1)
        #expect(waiting.failures.withLock { $0 }.first?.contains("no PostgreSQL connection") == true)
        #expect(waiting.cancelled.withLock { $0 } == 1)
        #expect(deadlines.inFlight == 0)
        deadlines.sweep(now: start + .seconds(60))
        #expect(waiting.failures.withLock { $0 }.count == 1, "an operation expires once")
    }

    @Test func anOperationWithItsConnectionHasItsOperationLimitFromThen() {
        let deadlines = OperationDeadlines(connectionWait: .seconds(10))
        let running = Outcome()
        let start = ContinuousClock.now
        let ticket = deadlines.begin(operationLimit: .seconds(20), expiry: running.expiry)
        deadlines.acquired(ticket)
        deadlines.sweep(now: start + .seconds(15))
        #expect(running.failures.withLock { $0 }.isEmpty, "past the connection wait, within the operation limit")
        deadlines.sweep(now: start + .seconds(21))
        #expect(running.failures.withLock { $0 }.first?.contains("did not answer within") == true)
        #expect(running.cancelled.withLock { $0 } == 1)
    }

    @Test func anOperationThatEndedIsNeverFailed() {
        let deadlines = OperationDeadlines(connectionWait: .seconds(10))
        let done = Outcome()
        let other = Outcome()
        let start = ContinuousClock.now
        let ticket = deadlines.begin(operationLimit: .seconds(20), expiry: done.expiry)
        _ = deadlines.begin(operationLimit: .seconds(20), expiry: other.expiry)
        deadlines.end(ticket)
        #expect(deadlines.inFlight == 1)
        deadlines.sweep(now: start + .seconds(60))
        #expect(done.failures.withLock { $0 }.isEmpty)
        #expect(done.cancelled.withLock { $0 } == 0)
        #expect(other.failures.withLock { $0 }.count == 1)
    }

    @Test func theSweeperRunsOnItsOwnUntilCancelled() async throws {
        let deadlines = OperationDeadlines(connectionWait: .milliseconds(50), sweepInterval: .milliseconds(10))
        let waiting = Outcome()
        _ = deadlines.begin(operationLimit: .seconds(20), expiry: waiting.expiry)
        let sweeper = Task { await deadlines.run() }
        defer { sweeper.cancel() }
        for _ in 0..<200 where waiting.failures.withLock({ $0 }).isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(waiting.failures.withLock { $0 }.count == 1)
    }
}
