import Foundation
import Logging
import SQLKit
import SQLiteKit

/// The embedded default: one SQLite file in WAL mode. One connection writes (serialized by a lock, each
/// transaction `BEGIN IMMEDIATE` so that another process waits on `busy_timeout` instead of failing), another reads.
public final class SQLiteStore: SQLStore {
    public let kind = DatabaseKind.sqlite
    private let writer: SQLiteConnection
    private let reader: SQLiteConnection
    private let writeLock = AsyncLock()

    private init(writer: SQLiteConnection, reader: SQLiteConnection) {
        self.writer = writer
        self.reader = reader
    }

    public static func open(path: String) async throws -> SQLiteStore {
        var logger = Logger(label: "gatehouse.sqlite")
        logger.logLevel = .warning
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        do {
            try await configure(writer, isWriter: true)
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            do {
                try await configure(reader, isWriter: false)
            } catch {
                try? await reader.close()
                throw error
            }
            return SQLiteStore(writer: writer, reader: reader)
        } catch {
            try? await writer.close()
            throw error
        }
    }

    private static func configure(_ connection: SQLiteConnection, isWriter: Bool) async throws {
        let sql = connection.sql()
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
        if isWriter { try await sql.raw("PRAGMA journal_mode = WAL").run() }
        try await sql.raw("PRAGMA synchronous = NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
    }

    public func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        try await body(reader.sql())
    }

    public func transaction<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        try await writeLock.withLock {
            let sql = writer.sql()
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    public func close() async {
        try? await reader.close()
        try? await writer.close()
    }
}
