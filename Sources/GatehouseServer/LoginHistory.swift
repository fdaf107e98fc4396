import Foundation
import GatehouseCore
import GatehouseStorage
import Logging
import ServiceLifecycle
import Synchronization

/// Collects login events from request paths without waiting on the database: events are buffered in memory and
/// written in one transaction per flush by ``LoginHistoryWriter``. A crash loses at most one flush interval of
/// events; a database outage keeps up to ``capacity`` events and then drops the oldest, with a warning.
final class LoginRecorder: Sendable {
    static let capacity = 100_000
    private let buffer = Mutex<(events: [LoginEvent], dropped: Int)>(([], 0))

    func record(_ event: LoginEvent) {
        buffer.withLock { state in
            if state.events.count >= Self.capacity {
                state.events.removeFirst()
                state.dropped += 1
            }
            state.events.append(event)
        }
    }

    /// Takes everything buffered, and how many events were dropped since the last drain.
    func drain() -> (events: [LoginEvent], dropped: Int) {
        buffer.withLock { state in
            defer { state = ([], 0) }
            return state
        }
    }

    /// Puts back events whose write failed, ahead of newer ones.
    func restore(_ events: [LoginEvent]) {
        buffer.withLock { state in
            state.events = Array((events + state.events).suffix(Self.capacity))
        }
    }
}

/// Writes buffered login events every interval, and once more on shutdown.
struct LoginHistoryWriter: Service {
    let recorder: LoginRecorder
    let store: GatehouseStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Only the wait is cut short by a shutdown, never a write in flight: a cancelled write would be retried,
        // but would log a failure on every ordinary shutdown.
        while !Task.isCancelled {
            await cancelWhenGracefulShutdown { try? await Task.sleep(for: interval) }
            await flush()
            if Task.isShuttingDownGracefully { break }
        }
        await flush()  // what was recorded while shutting down
    }

    func flush() async {
        let (events, dropped) = recorder.drain()
        if dropped > 0 {
            logger.warning("login history buffer full; oldest events dropped", metadata: ["dropped": "\(dropped)"])
        }
        guard !events.isEmpty else { return }
        do {
            try await store.appendLoginEvents(events)
        } catch {
            recorder.restore(events)
            logger.warning(
                "login history write failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
