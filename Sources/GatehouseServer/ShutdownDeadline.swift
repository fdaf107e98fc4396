import Foundation
import Logging
import ServiceLifecycle

/// Bounds a graceful shutdown: once SIGTERM or SIGINT has started one, the process exits after `limit` even if
/// some work has not finished. The work that can outlast it is a database operation on a connection that died
/// under it (``GatehouseStorage/PostgresStore``'s operation limit is 20 s), held by the last login-history flush,
/// a directory refresh or a housekeeping purge; a supervisor's own grace period (Kubernetes' is 30 s) should not
/// be spent on it, and a supervisor that gives up sends SIGKILL, which loses the flush anyway.
struct ShutdownDeadline: Service {
    let limit: Duration
    let logger: Logger
    /// How the process ends when the deadline passes; tests pass their own.
    var expire: @Sendable () -> Void = { exit(0) }

    func run() async throws {
        try? await gracefulShutdown()
        guard Task.isShuttingDownGracefully else { return }
        // Unstructured, so the timer outlives this service's task and also covers closing the store afterwards.
        Task.detached { [limit, logger, expire] in
            try? await Task.sleep(for: limit)
            logger.warning(
                "shutdown has taken longer than \(limit); exiting with unfinished work (a database operation that is not answering)"
            )
            expire()
        }
    }
}
