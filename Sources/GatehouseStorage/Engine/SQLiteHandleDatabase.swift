import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLKit's view of a ``SQLiteHandle`` (or of the ``SQLiteReaders``): the repositories' SQL runs through it
/// unchanged, on the caller's thread, with statements kept prepared. Parameters and rows use SQLiteKit's encoder and decoder, as sqlite-nio's
/// connection did.
struct SQLiteHandleDatabase: SQLDatabase {
    let handle: any SQLiteStatementRunner
    let logger: Logger

    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteDialect() }
    /// Statements are not logged: their parameters are token and secret hashes.
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        try handle.run(sql, try binds.map { try encoder.encode($0) }) { onRow($0) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void)
        -> EventLoopFuture<Void>
    {
        let eventLoop = eventLoop
        let (sql, binds) = serialize(query)
        let encoder = SQLiteDataEncoder()
        return eventLoop.makeCompletedFuture {
            try handle.run(sql, try binds.map { try encoder.encode($0) }) { onRow($0) }
        }
    }
}

/// One row read by a ``SQLiteHandle``.
struct SQLiteCells: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool { self.value(column) ?? .null == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let value = self.value(column) else { throw MissingColumn(column: column) }
        // Text, integers and booleans as themselves skip the Codable decoder: these are nearly all reads. The plain
        // types are told apart by comparing types, which costs nothing; a cast to `D` builds `D?` for its result,
        // whose type is looked up on each call, so casts are left to optional columns, in a function of their own.
        switch value {
        case .text(let text): if D.self == String.self { return unsafeBitCast(text, to: D.self) }
        case .integer(let integer):
            if D.self == Int64.self { return unsafeBitCast(Int64(integer), to: D.self) }
            if D.self == Int.self { return unsafeBitCast(Int(integer), to: D.self) }
            if D.self == Bool.self { return unsafeBitCast(integer != 0, to: D.self) }
        default: break
        }
        return try Self.cast(value, as: D.self)
    }

    @inline(never)
    private static func cast<D: Decodable>(_ value: SQLiteData, as type: D.Type) throws -> D {
        switch value {
        case .text(let text): if let text = text as? D { return text }
        case .integer(let integer):
            if let integer = (Int64(integer) as? D) ?? (Int(integer) as? D) ?? ((integer != 0) as? D) { return integer }
        default: break
        }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }

    private func value(_ column: String) -> SQLiteData? {
        columns.firstIndex(of: column).map { values[$0] }
    }
}

/// A row was asked for a column its statement does not return.
struct MissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the row" }
}
