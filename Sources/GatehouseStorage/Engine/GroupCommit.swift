import SQLKit
import Synchronization

/// Runs SQLite write transactions in batches ("group commit"): while one batch runs, new transactions queue;
/// the next batch runs them all between one `BEGIN IMMEDIATE` and one `COMMIT`. With `synchronous = FULL` every
/// `COMMIT` waits for the disk, so sharing it among many transactions is most of the write throughput.
///
/// If any transaction in a batch throws, the batch rolls back and each of its transactions runs again alone,
/// so one failure never affects another caller: every caller sees exactly the outcome of its own transaction.
final class GroupCommit: Sendable {
    private struct Job: Sendable {
        let body: @Sendable (any SQLDatabase) async throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    private struct State {
        var jobs: [Job] = []
        var isDraining = false
    }

    private let state = Mutex(State())
    private let database: any SQLDatabase
    /// Runs `BEGIN IMMEDIATE`, `COMMIT` or `ROLLBACK`: the statements that may wait (for another process's write
    /// lock, for the disk), which the store runs where waiting blocks no one.
    private let control: @Sendable (String) async throws -> Void
    /// The most transactions one batch holds, so a batch's commit never waits too long.
    private let maximumBatch = 64

    init(database: any SQLDatabase, control: @escaping @Sendable (String) async throws -> Void) {
        self.database = database
        self.control = control
    }

    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws
        -> Result
    {
        let value = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<any Sendable, any Error>) in
            let startsDraining = state.withLock { state in
                state.jobs.append(Job(body: { try await body($0) }, continuation: continuation))
                if state.isDraining { return false }
                state.isDraining = true
                return true
            }
            if startsDraining { Task { await self.drain() } }
        }
        guard let result = value as? Result else { preconditionFailure("group commit returned another type") }
        return result
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Job] in
                let batch = Array(state.jobs.prefix(maximumBatch))
                state.jobs.removeFirst(batch.count)
                if batch.isEmpty { state.isDraining = false }
                return batch
            }
            if batch.isEmpty { return }
            await run(batch)
        }
    }

    private func run(_ batch: [Job]) async {
        let db = database
        if batch.count > 1 {
            var results: [any Sendable] = []
            do {
                try await control("BEGIN IMMEDIATE")
                for job in batch { results.append(try await job.body(db)) }
                try await control("COMMIT")
                for (job, result) in zip(batch, results) { job.continuation.resume(returning: result) }
                return
            } catch {
                try? await control("ROLLBACK")
            }
        }
        // One job, or a batch that failed: each alone, with its own outcome.
        for job in batch {
            do {
                try await control("BEGIN IMMEDIATE")
                let result = try await job.body(db)
                try await control("COMMIT")
                job.continuation.resume(returning: result)
            } catch {
                try? await control("ROLLBACK")
                job.continuation.resume(throwing: error)
            }
        }
    }
}
