import Foundation
import NIOPosix
import Synchronization

/// Bounds the password verifications in flight on this node. Each one costs a slow KDF (scrypt: 32 MiB and tens of
/// milliseconds, by design), so a burst must neither queue without limit nor starve everything else: at most
/// `limit` run at once, at most `maximumWaiting` more wait, each for at most `maximumWait`; the rest are turned
/// away at once (the sign-in pages answer 429).
final class PasswordVerifications: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var nextID = 0
    }

    let limit: Int
    let maximumWaiting: Int
    let maximumWait: Duration
    /// The threads the verifications run on, apart from the pool that SQLite's I/O uses.
    let threads: NIOThreadPool
    private let state = Mutex(State())

    init(limit: Int = 2, maximumWaiting: Int = 16, maximumWait: Duration = .seconds(2)) {
        self.limit = limit
        self.maximumWaiting = maximumWaiting
        self.maximumWait = maximumWait
        threads = NIOThreadPool(numberOfThreads: limit)
        threads.start()
    }

    deinit { threads.shutdownGracefully { _ in } }

    /// Runs `verify` on the password threads when a place is free; nil when none became free in time.
    func run(_ verify: @escaping @Sendable () -> Bool) async -> Bool? {
        guard await enter() else { return nil }
        defer { leave() }
        return (try? await threads.runIfActive(verify)) ?? false
    }

    /// Takes a place, waiting for one if need be; false when too many wait already or the wait ran out.
    func enter() async -> Bool {
        let admitted: Bool? = state.withLock { state in
            if state.running < limit {
                state.running += 1
                return true
            }
            return state.waiting.count >= maximumWaiting ? false : nil
        }
        if let admitted { return admitted }
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let timeout = Task { [maximumWait] in
            try? await Task.sleep(for: maximumWait)
            resume(id, with: false)
        }
        let entered = await withCheckedContinuation { continuation in
            let queued = state.withLock { state -> Bool? in
                // A place may have come free, or the queue filled, since the first look.
                if state.running < limit {
                    state.running += 1
                    return false
                }
                guard state.waiting.count < maximumWaiting else { return nil }
                state.waiting.append(Waiter(id: id, continuation: continuation))
                return true
            }
            switch queued {
            case .some(true): break  // resumed by leave() or by the timeout, whichever removes it first
            case .some(false): continuation.resume(returning: true)
            case .none: continuation.resume(returning: false)
            }
        }
        timeout.cancel()
        return entered
    }

    /// Gives a place back: to the longest waiter, if any.
    func leave() {
        let next: Waiter? = state.withLock { state in
            if state.waiting.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiting.removeFirst()  // the place passes to it; `running` stays
        }
        next?.continuation.resume(returning: true)
    }

    /// Ends one wait with `outcome`, if it is still waiting.
    private func resume(_ id: Int, with outcome: Bool) {
        let waiter: Waiter? = state.withLock { state in
            guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiting.remove(at: index)
        }
        waiter?.continuation.resume(returning: outcome)
    }

    /// How many verifications run and wait now, for tests.
    var load: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }
}
