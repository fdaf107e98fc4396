import Foundation
import GatehouseCore
import SQLKit

/// Approvals in the database. Every write moves the `approvals` change counter in the same transaction (and
/// notifies on PostgreSQL), so that every node reloads its in-memory ``ApprovalBook``.
enum ApprovalRepository {
    static let counter = "approvals"

    static func record(_ approval: Approval, in sql: any SQLStore) async throws {
        let kind = sql.kind
        try await sql.transaction { db in
            let existing = try await db.raw(
                """
                SELECT scopes FROM approvals
                WHERE user_id = \(bind: approval.user.rawValue) AND app_id = \(bind: approval.app.rawValue)
                """
            ).first().map { Scopes(parameter: try $0.value("scopes")) ?? Scopes([]) }
            let scopes = Scopes((existing?.values ?? []) + approval.scopes.values)
            try await db.raw(
                """
                INSERT INTO approvals (user_id, app_id, scopes, approved_at)
                VALUES (\(bind: approval.user.rawValue), \(bind: approval.app.rawValue), \(bind: scopes.description),
                \(bind: Timestamp.milliseconds(approval.approvedAt)))
                ON CONFLICT (user_id, app_id) DO UPDATE SET scopes = excluded.scopes, approved_at = excluded.approved_at
                """
            ).run()
            try await bump(in: db, kind: kind)
        }
    }

    /// Deletes the approvals of an app (of one user's, when given), inside the caller's transaction.
    /// With a user, also records when their grants of the app ended (their JWTs issued before are then refused).
    static func remove(
        app: ConnectedAppID, user: UserID?, at time: Date, in db: any SQLDatabase, kind: DatabaseKind
    ) async throws {
        let userFilter: SQLQueryString = user.map { "AND user_id = \(bind: $0.rawValue)" } ?? ""
        try await db.raw("DELETE FROM approvals WHERE app_id = \(bind: app.rawValue) \(userFilter)").run()
        if let user {
            try await db.raw(
                """
                INSERT INTO grant_revocations (user_id, app_id, revoked_at)
                VALUES (\(bind: user.rawValue), \(bind: app.rawValue), \(bind: Timestamp.milliseconds(time)))
                ON CONFLICT (user_id, app_id) DO UPDATE SET revoked_at = excluded.revoked_at
                """
            ).run()
        }
        try await bump(in: db, kind: kind)
    }

    static func loadAll(in db: any SQLDatabase) async throws -> (book: ApprovalBook, version: Int64) {
        let version = try await self.version(in: db)
        let approvals = try await db.raw("SELECT user_id, app_id, scopes, approved_at FROM approvals").all().map {
            row in
            Approval(
                user: UserID(rawValue: try row.value("user_id")),
                app: ConnectedAppID(rawValue: try row.value("app_id")),
                scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
                approvedAt: try row.date("approved_at"))
        }
        let revocations = try await db.raw("SELECT user_id, app_id, revoked_at FROM grant_revocations").all().map {
            row in
            (
                user: UserID(rawValue: try row.value("user_id")),
                app: ConnectedAppID(rawValue: try row.value("app_id")),
                at: try row.date("revoked_at")
            )
        }
        return (ApprovalBook(approvals, revocations: revocations), version)
    }

    static func version(in db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT value FROM change_counters WHERE name = \(bind: counter)").first()?.value("value")
            ?? 0
    }

    private static func bump(in db: any SQLDatabase, kind: DatabaseKind) async throws {
        try await ChangeCounters.bump(counter, in: db, kind: kind)
    }
}

/// Every node's in-memory approvals, with the counter value they were loaded at.
public final class LiveApprovals: Sendable {
    private let state: Live<(book: ApprovalBook, version: Int64)>

    public init(book: ApprovalBook = ApprovalBook(), version: Int64 = -1) { state = Live((book, version)) }

    public var current: ApprovalBook { state.current.book }
    public var version: Int64 { state.current.version }

    /// Applies a change made on this node at once, ahead of the reload that the counter will cause.
    public func update(_ change: (inout ApprovalBook) -> Void) {
        state.modify { change(&$0.book) }
    }

    /// Replaces the book with one read at `version`, unless a newer one is held already (two refreshes at once).
    public func replace(with book: ApprovalBook, version: Int64) {
        state.modify { if version >= $0.version { $0 = (book, version) } }
    }
}

extension GatehouseStore {
    /// Every approval, and the counter value they are current for.
    public func loadApprovals() async throws -> (book: ApprovalBook, version: Int64) {
        try await sql.transaction { db in try await ApprovalRepository.loadAll(in: db) }
    }

