import Foundation
import GatehouseCore
import SQLKit

/// Reads what an impact preview decides on (ADR 8): the users within an ``ImpactScope`` and how they use the apps
/// in question, by index. Each part of the scope (at most 500 ids) costs two statements whatever the user count: one
/// reads its users with their permission sets, one its approvals and live grants.
enum ImpactReader {
    /// The users in `scope` (each once, in no order) and their approvals and live grants of the apps in question.
    static func read(_ scope: ImpactScope, _ db: any SQLDatabase, kind: DatabaseKind) async throws -> (
        users: [User], usage: AppUsage
    ) {
        var users: [UserID: User] = [:]
        var usage = AppUsage()
        // Permission-set ids are Gatehouse's own (UUIDs): a comma never occurs in one.
        let sets: SQLQueryString =
            kind == .postgres ? "string_agg(s.permission_set_id, ',')" : "group_concat(s.permission_set_id, ',')"
        for part in parts(scope) {
            // MATERIALIZED: folded into the join, SQLite read the permission-set branch by scanning every assignment.
            for row in try await db.raw(
                """
                WITH reach(id) AS MATERIALIZED (\(part.reach))
                SELECT u.id, u.username, u.email, u.display_name, u.is_active, u.password_hash, u.profile_id,
                (SELECT \(sets) FROM user_permission_sets s WHERE s.user_id = u.id) AS permission_sets
                FROM reach JOIN users u ON u.id = reach.id
                """
            ).all() {
                // A user reached two ways (a profile and an approval) comes twice: decoded once.
                let id = UserID(rawValue: try row.value("id"))
                guard users[id] == nil else { continue }
                let held = try row.value("permission_sets", as: String?.self)
                users[id] = try DirectoryReader.user(
                    row,
                    permissionSets: held.map { ids in
                        ids.utf8.split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
                    } ?? [])
            }
            for row in try await db.raw(
                """
                SELECT user_id, app_id, COUNT(*) AS live, 0 AS approved FROM grants
                WHERE revoked_at IS NULL AND user_id IS NOT NULL AND \(part.usage) GROUP BY user_id, app_id
                UNION ALL SELECT user_id, app_id, 0 AS live, 1 AS approved FROM approvals WHERE \(part.usage)
                """
            ).all() {
                let pair = AppUsage.Pair(
                    user: UserID(rawValue: try row.value("user_id")),
                    app: ConnectedAppID(rawValue: try row.value("app_id")))
                let live = Int(try row.value("live", as: Int64.self))
                if live > 0 { usage.liveGrants[pair] = live }
                if try row.value("approved", as: Int64.self) == 1 { usage.approvals.insert(pair) }
            }
        }
        return (Array(users.values), usage)
    }

    /// One part of a scope: who it reaches (a query of user ids, which may repeat one), and which approvals and
    /// grants matter for it (a condition on `user_id` and `app_id`): every app of a changed user, the changed apps
    /// of everyone, every app of a changed profile's or permission set's holders.
    private struct Part {
        var reach: SQLQueryString
        var usage: SQLQueryString
    }

    private static func parts(_ scope: ImpactScope) -> [Part] {
        var parts: [Part] = []
        for ids in chunks(scope.users.map(\.rawValue)) {
            parts.append(
                Part(reach: "SELECT id FROM users WHERE id IN (\(list(ids)))", usage: "user_id IN (\(list(ids)))"))
        }
        for ids in chunks(scope.profiles.map(\.rawValue)) {
            let holders: SQLQueryString = "SELECT id FROM users WHERE profile_id IN (\(list(ids)))"
            parts.append(Part(reach: holders, usage: "user_id IN (\(holders))"))
        }
        for ids in chunks(scope.permissionSets.map(\.rawValue)) {
            let holders: SQLQueryString =
                "SELECT user_id FROM user_permission_sets WHERE permission_set_id IN (\(list(ids)))"
            parts.append(Part(reach: holders, usage: "user_id IN (\(holders))"))
        }
        for ids in chunks(scope.apps.map(\.rawValue)) {
            // Who may use the apps (a profile or permission set grants them) and who uses them (an approval, a grant).
            parts.append(
                Part(
                    reach: """
                        SELECT id FROM users WHERE profile_id IN
                        (SELECT profile_id FROM profile_connected_apps WHERE app_id IN (\(list(ids))))
                        UNION ALL SELECT s.user_id FROM user_permission_sets s JOIN permission_set_connected_apps a
                        ON a.permission_set_id = s.permission_set_id WHERE a.app_id IN (\(list(ids)))
                        UNION ALL SELECT user_id FROM grants WHERE app_id IN (\(list(ids))) AND revoked_at IS NULL
                        UNION ALL SELECT user_id FROM approvals WHERE app_id IN (\(list(ids)))
                        """,
                    usage: "app_id IN (\(list(ids)))"))
        }
        return parts
    }

    private static func chunks(_ ids: [String]) -> [[String]] {
        let sorted = ids.sorted()
        return stride(from: 0, to: sorted.count, by: 500).map { Array(sorted[$0..<min($0 + 500, sorted.count)]) }
    }

    private static func list(_ ids: [String]) -> SQLQueryString {
        var query: SQLQueryString = ""
        for (index, id) in ids.enumerated() { query = index == 0 ? "\(bind: id)" : "\(query), \(bind: id)" }
        return query
    }
}

extension GatehouseStore {
    /// Who would lose access through `changes` computed from `directory`, and how many live grants would end: the
    /// users in reach of the changes (``ImpactScope``) read by index, then the decision before and after for each.
    /// The users are decided beside the directory, not added to it: the directory stays the size of what the
    /// changes touch, so applying them to it costs what they cost.
    public func impactPreview(of changes: [DirectoryChange], basedOn directory: Directory, at time: Date)
        async throws -> AccessImpact
    {
        let scope = ImpactScope(of: changes)
        var before = directory
        var users: [User] = []
        var usage = AppUsage()
        if !scope.isEmpty {
            let kind = sql.kind
            // On PostgreSQL one snapshot (it holds up no one). On SQLite a transaction would be the writer's and hold
            // every token request's write for as long as the preview reads; its readers serve each statement from a
            // snapshot of its own instead, so a grant made between the two statements may be missed: a preview.
            let found = try await StorageDeadlines.$operationLimit.withValue(StorageDeadlines.bulkRead) {
                if kind == .postgres {
                    return try await sql.transaction { db in
                        try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run()
                        return try await ImpactReader.read(scope, db, kind: kind)
                    }
                }
                return try await sql.read { db in try await ImpactReader.read(scope, db, kind: kind) }
            }
            // The directory's own copies win: they are what the changes were computed from.
            users = found.users.map { directory.users[$0.id] ?? $0 }
            usage = found.usage
            // A directory read around the changed entities may lack other profiles and permission sets the users
            // hold, through which they may still have the app: read those too.
            var missing: Set<EntityRef> = []
            for user in users {
                if before.profiles[user.profile] == nil { missing.insert(.profile(user.profile)) }
                for set in user.permissionSets where before.permissionSets[set] == nil {
                    missing.insert(.permissionSet(set))
                }
            }
            if !missing.isEmpty {
                let bundles = try await sql.read { [missing] db in try await DirectoryReader.entities(missing, db) }
                for profile in bundles.profiles { before.upsert(profile) }
                for set in bundles.permissionSets { before.upsert(set) }
            }
        }
        return AccessImpact.of(
            changes, before: before, after: before.applying(changes), users: users, usage: usage, at: time)
    }
}
