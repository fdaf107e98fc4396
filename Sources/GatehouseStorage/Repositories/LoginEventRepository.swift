import Foundation
import GatehouseCore
import SQLKit

/// Login history in the database: appended in batches, listed with filters, purged after the retention period.
enum LoginEventRepository {
    /// Events per INSERT. A busy server records thousands a second, so each batch travels as one JSON document
    /// in one bound parameter, which the database unpacks (`json_each` on SQLite, `json_array_elements` on
    /// PostgreSQL): one short statement to parse and one value to bind, however many events.
    static let rowsPerStatement = 1_000

    private static let columns: [(column: String, key: String, isInteger: Bool)] = [
        ("occurred_at", "t", true), ("user_id", "u", false), ("username", "n", false), ("app_id", "a", false),
        ("app_name", "an", false), ("flow", "f", false), ("result", "r", false), ("reason", "re", false),
        ("description", "d", false), ("client_ip", "ip", false), ("trace_id", "id", false), ("checks", "c", false),
    ]

    static func append(_ events: [LoginEvent], to db: any SQLDatabase, kind: DatabaseKind) async throws {
        let names = columns.map(\.column).joined(separator: ", ")
        let values = columns.map { column -> String in
            switch kind {
            case .sqlite: "json_extract(value, '$.\(column.key)')"
            case .postgres: column.isInteger ? "(e->>'\(column.key)')::bigint" : "e->>'\(column.key)'"
            }
        }.joined(separator: ", ")
        var start = events.startIndex
        while start < events.endIndex {
            let end = min(start + rowsPerStatement, events.endIndex)
            var batch = JSONObject()
            batch["r"] = .objects(events[start..<end].map(row))
            let document = batch.serialized
            let insert = "INSERT INTO login_events (\(names)) SELECT \(values) FROM "
            let query: SQLQueryString =
                switch kind {
                case .sqlite: "\(unsafeRaw: insert)json_each(\(bind: document), '$.r')"
                case .postgres: "\(unsafeRaw: insert)json_array_elements((\(bind: document)::json)->'r') AS e"
                }
            try await db.raw(query).run()
            start = end
        }
    }

    /// One event as a JSON object; absent members read back as NULL.
    private static func row(_ event: LoginEvent) -> JSONObject {
        var object = JSONObject()
        object["t"] = .integer(Timestamp.milliseconds(event.occurredAt))
        object["u"] = event.user.map { .string($0.rawValue) }
        object["n"] = event.username.map(JSONValue.string)
        object["a"] = event.app.map { .string($0.rawValue) }
        object["an"] = event.appName.map(JSONValue.string)
        object["f"] = .string(event.flow.rawValue)
        object["r"] = .string(event.result.rawValue)
        object["re"] = event.reason.map(JSONValue.string)
        object["d"] = event.description.map(JSONValue.string)
        object["ip"] = event.clientIP.map(JSONValue.string)
        object["id"] = .string(event.traceID)
        object["c"] = event.checks.map { .string(encodeChecks($0)) }
        return object
    }

    static func list(_ query: LoginEventQuery, in db: any SQLDatabase) async throws -> [LoginEvent] {
        var select = db.select().column("*").from("login_events")
        if let user = query.user { select = select.where("user_id", .equal, user.rawValue) }
        if let username = query.username { select = select.where("username", .equal, username) }
        if let app = query.app { select = select.where("app_id", .equal, app.rawValue) }
        if let result = query.result { select = select.where("result", .equal, result.rawValue) }
        if let reason = query.reason { select = select.where("reason", .equal, reason) }
        if let flow = query.flow { select = select.where("flow", .equal, flow.rawValue) }
        if let traceID = query.traceID { select = select.where("trace_id", .equal, traceID) }
        if let since = query.since {
            select = select.where("occurred_at", .greaterThanOrEqual, Timestamp.milliseconds(since))
        }
        if let until = query.until { select = select.where("occurred_at", .lessThan, Timestamp.milliseconds(until)) }
        if let beforeID = query.beforeID { select = select.where("id", .lessThan, beforeID) }
        return try await select.orderBy("id", .descending).limit(max(1, min(query.limit, 100_000))).all().map { row in
            LoginEvent(
                id: try row.value("id"), occurredAt: try row.date("occurred_at"),
                user: try row.value("user_id", as: String?.self).map(UserID.init),
                username: try row.value("username"),
                app: try row.value("app_id", as: String?.self).map(ConnectedAppID.init),
                appName: try row.value("app_name"), flow: try storedEnum(try row.value("flow"), column: "flow"),
                result: try storedEnum(try row.value("result"), column: "result"), reason: try row.value("reason"),
                description: try row.value("description"), clientIP: try row.value("client_ip"),
                traceID: try row.value("trace_id"),
                checks: try row.value("checks", as: String?.self).map(decodeChecks))
        }
    }

    static func purge(before time: Date, in db: any SQLDatabase) async throws -> Int {
        try await db.raw(
            "DELETE FROM login_events WHERE occurred_at < \(bind: Timestamp.milliseconds(time)) RETURNING id"
        ).all().count
    }

    private static func encodeChecks(_ checks: [AccessCheck]) -> String {
        (try? JSONEncoder().encode(checks)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    private static func decodeChecks(_ text: String) throws -> [AccessCheck] {
        do { return try JSONDecoder().decode([AccessCheck].self, from: Data(text.utf8)) } catch {
            throw UnknownStoredValue(column: "checks", value: text)
        }
    }
}

extension GatehouseStore {
    /// Appends login events, all in one transaction.
    public func appendLoginEvents(_ events: [LoginEvent]) async throws {
        guard !events.isEmpty else { return }
        let kind = sql.kind
        try await sql.transaction { db in try await LoginEventRepository.append(events, to: db, kind: kind) }
    }

    /// Login events, newest first.
    public func loginEvents(_ query: LoginEventQuery = LoginEventQuery()) async throws -> [LoginEvent] {
        try await sql.read { db in try await LoginEventRepository.list(query, in: db) }
    }

    /// Deletes login events older than `time`; returns how many.
    public func purgeLoginEvents(before time: Date) async throws -> Int {
        try await sql.transaction { db in try await LoginEventRepository.purge(before: time, in: db) }
    }
}