    /// Approvals, of one user or one app or both (nil: any), each with its user's username, by index.
    public func approvals(user: UserID?, app: ConnectedAppID?) async throws -> [(approval: Approval, username: String)]
    {
        var conditions: [SQLQueryString] = []
        if let user { conditions.append("a.user_id = \(bind: user.rawValue)") }
        if let app { conditions.append("a.app_id = \(bind: app.rawValue)") }
        var filter: SQLQueryString = ""
        for (index, condition) in conditions.enumerated() {
            filter = index == 0 ? "WHERE \(condition)" : "\(filter) AND \(condition)"
        }
        return try await sql.read { [filter] db in
            try await db.raw(
                """
                SELECT a.user_id, a.app_id, a.scopes, a.approved_at, u.username FROM approvals a
                JOIN users u ON u.id = a.user_id \(filter)
                """
            ).all().map { row in
                (
                    Approval(
                        user: UserID(rawValue: try row.value("user_id")),
                        app: ConnectedAppID(rawValue: try row.value("app_id")),
                        scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
                        approvedAt: try row.date("approved_at")),
                    try row.value("username")
                )
            }
        }
    }

    /// Approvals of one user or one app or both, in (app id, user id) order after `boundary` ("<app id> <user id>"),
    /// a page at a time.
    public func approvals(user: UserID?, app: ConnectedAppID?, after boundary: String?, limit: Int) async throws
        -> [(approval: Approval, username: String)]
    {
        // Byte order on both databases, in the comparison and the sort alike (ids hold hyphens, which a locale's
        // collation may skip).
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        var filter: SQLQueryString = "WHERE 1 = 1"
        if let user { filter = "\(filter) AND a.user_id = \(bind: user.rawValue)" }
        if let app { filter = "\(filter) AND a.app_id \(collate) = \(bind: app.rawValue)" }
        if let boundary {
            let parts = boundary.split(separator: " ", maxSplits: 1).map(String.init)
            let (afterApp, afterUser) = (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            // A row comparison, which both databases answer by a range of the (app, user) index: a page deep in
            // an app's approvals reads its own rows, not every row before them.
            filter =
                """
                \(filter) AND (a.app_id \(collate), a.user_id \(collate)) > (\(bind: afterApp), \(bind: afterUser))
                """
        }
        return try await sql.read { [filter] db in
            try await db.raw(
                """
                SELECT a.user_id, a.app_id, a.scopes, a.approved_at, u.username FROM approvals a
                JOIN users u ON u.id = a.user_id \(filter)
                ORDER BY a.app_id \(collate), a.user_id \(collate) LIMIT \(bind: max(1, limit))
                """
            ).all().map { row in
                (
                    Approval(
                        user: UserID(rawValue: try row.value("user_id")),
                        app: ConnectedAppID(rawValue: try row.value("app_id")),
                        scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
                        approvedAt: try row.date("approved_at")),
                    try row.value("username")
                )
            }
        }
    }

    /// One user's approval of one app, by primary key.
    public func approval(user: UserID, app: ConnectedAppID) async throws -> Approval? {
        try await sql.read { db in
            try await db.raw(
                """
                SELECT scopes, approved_at FROM approvals
                WHERE user_id = \(bind: user.rawValue) AND app_id = \(bind: app.rawValue)
                """
            ).first().map { row in
                Approval(
                    user: user, app: app, scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
                    approvedAt: try row.date("approved_at"))
            }
        }
    }
}

extension GatehouseStore {
    /// The apps `user` has approved or holds unrevoked grants of, for their account page; one entry per app.
    public func accountAccess(of user: UserID) async throws -> [AccountAccess] {
        try await sql.read { db in
            var byApp: [ConnectedAppID: AccountAccess] = [:]
            for row in try await db.raw(
                "SELECT app_id, scopes, approved_at FROM approvals WHERE user_id = \(bind: user.rawValue)"
            ).all() {
                let app = ConnectedAppID(rawValue: try row.value("app_id"))
                let approval = Approval(
                    user: user, app: app, scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
                    approvedAt: try row.date("approved_at"))
                byApp[app] = AccountAccess(
                    app: app, approval: approval, liveGrants: 0, scopes: approval.scopes, since: approval.approvedAt)
            }
            for row in try await db.raw(
                """
                SELECT app_id, scopes, created_at FROM grants
                WHERE user_id = \(bind: user.rawValue) AND revoked_at IS NULL
                """
            ).all() {
                let app = ConnectedAppID(rawValue: try row.value("app_id"))
                let scopes = Scopes(parameter: try row.value("scopes")) ?? Scopes([])
                let created = try row.date("created_at")
                var access =
                    byApp[app] ?? AccountAccess(app: app, approval: nil, liveGrants: 0, scopes: scopes, since: created)
                access.liveGrants += 1
                access.scopes = Scopes(access.scopes.values + scopes.values)
                access.since = min(access.since, created)
                byApp[app] = access
            }
            return Array(byApp.values)
        }
    }
}
