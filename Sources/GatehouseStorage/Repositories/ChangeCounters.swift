import Foundation
import SQLKit

/// Counters in `change_counters` that move with every write to the data every node holds in memory (approvals,
/// revocations), so that a node reloads only when one moved. Moving one takes its row lock until commit, so
/// writers of one counter commit in counter order.
enum ChangeCounters {
    /// Moves `name` by one inside the caller's transaction and, on PostgreSQL, nudges every node's watcher;
    /// returns the new value.
    @discardableResult
    static func bump(_ name: String, in db: any SQLDatabase, kind: DatabaseKind) async throws -> Int64 {
        let value: Int64 =
            try await db.raw(
                "UPDATE change_counters SET value = value + 1 WHERE name = \(bind: name) RETURNING value"
            ).first()?.value("value") ?? 0
        if kind == .postgres {
            try await db.raw("SELECT pg_notify(\(bind: DirectoryWatcher.channel), \(bind: name))").run()
        }
        return value
    }

    /// Every counter's value, in one read.
    static func all(in db: any SQLDatabase) async throws -> [String: Int64] {
        var values: [String: Int64] = [:]
        for row in try await db.raw("SELECT name, value FROM change_counters").all() {
            values[try row.value("name")] = try row.value("value")
        }
        return values
    }
}

extension GatehouseStore {
    /// Every change counter's value (approvals, revocations), in one read: what the watcher polls.
    public func changeCounters() async throws -> [String: Int64] {
        try await sql.read { db in try await ChangeCounters.all(in: db) }
    }
}
