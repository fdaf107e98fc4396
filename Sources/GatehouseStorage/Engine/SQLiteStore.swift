import Foundation
import Logging
import SQLKit
import SQLiteKit
import Synchronization

/// The embedded default: one SQLite file in WAL mode. One connection writes, its transactions grouped into
/// batches (``GroupCommit``; each batch `BEGIN IMMEDIATE`, so another process waits on `busy_timeout` instead of
/// failing); a few more read, in turn, alongside it.
public final class SQLiteStore: SQLStore {
    public let kind = DatabaseKind.sqlite
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    private let writes: GroupCommit

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
        self.writes = GroupCommit { writer.sql() }
    }

    /// Readers: WAL lets them read while the writer writes.
    static let readerCount = 4

    public static func open(path: String) async throws -> SQLiteStore {
        var logger = Logger(label: "gatehouse.sqlite")
        logger.logLevel = .warning
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        var readers: [SQLiteConnection] = []
        do {
            try await configure(writer, isWriter: true)
            for _ in 0..<readerCount {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                readers.append(reader)
                try await configure(reader, isWriter: false)
            }
            return SQLiteStore(writer: writer, readers: readers)
        } catch {
            for reader in readers { try? await reader.close() }
            try? await writer.close()
            throw error
        }
    }

    private static func configure(_ connection: SQLiteConnection, isWriter: Bool) async throws {
        let sql = connection.sql()
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
        if isWriter { try await sql.raw("PRAGMA journal_mode = WAL").run() }
        try await sql.raw("PRAGMA synchronous = FULL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
    }

    public func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await body(readers[index % readers.count].sql())
    }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result
    {
        try await writes.transaction(body)
    }

    public func close() async {
        for reader in readers { try? await reader.close() }
        try? await writer.close()
    }
}
