import Foundation
import GatehouseCore
import SQLKit

/// Login history in the database: appended in batches, listed with filters, purged after the retention period.
enum LoginEventRepository {
    /// Rows per INSERT: one statement for many events (a busy server records thousands a second), well inside
    /// both databases' limits on bound parameters.
    static let rowsPerStatement = 200

    static func append(_ events: [LoginEvent], to db: any SQLDatabase) async throws {
        var start = events.startIndex
        while start < events.endIndex {
            let end = min(start + rowsPerStatement, events.endIndex)
            let rows = events[start..<end].map { event -> SQLQueryString in
                """
                (\(bind: Timestamp.milliseconds(event.occurredAt)), \(bind: event.user?.rawValue), \(bind: event.username),
                \(bind: event.app?.rawValue), \(bind: event.appName), \(bind: event.flow.rawValue),
                \(bind: event.result.rawValue), \(bind: event.reason), \(bind: event.description), \(bind: event.clientIP),
                \(bind: event.traceID), \(bind: event.checks.map(encodeChecks)))
                """
            }
            try await db.raw(
                """
                INSERT INTO login_events (occurred_at, user_id, username, app_id, app_name, flow, result, reason,
                description, client_ip, trace_id, checks) VALUES \(rows.joined(separator: ", "))
                """
            ).run()
            start = end
        }
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
        try await sql.transaction { db in try await LoginEventRepository.append(events, to: db) }
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
