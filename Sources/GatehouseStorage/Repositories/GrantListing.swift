import Foundation
import GatehouseCore
import SQLKit

/// A grant not revoked, as admins list it: who holds it for which app, since when, last used when.
public struct LiveGrant: Sendable, Equatable {
    public var id: GrantID
    public var app: ConnectedAppID
    public var user: UserID?
    public var username: String?
    public var scopes: Scopes
    /// The flow that made it (`authorization_code`, `jwt_bearer`, …).
    public var flow: String
    public var createdAt: Date
    /// The last refresh, if it has a refresh token.
    public var lastUsedAt: Date?
}

extension GatehouseStore {
    /// How many grants of `app` (of `user`'s alone, if named) are not revoked: what revoking them would end.
    public func liveGrantCount(app: ConnectedAppID, user: UserID?) async throws -> Int {
        let userFilter: SQLQueryString = user.map { "AND user_id = \(bind: $0.rawValue)" } ?? ""
        return try await sql.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM grants WHERE app_id = \(bind: app.rawValue) \(userFilter) \
                AND revoked_at IS NULL
                """
            ).first()?.value("n", as: Int.self) ?? 0
        }
    }

    /// Grants not revoked of one app or one user or both, in id order after `id` (exclusive), a page at a time, by
    /// index.
    public func liveGrants(app: ConnectedAppID?, user: UserID?, after id: String?, limit: Int) async throws
        -> [LiveGrant]
    {
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        var conditions: SQLQueryString = "g.revoked_at IS NULL"
        if let app { conditions = "\(conditions) AND g.app_id = \(bind: app.rawValue)" }
        if let user { conditions = "\(conditions) AND g.user_id = \(bind: user.rawValue)" }
        if let id { conditions = "\(conditions) AND g.id \(collate) > \(bind: id)" }
        return try await sql.read { [conditions, collate] db in
            try await db.raw(
                """
                SELECT g.id, g.app_id, g.user_id, u.username, g.scopes, g.flow, g.created_at,
                (SELECT MAX(r.last_used_at) FROM refresh_tokens r WHERE r.grant_id = g.id) AS last_used_at
                FROM grants g LEFT JOIN users u ON u.id = g.user_id WHERE \(conditions)
                ORDER BY g.id \(collate) LIMIT \(bind: max(1, limit))
                """
            ).all().map { row in
                LiveGrant(
                    id: GrantID(rawValue: try row.value("id")),
                    app: ConnectedAppID(rawValue: try row.value("app_id")),
                    user: try row.value("user_id", as: String?.self).map(UserID.init),
                    username: try row.value("username", as: String?.self),
                    scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]), flow: try row.value("flow"),
                    createdAt: try row.date("created_at"),
                    lastUsedAt: try row.value("last_used_at", as: Int64?.self).map(Timestamp.date))
            }
        }
    }
}
