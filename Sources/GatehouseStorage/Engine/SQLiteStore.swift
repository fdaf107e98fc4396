import Foundation
import Logging
import NIOPosix
import SQLKit
import Synchronization

/// The embedded default: one SQLite file in WAL mode, on connections of Gatehouse's own (``SQLiteHandle``:
/// statements stay prepared and run on the caller's thread). One connection writes, its transactions grouped into
/// batches (``GroupCommit``); only taking the write lock (`BEGIN IMMEDIATE`, which waits on `busy_timeout` while
/// another process writes) and `COMMIT` (which waits for the disk) go to the I/O thread pool. A few more
/// connections read alongside it, each statement on one that is free (``SQLiteReaders``); they are query-only,
/// so a write can never slip past the writer.
public final class SQLiteStore: SQLStore {
    public let kind = DatabaseKind.sqlite
    private let writer: SQLiteHandle
    private let readers: SQLiteReaders
    private let reading: SQLiteHandleDatabase
    private let writes: GroupCommit

    private init(writer: SQLiteHandle, readers: [SQLiteHandle], logger: Logger) {
        self.writer = writer
        self.readers = SQLiteReaders(readers)
        self.reading = SQLiteHandleDatabase(handle: self.readers, logger: logger)
        self.writes = GroupCommit(database: SQLiteHandleDatabase(handle: writer, logger: logger)) { statement in
            try await NIOThreadPool.singleton.runIfActive { try writer.run(statement, []) { _ in } }
        }
    }

    /// Readers: WAL lets them read while the writer writes.
    static let readerCount = 4

    public static func open(path: String) async throws -> SQLiteStore {
        var logger = Logger(label: "gatehouse.sqlite")
        logger.logLevel = .warning
        let handles = try await NIOThreadPool.singleton.runIfActive {
            try createPrivately(path)
            let writer = try SQLiteHandle(path: path)
            try configure(writer, isWriter: true)
            var readers: [SQLiteHandle] = []
            for _ in 0..<readerCount {
                let reader = try SQLiteHandle(path: path)
                try configure(reader, isWriter: false)
                readers.append(reader)
            }
            return (writer, readers)
        }
        return SQLiteStore(writer: handles.0, readers: handles.1, logger: logger)
    }

    /// Creates the database file readable by its owner only (0600, like the master key file), before SQLite opens
    /// it: SQLite gives the `-wal` and `-shm` files it makes later the database file's permissions. An existing file
    /// keeps the permissions its administrator gave it.
    private static func createPrivately(_ path: String) throws {
        guard path != ":memory:", !FileManager.default.fileExists(atPath: path) else { return }
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw StorageError.invalidLocation("cannot create the database file \(path)") }
    }

    private static func configure(_ handle: SQLiteHandle, isWriter: Bool) throws {
        var pragmas = ["PRAGMA busy_timeout = 10000", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"]
        pragmas.insert(isWriter ? "PRAGMA journal_mode = WAL" : "PRAGMA query_only = ON", at: 1)
        // Page caches of up to 32 MiB (grown only as used, so an idle or small instance pays nothing): a large
        // commit writes each page once instead of spilling as it goes, and a read of a hundred thousand users (an
        // impact preview) does not re-read the same pages from the file.
        pragmas.append("PRAGMA cache_size = -32768")
        for pragma in pragmas { try handle.run(pragma, []) { _ in } }
    }

    /// SQLite's "not now" failures (busy past the timeout, read-only, full, I/O) come out as
    /// ``StorageError/unavailable(_:)``, which requests answer 503.
    public func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws
        -> Result
    {
        do {
            return try await body(reading)
        } catch {
            throw StorageAvailability.unavailable(error, isRead: true) ?? error
        }
    }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result
    {
        do {
            return try await writes.transaction(body)
        } catch {
            throw StorageAvailability.unavailable(error) ?? error
        }
    }

    public func close() async {
        for reader in readers.handles { reader.close() }
        writer.close()
    }
}
