import NIOCore
import NIOPosix
import PostgresNIO
import _ConnectionPoolModule

/// Tells a database that went away (or cannot take writes) from a query that is wrong, so that the first can be
/// retried once or answered 503, and the second stays a bug to log.
enum StorageAvailability {
    /// Whether `error` means the connection was lost or could not be made: retrying on a fresh one may succeed.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection, .poolClosed:
                return true
            case .server:
                // Class 08 (connection exception), 57P01-03 (the server is shutting down or starting).
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default: return false
            }
        }
        // The pool's own failure (no connection could be made for a while) and NIO's socket errors.
        if let error = error as? ConnectionPoolError { return error == .connectionCreationCircuitBreakerTripped }
        return error is ChannelError || error is NIOConnectionError || error is IOError
    }

    /// SQLite result codes that mean "not now" rather than "wrong": busy or locked past the timeout, read-only, I/O
    /// error, full disk, cannot open.
    static let unavailableSQLiteCodes: Set<Int32> = [5, 6, 8, 10, 13, 14]

    /// `error` as ``StorageError/unavailable(_:)`` when it is one of those; otherwise nil. On a read, "read-only" is
    /// no outage but a write sent to a query-only reader: a defect, left as it is.
    static func unavailable(_ error: any Error, isRead: Bool = false) -> StorageError? {
        if let error = error as? StorageError, case .unavailable = error { return error }
        if let failure = error as? SQLiteFailure, unavailableSQLiteCodes.contains(failure.code & 0xFF),
            !(isRead && failure.code & 0xFF == 8)
        {
            return .unavailable("the SQLite database cannot take this now (\(failure.message))")
        }
        if isConnectionLoss(error) { return .unavailable("the connection to PostgreSQL was lost") }
        return nil
    }
}

/// Deadlines a caller can widen for work it knows is large.
public enum StorageDeadlines {
    /// How long one database operation may run once it has its connection; nil: the store's default (20 s on
    /// PostgreSQL). An admin commit of a hundred thousand entities is one long transaction, not a dead connection.
    @TaskLocal public static var operationLimit: Duration?

    /// For reading the whole directory (a start, a node catching up after a gap): minutes at millions of users.
    public static let bulkRead: Duration = .seconds(600)

    /// The limit for a commit of `count` entities: the default, plus 5 ms an entity.
    static func forCommit(of count: Int) -> Duration { .seconds(20) + .milliseconds(5 * count) }
}
