import Foundation
import GatehouseCore
import SQLKit

/// Filters for reading the audit trail.
public struct AuditQuery: Sendable {
    public var actor: String?
    public var targetType: EntityKind?
    public var target: String?
    public var since: Date?
    /// Only events older than this one (a page boundary: events are listed newest first).
    public var beforeID: Int64?
    public var limit: Int

    public init(
        actor: String? = nil, targetType: EntityKind? = nil, target: String? = nil, since: Date? = nil,
        beforeID: Int64? = nil, limit: Int = 100
    ) {
        self.actor = actor
        self.targetType = targetType
        self.target = target
        self.since = since
        self.beforeID = beforeID
        self.limit = limit
    }
}

/// The append-only audit trail. Rows are inserted, never updated or deleted (the schema enforces it).
enum AuditRepository {
    static func append(_ event: AuditEvent, to db: any SQLDatabase) async throws {
        try await append([event], to: db)
    }

    /// Appends events in order, many per statement.
    static func append(_ events: [AuditEvent], to db: any SQLDatabase) async throws {
        try await BulkInsert.insert(
            into: "audit_events",
            columns: [
                "occurred_at", "actor", "action", "target_type", "target", "before_state", "after_state", "source_ip",
            ],
            rows: events.map { event in
                [
                    Timestamp.milliseconds(event.occurredAt), event.actor, event.action.rawValue,
                    event.targetType.rawValue, event.target, event.before, event.after, event.sourceIP,
                ]
            }, in: db)
    }

    static func list(_ query: AuditQuery, in db: any SQLDatabase) async throws -> [AuditEvent] {
        var select = db.select().column("*").from("audit_events")
        if let actor = query.actor { select = select.where("actor", .equal, actor) }
        if let targetType = query.targetType { select = select.where("target_type", .equal, targetType.rawValue) }
        if let target = query.target { select = select.where("target", .equal, target) }
        if let since = query.since {
            select = select.where("occurred_at", .greaterThanOrEqual, Timestamp.milliseconds(since))
        }
        if let beforeID = query.beforeID { select = select.where("id", .lessThan, beforeID) }
        return try await select.orderBy("id", .descending).limit(max(1, min(query.limit, 10_000))).all().map { row in
            AuditEvent(
                id: try row.value("id"), occurredAt: try row.date("occurred_at"), actor: try row.value("actor"),
                action: try storedEnum(try row.value("action"), column: "action"),
                target: try row.value("target"),
                before: try row.value("before_state"), after: try row.value("after_state"),
                sourceIP: try row.value("source_ip"))
        }
    }
}

/// Key-value settings of the instance (master key fingerprint, one-time bootstrap markers).
enum SettingsRepository {
    static func value(_ key: String, in db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE key = \(bind: key)").first()?.value("value")
    }

    static func set(_ key: String, to value: String, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """
        ).run()
    }
}
