import Synchronization

/// How many tests use the PostgreSQL server at once.
///
/// Swift Testing starts every test of the run together. On two cores, a hundred servers polling their scratch
/// databases, each test migrating its own, starve one another: a statement PostgreSQL answered in a millisecond
/// is read more than 20 seconds later, and the store's deadline fails a test that is right. A test waits here for
/// a permit instead; one that already holds one (a store opened inside another test's) goes straight on.
public final class PostgresTestGate: Sendable {
    public static let shared = PostgresTestGate(permits: 6)

    @TaskLocal private static var holdsPermit = false

    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(permits: Int) { state = Mutex(State(available: permits)) }

    /// Runs `body` for a test on `backend`: on PostgreSQL holding a permit, waiting for one first if all are
    /// taken; on SQLite at once.
    public func withPermit<Result: Sendable>(for backend: TestBackend, _ body: () async throws -> Result)
        async throws -> Result
    {
        if backend != .postgres || Self.holdsPermit { return try await body() }
        await acquire()
        defer { release() }
        return try await Self.$holdsPermit.withValue(true) { try await body() }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
