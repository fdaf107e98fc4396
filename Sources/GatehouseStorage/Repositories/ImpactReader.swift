import Foundation
import GatehouseCore
import SQLKit

/// Reads what an impact preview decides on (ADR 8): the users within an ``ImpactScope`` and how they use the apps
/// in question, by index. Each part of the scope (at most 500 ids) costs two statements whatever the user count:
/// its users with the permission sets they hold that can matter (one statement, so one snapshot), and their
/// approvals and live grants.
///
/// Users are read as the decision sees them (``AccessPolicy/UserFacts``): id, name, activity and profile; no email,
/// display name or password hash. A user changed by the changes comes with every permission set they hold, since
/// every app is in question for them. Anyone else comes only with the permission sets that grant an app in question
/// or are changed themselves: the others cannot change what the decision says about those apps, and leaving them
/// out lets the preview decide once for each kind of user instead of once for each user.
enum ImpactReader {
    /// The users in `scope` (each once, in no order) and their approvals and live grants of the apps in question.
    static func read(_ scope: ImpactScope, at time: Date, _ db: any SQLDatabase, kind: DatabaseKind) async throws
        -> (users: [User], usage: AppUsage)
    {
        var users: [User] = []
        var indexOf: [UserID: Int] = [:]
        var usage = AppUsage()
        // Permission-set ids are Gatehouse's own (UUIDs): a comma never occurs in one.
        let aggregate: SQLQueryString =
            kind == .postgres ? "string_agg(permission_set_id, ',')" : "group_concat(permission_set_id, ',')"
        for part in parts(scope) {
            let rows = try await db.raw(
                """
                WITH held(user_id, sets) AS MATERIALIZED
                (SELECT user_id, \(aggregate) FROM user_permission_sets WHERE \(part.sets) GROUP BY user_id)
                SELECT u.id, u.username, u.is_active, u.profile_id, held.sets
                FROM (\(part.users)) u LEFT JOIN held ON held.user_id = u.id
                """
            ).all()
            indexOf.reserveCapacity(users.count + rows.count)
            for row in rows {
                // A user reached two ways (a profile and an approval) comes twice: decoded once, with the sets that
                // matter to any part that reads them.
                let id = UserID(rawValue: try row.value("id"))
                let sets = try row.value("sets", as: String?.self).map { ids in
                    ids.utf8.split(separator: UInt8(ascii: ",")).map {
                        PermissionSetID(rawValue: String(decoding: $0, as: UTF8.self))
                    }
                }
                if let index = indexOf[id] {
                    if let sets { users[index].permissionSets.formUnion(sets) }
                    continue
                }
                indexOf[id] = users.count
                users.append(
                    User(
                        id: id, username: try row.value("username"), email: "", isActive: try row.value("is_active"),
                        profile: ProfileID(rawValue: try row.value("profile_id")), permissionSets: Set(sets ?? [])))
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
        if !scope.replayed.isEmpty {
            let since = time.addingTimeInterval(-SignInReplay.window)
            let read = try await signIns(of: scope.replayed, since: since, db)
            // At the limit, the history read starts at its oldest sign-in, not at the window's start: say so.
            usage.signInsSince = read.count >= SignInReplay.limit ? (read.map(\.at).min() ?? since) : since
            usage.signIns = read
        }
        return (users, usage)
    }

    /// The flows the address and hours checks can refuse (introspection, userinfo and the admin API are never checked).
    private static let replayedFlows = [AccessFlow.authorize, .codeExchange, .refresh, .clientCredentials, .jwtBearer]
        .map(\.rawValue)

    /// The latest allowed sign-ins (at most ``SignInReplay/limit``; report-only ones too, whose users the address and
    /// hours checks still govern) since `since` of the users replayed, the holders of the profiles replayed and the
    /// users of the apps replayed. Read by the login-history indexes by user and by app, one statement for each part
    /// of at most 500 ids.
    private static func signIns(of replayed: ImpactScope.Replayed, since: Date, _ db: any SQLDatabase) async throws
        -> [SignInOnRecord]
    {
        var conditions: [SQLQueryString] = []
        for ids in chunks(replayed.users.map(\.rawValue)) { conditions.append("user_id IN (\(list(ids)))") }
        for ids in chunks(replayed.profiles.map(\.rawValue)) {
            conditions.append("user_id IN (SELECT id FROM users WHERE profile_id IN (\(list(ids))))")
        }
        for ids in chunks(replayed.apps.map(\.rawValue)) { conditions.append("app_id IN (\(list(ids)))") }
        var found: [(id: Int64, signIn: SignInOnRecord)] = []
        for condition in conditions {
            let rows = try await db.raw(
                """
                SELECT id, user_id, app_id, flow, occurred_at, client_ip FROM login_events
                WHERE result IN (\(bind: LoginResult.allowed.rawValue), \(bind: LoginResult.wouldRefuse.rawValue))
                AND flow IN (\(list(replayedFlows))) AND occurred_at >= \(bind: Timestamp.milliseconds(since))
                AND user_id IS NOT NULL AND app_id IS NOT NULL AND \(condition)
                ORDER BY occurred_at DESC LIMIT \(unsafeRaw: String(SignInReplay.limit))
                """
            ).all()
            for row in rows {
                // A flow this version does not know cannot be replayed.
                guard let flow = AccessFlow(rawValue: try row.value("flow")) else { continue }
                let signIn = SignInOnRecord(
                    user: UserID(rawValue: try row.value("user_id")),
                    app: ConnectedAppID(rawValue: try row.value("app_id")), flow: flow,
                    at: try row.date("occurred_at"), clientIP: try row.value("client_ip"))
                found.append((try row.value("id"), signIn))
            }
        }
        // Parts may overlap (a user moved and an app changed): the latest `limit` overall, each once.
        guard conditions.count > 1 else { return found.map(\.signIn) }
        var seen: Set<Int64> = []
        return Array(
            found.sorted { $0.signIn.at > $1.signIn.at }.filter { seen.insert($0.id).inserted }.map(\.signIn)
                .prefix(SignInReplay.limit))
    }

    /// One part of a scope: a query of its users (`id, username, is_active, profile_id`; one may come twice), which
    /// of their permission sets to read (a condition on `user_id` and `permission_set_id` of `user_permission_sets`),
    /// and which approvals and grants matter (a condition on `user_id` and `app_id`). The users changed come first,
    /// with all their sets: every app of theirs is in question. Then the holders of a changed profile or permission
    /// set, for the apps it granted; then everyone who may use or uses a changed app.
    private struct Part {
        var users: SQLQueryString
        var sets: SQLQueryString
        var usage: SQLQueryString
    }

    private static let columns: SQLQueryString = "id, username, is_active, profile_id"

    /// Past this many changed permission sets, their ids are not listed in each statement (PostgreSQL takes at most
    /// 65,535 values in one): the users in reach are read with every set they hold instead.
    static let listedChangedSets = 1_000

    private static func parts(_ scope: ImpactScope) -> [Part] {
        var parts: [Part] = []
        let changedSets = scope.permissionSets.map(\.rawValue).sorted()
        /// The permission sets that can change a decision on `apps`: those granting one of them, and those changed;
        /// nil for all of them, when too many are changed to list.
        func matter(_ apps: SQLQueryString) -> SQLQueryString? {
            guard changedSets.count <= listedChangedSets else { return nil }
            let granting: SQLQueryString =
                "permission_set_id IN (SELECT permission_set_id FROM permission_set_connected_apps WHERE app_id IN (\(apps)))"
            return changedSets.isEmpty ? granting : "(\(granting) OR permission_set_id IN (\(list(changedSets))))"
        }
        func sets(_ apps: SQLQueryString, holders: SQLQueryString) -> SQLQueryString {
            matter(apps).map { "\($0) AND \(holders)" } ?? holders
        }
        for ids in chunks(scope.users.map(\.rawValue)) {
            parts.append(
                Part(
                    users: "SELECT \(columns) FROM users WHERE id IN (\(list(ids)))", sets: "user_id IN (\(list(ids)))",
                    usage: "user_id IN (\(list(ids)))"))
        }
        for ids in chunks(scope.profiles.map(\.rawValue)) {
            let holders: SQLQueryString = "SELECT id FROM users WHERE profile_id IN (\(list(ids)))"
            let apps: SQLQueryString = "SELECT app_id FROM profile_connected_apps WHERE profile_id IN (\(list(ids)))"
            parts.append(
                Part(
                    users: "SELECT \(columns) FROM users WHERE profile_id IN (\(list(ids)))",
                    sets: sets(apps, holders: "user_id IN (\(holders))"),
                    usage: "user_id IN (\(holders)) AND app_id IN (\(apps))"))
        }
        for ids in chunks(scope.permissionSets.map(\.rawValue)) {
            let holders: SQLQueryString =
                "SELECT user_id FROM user_permission_sets WHERE permission_set_id IN (\(list(ids)))"
            let apps: SQLQueryString =
                "SELECT app_id FROM permission_set_connected_apps WHERE permission_set_id IN (\(list(ids)))"
            parts.append(
                Part(
                    users: "SELECT \(columns) FROM users WHERE id IN (\(holders))",
                    sets: sets(apps, holders: "user_id IN (\(holders))"),
                    usage: "user_id IN (\(holders)) AND app_id IN (\(apps))"))
        }
        for ids in chunks(scope.apps.map(\.rawValue)) {
            // Who may use the apps (a profile or permission set grants them) and who uses them (an approval, a grant).
            // The profiles' holders are read through the profile index, without a lookup by id each.
            let others: SQLQueryString = """
                SELECT s.user_id FROM user_permission_sets s JOIN permission_set_connected_apps a
                ON a.permission_set_id = s.permission_set_id WHERE a.app_id IN (\(list(ids)))
                UNION ALL SELECT user_id FROM grants WHERE app_id IN (\(list(ids))) AND revoked_at IS NULL
                UNION ALL SELECT user_id FROM approvals WHERE app_id IN (\(list(ids)))
                """
            let byProfile: SQLQueryString =
                "SELECT profile_id FROM profile_connected_apps WHERE app_id IN (\(list(ids)))"
            parts.append(
                Part(
                    users: """
                        SELECT \(columns) FROM users WHERE profile_id IN (\(byProfile))
                        UNION ALL SELECT \(columns) FROM users WHERE id IN (\(others))
                        """,
                    // The sets that matter, of whoever holds them: those holders not in reach are dropped by the join.
                    sets: matter(list(ids))
                        ?? "(user_id IN (SELECT id FROM users WHERE profile_id IN (\(byProfile))) OR user_id IN (\(others)))",
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
                        return try await ImpactReader.read(scope, at: time, db, kind: kind)
                    }
                }
                return try await sql.read { db in try await ImpactReader.read(scope, at: time, db, kind: kind) }
            }
            // The directory's own copies win: they are what the changes were computed from.
            users = directory.users.isEmpty ? found.users : found.users.map { directory.users[$0.id] ?? $0 }
            usage = found.usage
            // A directory read around the changed entities may lack other profiles and permission sets the users
            // hold, through which they may still have the app, and the apps of the sign-ins replayed: read those too.
            var missing: Set<EntityRef> = []
            for user in users {
                if before.profiles[user.profile] == nil { missing.insert(.profile(user.profile)) }
                for set in user.permissionSets where before.permissionSets[set] == nil {
                    missing.insert(.permissionSet(set))
                }
            }
            for signIn in usage.signIns where before.apps[signIn.app] == nil { missing.insert(.app(signIn.app)) }
            if !missing.isEmpty {
                let entities = try await sql.read { [missing] db in try await DirectoryReader.entities(missing, db) }
                for profile in entities.profiles { before.upsert(profile) }
                for set in entities.permissionSets { before.upsert(set) }
                for app in entities.apps { before.upsert(app) }
            }
        }
        let after = before.applying(changes)
        var impact = AccessImpact.of(changes, before: before, after: after, users: users, usage: usage, at: time)
        for (app, refused) in AssuranceImpact.raised(by: changes) {
            impact.assurance.append(
                AssuranceImpact(
                    app: app.name, highAssurance: app.highAssurance.rawValue,
                    grantsWithoutSecondFactor: try await liveGrantsWithoutSecondFactor(
                        "g.app_id = \(bind: app.id.rawValue)", at: time),
                    refusedGrantTypes: refused))
        }
        for newly in SecondFactorRequirementImpact.newlyRequired(by: changes, before: before, after: after) {
            // Sign-ins only: a run-as user's grants (the JWT bearer grant) are not asked for a second factor.
            var whose: [SQLQueryString] = []
            if newly.wholeProfile {
                var members: SQLQueryString =
                    "g.user_id IN (SELECT id FROM users WHERE profile_id = \(bind: newly.profile.id.rawValue))"
                if !newly.movedOut.isEmpty {
                    members += " AND g.user_id NOT IN (\(binds: newly.movedOut.map(\.rawValue)))"
                }
                whose.append("(" + members + ")")
            }
            if !newly.movedIn.isEmpty { whose.append("g.user_id IN (\(binds: newly.movedIn.map(\.rawValue)))") }
            guard !whose.isEmpty else { continue }
            let condition: SQLQueryString =
                "g.flow = \(bind: GrantFlow.authorizationCode.rawValue) AND (" + whose.joined(separator: " OR ") + ")"
            impact.secondFactorRequired.append(
                SecondFactorRequirementImpact(
                    profile: newly.profile.name,
                    grantsWithoutSecondFactor: try await liveGrantsWithoutSecondFactor(condition, at: time)))
        }
        return impact
    }

    /// The live grants matching `condition` (on `grants g`) with a refresh token still usable whose `amr` reaches no
    /// more than a password (``AuthenticationMethods/contextClass``): neither two factors (`mfa`) nor a passkey that
    /// verified its user (`hwk` or `swk` with `user`); made with a password alone, before methods were recorded, or
    /// without a user step.
    private func liveGrantsWithoutSecondFactor(_ condition: SQLQueryString, at time: Date) async throws -> Int {
        try await sql.read { db in
            let row = try await db.raw(
                """
                SELECT COUNT(*) AS n FROM grants g WHERE \(condition) AND g.revoked_at IS NULL
                AND (g.amr IS NULL OR NOT (g.amr LIKE '%"mfa"%'
                OR ((g.amr LIKE '%"hwk"%' OR g.amr LIKE '%"swk"%') AND g.amr LIKE '%"user"%')))
                AND EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.grant_id = g.id AND r.retired_at IS NULL
                AND (r.expires_at IS NULL OR r.expires_at > \(bind: Timestamp.milliseconds(time))))
                """
            ).first()
            return Int(try row?.value("n", as: Int64.self) ?? 0)
        }
    }
}
