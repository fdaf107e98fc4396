import Foundation
import GatehouseCore
import SQLKit

/// The directory's change log (ADR 7): every committed directory version names the entities it wrote, so that
/// every node applies a change by re-reading just those rows.
enum DirectoryLog {
    /// Takes the next directory version inside the caller's transaction. The row lock it takes is held until commit,
    /// so directory writers commit one at a time and in version order.
    static func nextVersion(in db: any SQLDatabase) async throws -> Int64 {
        guard
            let row = try await db.raw(
                "UPDATE directory_version SET version = version + 1 WHERE id = 1 RETURNING version"
            ).first()
        else { throw StorageError.notFound("the directory_version row is missing: the schema was not migrated") }
        return try row.value("version")
    }

    /// Records what `version` wrote: appends the log rows, stamps the entities' own version where the writer did not
    /// (`stamp`: what a cascade or a direct update changed), and on PostgreSQL nudges every node's watcher.
    static func record(
        _ refs: Set<EntityRef>, stamp: Set<EntityRef>, version: Int64, at time: Int64, in db: any SQLDatabase,
        kind: DatabaseKind
    ) async throws {
        let sorted = refs.sorted(by: { ($0.kind.rawValue, $0.id) < ($1.kind.rawValue, $1.id) })
        for ref in sorted where stamp.contains(ref) {
            try await db.raw(
                "UPDATE \(unsafeRaw: table(ref.kind)) SET version = \(bind: version) WHERE id = \(bind: ref.id)"
            ).run()
        }
        try await BulkInsert.insert(
            into: "directory_changes", columns: ["version", "entity_type", "entity_id", "committed_at"],
            rows: sorted.map { [version, $0.kind.rawValue, $0.id, time] }, in: db)
        if kind == .postgres {
            try await db.raw("SELECT pg_notify(\(bind: DirectoryWatcher.channel), \(bind: String(version)))").run()
        }
    }

    /// The entities written by every version after `version`, up to the newest; nil when the log cannot say (a
    /// version is missing: pruned, or never logged), so the caller loads in full.
    static func changes(after version: Int64, in db: any SQLDatabase) async throws
        -> (through: Int64, refs: Set<EntityRef>)?
    {
        let newest = try await DirectoryReader.currentVersion(db)
        guard newest > version else { return (version, []) }
        var refs: Set<EntityRef> = []
        var seen: Set<Int64> = []
        for row in try await db.raw(
            """
            SELECT version, entity_type, entity_id FROM directory_changes
            WHERE version > \(bind: version) AND version <= \(bind: newest)
            """
        ).all() {
            seen.insert(try row.value("version"))
            refs.insert(
                EntityRef(
                    kind: try storedEnum(try row.value("entity_type"), column: "entity_type"),
                    id: try row.value("entity_id")))
        }
        guard seen.count == newest - version else { return nil }
        return (newest, refs)
    }

    /// Removes log rows committed before `time`: a node away longer loads in full.
    static func prune(before time: Int64, in db: any SQLDatabase) async throws -> Int {
        try await db.raw("DELETE FROM directory_changes WHERE committed_at < \(bind: time) RETURNING version").all()
            .count
    }

    static func table(_ kind: EntityKind) -> String {
        switch kind {
        case .user: "users"
        case .profile: "profiles"
        case .permissionSet: "permission_sets"
        case .connectedApp: "connected_apps"
        }
    }
}
