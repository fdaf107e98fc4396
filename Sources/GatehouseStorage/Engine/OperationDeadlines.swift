import Synchronization

/// The deadlines of a store's operations in flight, enforced by one sweeping task for all of them.
///
/// An operation waits at most ``connectionWait`` for a pooled connection and then runs at most its operation limit.
/// A timer task per operation (a `Task.sleep` each) cost a dispatch timer, a thread wake-up and a task kept alive
/// for the whole limit — at a few thousand statements a second, tens of thousands of sleeping tasks and a quarter
/// of the request rate. Here an operation is an entry in a table, and one task looks at the table every
/// ``sweepInterval``, failing the operations whose deadline has passed: a deadline is met to within that interval.
final class OperationDeadlines: Sendable {
    /// What an expired operation is told, and how its work is stopped.
    struct Expiry: Sendable {
        let fail: @Sendable (StorageError) -> Void
        let cancel: @Sendable () -> Void
    }

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var operationLimit: Duration
        var isAcquired = false
        let expiry: Expiry
    }

    private struct Table {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
    }

    let connectionWait: Duration
    let sweepInterval: Duration
    private let table = Mutex(Table())

    init(connectionWait: Duration, sweepInterval: Duration = .milliseconds(100)) {
        self.connectionWait = connectionWait
        self.sweepInterval = sweepInterval
    }

    /// Starts the clock of an operation that is about to wait for a connection; returns its ticket.
    func begin(operationLimit: Duration, expiry: Expiry) -> UInt64 {
        let deadline = ContinuousClock.now + connectionWait
        return table.withLock { table in
            table.nextID &+= 1
            table.entries[table.nextID] = Entry(deadline: deadline, operationLimit: operationLimit, expiry: expiry)
            return table.nextID
        }
    }

    /// The operation has its connection: from now it has its operation limit.
    func acquired(_ ticket: UInt64) {
        let now = ContinuousClock.now
        table.withLock { table in
            guard var entry = table.entries[ticket] else { return }
            entry.isAcquired = true
            entry.deadline = now + entry.operationLimit
            table.entries[ticket] = entry
        }
    }

    /// The operation is over (it finished, failed, or was cancelled): its deadline no longer applies.
    func end(_ ticket: UInt64) {
        _ = table.withLock { table in table.entries.removeValue(forKey: ticket) }
    }

    /// Fails and cancels every operation whose deadline is before `now`.
    func sweep(now: ContinuousClock.Instant = .now) {
        let expired: [(Entry)] = table.withLock { table in
            let due = table.entries.filter { $0.value.deadline < now }
            for ticket in due.keys { table.entries.removeValue(forKey: ticket) }
            return Array(due.values)
        }
        for entry in expired {
            let message =
                entry.isAcquired
                ? "PostgreSQL did not answer within \(entry.operationLimit)"
                : "no PostgreSQL connection within \(connectionWait)"
            entry.expiry.fail(StorageError.unavailable(message))
            entry.expiry.cancel()
        }
    }

    /// Sweeps every ``sweepInterval`` until cancelled.
    func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: sweepInterval)
            sweep()
        }
    }

    var inFlight: Int { table.withLock { $0.entries.count } }
}
