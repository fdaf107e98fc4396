import NIOCore
import SQLiteNIO
import Synchronization
import VaporCSQLite

/// One SQLite connection of Gatehouse's own, on the SQLite library that sqlite-nio builds into the binary (one
/// copy of SQLite per process: two copies on one file would break each other's POSIX locks).
///
/// Statements run on the calling thread and stay prepared between calls. A read of a cached page takes a few
/// microseconds, less than a hop to a thread pool and back, so only what can wait — taking the write lock while
/// another process holds it, and `COMMIT`, which waits for the disk — is worth moving off the caller's thread
/// (``SQLiteStore``). One caller at a time: the connection is behind a lock.
final class SQLiteHandle: SQLiteStatementRunner {
    private struct Prepared {
        let statement: OpaquePointer
        let columns: [String]
    }

    private struct State: ~Copyable {
        let connection: OpaquePointer
        var prepared: [String: Prepared] = [:]
        var isClosed = false
    }

    /// Statements kept prepared per connection. Gatehouse's statements are a few dozen fixed texts; a text built
    /// per call (an `IN` list) would otherwise grow the cache without end, so past this the cache starts over.
    private static let cacheLimit = 128

    private let state: Mutex<State>

    init(path: String) throws(SQLiteFailure) {
        _ = sqliteInitialized
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_EXRESCODE
        let opened = sqlite_nio_sqlite3_open_v2(path, &connection, flags, nil)
        guard opened == SQLITE_OK, let connection else {
            let failure = SQLiteFailure(code: opened, message: "cannot open SQLite database at \(path)")
            if let connection { sqlite_nio_sqlite3_close_v2(connection) }
            throw failure
        }
        self.state = Mutex(State(connection: connection))
    }

    deinit { close() }

    /// Runs one statement with its parameters, handing each row to `onRow` as it is read. Waits while another
    /// caller uses the connection.
    func run(_ sql: String, _ binds: [SQLiteData], onRow: @Sendable (SQLiteCells) throws -> Void) throws {
        try state.withLock { state in try Self.execute(sql, binds, onRow: onRow, in: &state) }
    }

    /// Runs the statement only if no other caller is using the connection; returns whether it ran.
    func runIfFree(_ sql: String, _ binds: [SQLiteData], onRow: @Sendable (SQLiteCells) throws -> Void) throws -> Bool {
        try state.withLockIfAvailable { state in try Self.execute(sql, binds, onRow: onRow, in: &state) } != nil
    }

    private static func execute(
        _ sql: String, _ binds: [SQLiteData], onRow: @Sendable (SQLiteCells) throws -> Void, in state: inout State
    ) throws {
        guard !state.isClosed else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "connection closed") }
        let prepared = try Self.prepared(sql, in: &state)
        let statement = prepared.statement
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try Self.check(Self.bind(value, at: Int32(index + 1), to: statement), state.connection)
        }
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw SQLiteFailure(step, state.connection) }
            var values: [SQLiteData] = []
            values.reserveCapacity(prepared.columns.count)
            for column in 0..<Int32(prepared.columns.count) {
                values.append(Self.value(of: statement, at: column))
            }
            try onRow(SQLiteCells(columns: prepared.columns, values: values))
        }
    }

    func close() {
        state.withLock { state in
            guard !state.isClosed else { return }
            state.isClosed = true
            for prepared in state.prepared.values { sqlite_nio_sqlite3_finalize(prepared.statement) }
            state.prepared = [:]
            sqlite_nio_sqlite3_close_v2(state.connection)
        }
    }

    private static func prepared(_ sql: String, in state: inout State) throws -> Prepared {
        if let prepared = state.prepared[sql] { return prepared }
        if state.prepared.count >= cacheLimit {
            for prepared in state.prepared.values { sqlite_nio_sqlite3_finalize(prepared.statement) }
            state.prepared = [:]
        }
        var statement: OpaquePointer?
        let result = sqlite_nio_sqlite3_prepare_v3(
            state.connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw SQLiteFailure(result, state.connection) }
        let columns = (0..<sqlite_nio_sqlite3_column_count(statement)).map { index in
            sqlite_nio_sqlite3_column_name(statement, index).map { String(cString: $0) } ?? ""
        }
        let prepared = Prepared(statement: statement, columns: columns)
        state.prepared[sql] = prepared
        return prepared
    }

    private static func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let integer): sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let double): sqlite_nio_sqlite3_bind_double(statement, index, double)
        case .null: sqlite_nio_sqlite3_bind_null(statement, index)
        case .text(let text):
            sqlite_nio_sqlite3_bind_text64(
                statement, index, text, UInt64(text.utf8.count), transient, UInt8(SQLITE_UTF8))
        case .blob(let buffer):
            buffer.withUnsafeReadableBytes { bytes in
                sqlite_nio_sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), transient)
            }
        }
    }

    private static func value(of statement: OpaquePointer, at column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            .text(
                sqlite_nio_sqlite3_column_text(statement, column).map { text in
                    let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
                    return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
                } ?? "")
        case SQLITE_BLOB:
            .blob(
                ByteBuffer(
                    bytes: UnsafeRawBufferPointer(
                        start: sqlite_nio_sqlite3_column_blob(statement, column),
                        count: Int(sqlite_nio_sqlite3_column_bytes(statement, column)))))
        default: .null
        }
    }

    private static func check(_ result: Int32, _ connection: OpaquePointer) throws {
        guard result == SQLITE_OK else { throw SQLiteFailure(result, connection) }
    }
}

/// Runs SQLite statements: one connection, or a pool of them (``SQLiteReaders``).
protocol SQLiteStatementRunner: Sendable {
    func run(_ sql: String, _ binds: [SQLiteData], onRow: @Sendable (SQLiteCells) throws -> Void) throws
}

/// The reader connections as one: each statement runs on a reader that is free, so a long read (a directory
/// reload, a CLI listing) never holds up a short one; only when every reader is busy does it wait, for the next
/// one in turn. (Reads outside a transaction see each statement's own snapshot either way.)
final class SQLiteReaders: SQLiteStatementRunner {
    let handles: [SQLiteHandle]
    private let next = Atomic<UInt>(0)

    init(_ handles: [SQLiteHandle]) {
        precondition(!handles.isEmpty, "at least one reader")
        self.handles = handles
    }

    func run(_ sql: String, _ binds: [SQLiteData], onRow: @Sendable (SQLiteCells) throws -> Void) throws {
        let start = Int(next.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(handles.count))
        for offset in 0..<handles.count {
            if try handles[(start + offset) % handles.count].runIfFree(sql, binds, onRow: onRow) { return }
        }
        try handles[start].run(sql, binds, onRow: onRow)
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies a bound value before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// `sqlite3_initialize` once per process, before the first connection (concurrent first calls race in SQLite).
private let sqliteInitialized: Void = { _ = sqlite_nio_sqlite3_initialize() }()

/// An error SQLite reported, with its result code and message.
public struct SQLiteFailure: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    init(_ code: Int32, _ connection: OpaquePointer) {
        self.code = code
        self.message = sqlite_nio_sqlite3_errmsg(connection).map { String(cString: $0) } ?? "SQLite error \(code)"
    }

    public var description: String { "SQLite error \(code): \(message)" }
}
