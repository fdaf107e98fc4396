import Foundation
import GatehouseCore
import SQLKit

/// Reads what an impact preview decides on (ADR 8): the users within an ``ImpactScope`` and how they use apps, by
/// index, in a few statements per part of the scope whatever the user count.
enum ImpactReader {
    /// The users in `scope`, their versions, and their approvals and live grants.
    static func read(_ scope: ImpactScope, _ db: any SQLDatabase) async throws -> (
        users: [User], versions: [EntityRef: Int64], usage: AppUsage
    ) {
        var users: [UserID: User] = [:]
        var versions: [EntityRef: Int64] = [:]
        var usage = AppUsage()
        for condition in conditions(scope) {
            var sets: [String: [String]] = [:]
            for row in try await db.raw(
                """
                SELECT s.user_id, s.permission_set_id FROM user_permission_sets s
                WHERE s.user_id IN (SELECT u.id FROM users u WHERE \(condition))
                """
            ).all() {
                sets[try row.value("user_id", as: String.self), default: []].append(try row.value("permission_set_id"))
            }
            for row in try await db.raw(
                """
                SELECT u.id, u.username, u.email, u.display_name, u.is_active, u.password_hash, u.profile_id, u.version
                FROM users u WHERE \(condition)
                """
            ).all() {
                let id: String = try row.value("id")
                let user = try DirectoryReader.user(row, permissionSets: sets[id, default: []])
                users[user.id] = user
                versions[.user(user.id)] = try row.value("version")
            }
            for row in try await db.raw(
                """
                SELECT app_id, user_id, COUNT(*) AS live FROM grants
                WHERE revoked_at IS NULL AND user_id IN (SELECT u.id FROM users u WHERE \(condition))
                GROUP BY app_id, user_id
                """
            ).all() {
                usage.liveGrants[try pair(row)] = Int(try row.value("live", as: Int64.self))
            }
            for row in try await db.raw(
                "SELECT user_id, app_id FROM approvals WHERE user_id IN (SELECT u.id FROM users u WHERE \(condition))"
            ).all() {
                usage.approvals.insert(try pair(row))
            }
        }
        return (users.values.sorted { $0.id < $1.id }, versions, usage)
    }

    private static func pair(_ row: any SQLRow) throws -> AppUsage.Pair {
        AppUsage.Pair(
            user: UserID(rawValue: try row.value("user_id")), app: ConnectedAppID(rawValue: try row.value("app_id")))
    }

    /// One condition on `users u` per part of the scope, each binding at most 500 ids.
    private static func conditions(_ scope: ImpactScope) -> [SQLQueryString] {
        var conditions: [SQLQueryString] = []
        for ids in chunks(scope.users.map(\.rawValue)) { conditions.append("u.id IN (\(list(ids)))") }
        for ids in chunks(scope.profiles.map(\.rawValue)) { conditions.append("u.profile_id IN (\(list(ids)))") }
        for ids in chunks(scope.permissionSets.map(\.rawValue)) {
            conditions.append(
                "u.id IN (SELECT user_id FROM user_permission_sets WHERE permission_set_id IN (\(list(ids))))")
        }
        for ids in chunks(scope.apps.map(\.rawValue)) {
            // Who may use the app (a profile or permission set grants it) and who uses it (an approval, a grant).
            conditions += [
                "u.profile_id IN (SELECT profile_id FROM profile_connected_apps WHERE app_id IN (\(list(ids))))",
                """
                u.id IN (SELECT s.user_id FROM user_permission_sets s JOIN permission_set_connected_apps a
                ON a.permission_set_id = s.permission_set_id WHERE a.app_id IN (\(list(ids))))
                """,
                "u.id IN (SELECT user_id FROM grants WHERE app_id IN (\(list(ids))) AND revoked_at IS NULL)",
                "u.id IN (SELECT user_id FROM approvals WHERE app_id IN (\(list(ids))))",
            ]
        }
        return conditions
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
    public func impactPreview(of changes: [DirectoryChange], basedOn directory: Directory, at time: Date)
        async throws -> AccessImpact
    {
        let scope = ImpactScope(of: changes)
        var before = directory
        var usage = AppUsage()
        if !scope.isEmpty {
            let kind = sql.kind
            let found = try await StorageDeadlines.$operationLimit.withValue(StorageDeadlines.bulkRead) {
                try await sql.transaction { db in
                    if kind == .postgres { try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
                    return try await ImpactReader.read(scope, db)
                }
            }
            // The directory's own copies stay: they are what the changes were computed from.
            for user in found.users where before.users[user.id] == nil {
                before.upsert(user)
                before.setVersion(found.versions[.user(user.id)], of: .user(user.id))
            }
            usage = found.usage
            // A directory read around the changed entities may lack other profiles and permission sets the users
            // hold, through which they may still have the app: read those too.
            var missing: Set<EntityRef> = []
            for user in found.users {
                if before.profiles[user.profile] == nil { missing.insert(.profile(user.profile)) }
                for set in user.permissionSets where before.permissionSets[set] == nil {
                    missing.insert(.permissionSet(set))
                }
            }
            if !missing.isEmpty {
                let bundles = try await sql.read { [missing] db in try await DirectoryReader.entities(missing, db) }
                for profile in bundles.profiles { before.upsert(profile) }
                for set in bundles.permissionSets { before.upsert(set) }
                for (ref, version) in bundles.versions { before.setVersion(version, of: ref) }
            }
        }
        return AccessImpact.of(changes, before: before, after: before.applying(changes), usage: usage, at: time)
    }
}
