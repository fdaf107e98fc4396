import Foundation
import GatehouseCore
import SQLKit

/// One access request as listed: the request, with its user's username and its app's name.
public struct ListedAccessRequest: Sendable, Equatable {
    public var request: AccessRequest
    public var username: String
    public var appName: String
}

/// Access requests in the database (``AccessRequest``); a decision is written inside the commit of the change that
/// grants the app (``GatehouseStore/commit(_:basedOn:leaving:actor:at:deciding:)``).
enum AccessRequestRepository {
    static let columns: SQLQueryString = """
        r.id, r.user_id, r.app_id, r.note, r.state, r.requested_at, r.decided_at, r.decided_by, r.decision_note,
        r.granted_through_kind, r.granted_through_name, u.username, a.name AS app_name
        """
    static let joins: SQLQueryString = "JOIN users u ON u.id = r.user_id JOIN connected_apps a ON a.id = r.app_id"

    static func listed(_ row: any SQLRow) throws -> ListedAccessRequest {
        var decision: AccessRequest.Decision?
        if let decidedAt = try row.value("decided_at", as: Int64?.self) {
            let kind = try row.value("granted_through_kind", as: String?.self)
            let name = try row.value("granted_through_name", as: String?.self)
            decision = AccessRequest.Decision(
                decidedBy: try row.value("decided_by", as: String?.self) ?? "",
                decidedAt: Timestamp.date(decidedAt), note: try row.value("decision_note", as: String?.self),
                grantedThrough: kind.flatMap { kind in name.flatMap { AccessRequest.Grant(kind: kind, name: $0) } })
        }
        return ListedAccessRequest(
            request: AccessRequest(
                id: AccessRequestID(rawValue: try row.value("id")), user: UserID(rawValue: try row.value("user_id")),
                app: ConnectedAppID(rawValue: try row.value("app_id")), note: try row.value("note", as: String?.self),
                requestedAt: try row.date("requested_at"),
                state: try storedEnum(try row.value("state"), column: "state"),
                decision: decision),
            username: try row.value("username"), appName: try row.value("app_name"))
    }

    /// Marks a pending request decided, inside the caller's transaction; refused (rolling the transaction back) when
    /// it is no longer pending: another admin decided first.
    static func decide(
        _ id: AccessRequestID, as state: AccessRequest.State, _ decision: AccessRequest.Decision,
        in db: any SQLDatabase
    ) async throws {
        let decided = try await db.raw(
            """
            UPDATE access_requests SET state = \(bind: state.rawValue),
            decided_at = \(bind: Timestamp.milliseconds(decision.decidedAt)), decided_by = \(bind: decision.decidedBy),
            decision_note = \(bind: decision.note), granted_through_kind = \(bind: decision.grantedThrough?.kind.rawValue),
            granted_through_name = \(bind: decision.grantedThrough?.name)
            WHERE id = \(bind: id.rawValue) AND state = 'pending' RETURNING id
            """
        ).all()
        guard !decided.isEmpty else {
            throw StorageError.conflict("access request \(id) was decided by someone else meanwhile")
        }
    }
}

extension GatehouseStore: AccessRequestStore {
    public func requestAccess(_ request: AccessRequest) async throws -> (request: AccessRequest, isNew: Bool) {
        try await sql.transaction { db in
            // The partial unique index refuses a second pending request, even from a racing node.
            try await db.raw(
                """
                INSERT INTO access_requests (id, user_id, app_id, note, state, requested_at)
                VALUES (\(bind: request.id.rawValue), \(bind: request.user.rawValue), \(bind: request.app.rawValue),
                \(bind: request.note), 'pending', \(bind: Timestamp.milliseconds(request.requestedAt)))
                ON CONFLICT DO NOTHING
                """
            ).run()
            guard
                let row = try await db.raw(
                    """
                    SELECT \(AccessRequestRepository.columns) FROM access_requests r \(AccessRequestRepository.joins)
                    WHERE r.user_id = \(bind: request.user.rawValue) AND r.app_id = \(bind: request.app.rawValue)
                    AND r.state = 'pending'
                    """
                ).first()
            else { throw StorageError.notFound("user \(request.user) or app \(request.app)") }
            let pending = try AccessRequestRepository.listed(row).request
            return (pending, pending.id == request.id)
        }
    }

    /// One request by id.
    public func accessRequest(id: AccessRequestID) async throws -> ListedAccessRequest? {
        try await sql.read { db in
            try await db.raw(
                """
                SELECT \(AccessRequestRepository.columns) FROM access_requests r \(AccessRequestRepository.joins)
                WHERE r.id = \(bind: id.rawValue)
                """
            ).first().map(AccessRequestRepository.listed)
        }
    }

    /// Requests newest first, in one state (nil: all) and of one user (nil: all), after `boundary`
    /// ("<requested at ms> <id>"), a page at a time.
    public func accessRequests(
        state: AccessRequest.State?, user: UserID? = nil, app: ConnectedAppID? = nil, after boundary: String?,
        limit: Int
    ) async throws -> [ListedAccessRequest] {
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        var filter: SQLQueryString = "WHERE 1 = 1"
        if let state { filter = "\(filter) AND r.state = \(bind: state.rawValue)" }
        if let user { filter = "\(filter) AND r.user_id = \(bind: user.rawValue)" }
        if let app { filter = "\(filter) AND r.app_id = \(bind: app.rawValue)" }
        if let boundary {
            let parts = boundary.split(separator: " ", maxSplits: 1).map(String.init)
            let time = Int64(parts.first ?? "") ?? Int64.max
            let id = parts.count > 1 ? parts[1] : ""
            filter =
                """
                \(filter) AND (r.requested_at < \(bind: time) \
                OR (r.requested_at = \(bind: time) AND r.id \(collate) < \(bind: id)))
                """
        }
        return try await sql.read { [filter] db in
            try await db.raw(
                """
                SELECT \(AccessRequestRepository.columns) FROM access_requests r \(AccessRequestRepository.joins)
                \(filter) ORDER BY r.requested_at DESC, r.id \(collate) DESC LIMIT \(bind: max(1, limit))
                """
            ).all().map(AccessRequestRepository.listed)
        }
    }

    public func latestAccessRequest(user: UserID, app: ConnectedAppID) async throws -> AccessRequest? {
        try await accessRequests(state: nil, user: user, app: app, after: nil, limit: 1).first?.request
    }

    public func accessRequests(of user: UserID, limit: Int) async throws -> [AccessRequest] {
        try await accessRequests(state: nil, user: user, after: nil, limit: limit).map(\.request)
    }

    /// How many requests wait for an admin.
    public func pendingAccessRequestCount() async throws -> Int {
        try await sql.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM access_requests WHERE state = 'pending'").first()?.value(
                "n", as: Int.self) ?? 0
        }
    }
}

extension ListedAccessRequest {
    /// The listing cursor after this request.
    public var boundary: String { "\(Timestamp.milliseconds(request.requestedAt)) \(request.id.rawValue)" }
}

/// An access request's decision, written with the change that grants the app, and its audit event.
public struct DecidedAccessRequest: Sendable {
    public var id: AccessRequestID
    public var state: AccessRequest.State
    public var decision: AccessRequest.Decision
    public var event: AuditEvent

    public init(id: AccessRequestID, state: AccessRequest.State, decision: AccessRequest.Decision, event: AuditEvent) {
        self.id = id
        self.state = state
        self.decision = decision
        self.event = event
    }
}
