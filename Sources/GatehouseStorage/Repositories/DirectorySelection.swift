import GatehouseCore
import SQLKit

/// What an admin use case reads of the directory (ADR 8): the entities it names, and around them what deciding,
/// explaining and previewing for them needs — never the whole directory, whose apps and permission sets may number
/// tens of thousands. For the named users: their profile and permission sets, the apps those grant, and the apps
/// they have approved or hold grants of. For the named apps: the profiles and permission sets that grant them. For
/// every app read: its run-as user. The result is closed under references (``Directory/integrityIssues()`` finds
/// nothing missing that exists).
public struct DirectorySelection: Sendable, Equatable {
    public var usernames: [String]
    public var profiles: [String]
    public var permissionSets: [String]
    /// Apps by name or client id.
    public var apps: [String]
    /// Entities by id (the admin API addresses them so), read as if named.
    public var ids: [EntityRef]

    public init(
        usernames: [String] = [], profiles: [String] = [], permissionSets: [String] = [], apps: [String] = [],
        ids: [EntityRef] = []
    ) {
        self.usernames = usernames
        self.profiles = profiles
        self.permissionSets = permissionSets
        self.apps = apps
        self.ids = ids
    }

    func ids(of kind: EntityKind) -> Set<String> { Set(ids.filter { $0.kind == kind }.map(\.id)) }
}

extension DirectoryReader {
    static func load(_ db: any SQLDatabase, selection: DirectorySelection) async throws -> Directory {
        let version = try await currentVersion(db)
        let userIDs = try await ids(
            db, "SELECT id FROM users WHERE username_key", selection.usernames.map(uniquenessKey)
        ).union(selection.ids(of: .user))
        var profileIDs = try await ids(
            db, "SELECT id FROM profiles WHERE name_key", selection.profiles.map(uniquenessKey)
        ).union(selection.ids(of: .profile))
        var setIDs = try await ids(
            db, "SELECT id FROM permission_sets WHERE name_key", selection.permissionSets.map(uniquenessKey)
        ).union(selection.ids(of: .permissionSet))
        let namedApps =
            try await ids(db, "SELECT id FROM connected_apps WHERE name_key", selection.apps.map(uniquenessKey))
            .union(try await ids(db, "SELECT id FROM connected_apps WHERE client_id", selection.apps))
            .union(selection.ids(of: .connectedApp))
        var rows = try await entities(Set(userIDs.map { .user(UserID(rawValue: $0)) }), db)
        for user in rows.users {
            profileIDs.insert(user.profile.rawValue)
            setIDs.formUnion(user.permissionSets.map(\.rawValue))
        }
        let sortedNamedApps = namedApps.sorted()
        profileIDs.formUnion(
            try await ids(db, "SELECT profile_id AS id FROM profile_connected_apps WHERE app_id", sortedNamedApps))
        setIDs.formUnion(
            try await ids(
                db, "SELECT permission_set_id AS id FROM permission_set_connected_apps WHERE app_id", sortedNamedApps))
        var appIDs = namedApps
        let sortedUsers = userIDs.sorted()
        appIDs.formUnion(try await ids(db, "SELECT app_id AS id FROM approvals WHERE user_id", sortedUsers))
        appIDs.formUnion(
            try await ids(
                db, "SELECT app_id AS id FROM grants WHERE revoked_at IS NULL AND user_id", sortedUsers))
        let bundles = try await entities(
            Set(profileIDs.map { .profile(ProfileID(rawValue: $0)) })
                .union(setIDs.map { .permissionSet(PermissionSetID(rawValue: $0)) }), db)
        for bundle in bundles.profiles { appIDs.formUnion(bundle.connectedApps.map(\.rawValue)) }
        for bundle in bundles.permissionSets { appIDs.formUnion(bundle.connectedApps.map(\.rawValue)) }
        let apps = try await entities(Set(appIDs.map { .app(ConnectedAppID(rawValue: $0)) }), db)
        let runAs = Set(apps.apps.compactMap(\.runAsUser)).subtracting(rows.users.map(\.id))
        let runAsUsers = try await entities(Set(runAs.map(EntityRef.user)), db)
        rows.users += runAsUsers.users
        // The run-as users' own profiles and permission sets, so that what is read stays closed under references.
        let read = Set(bundles.profiles.map { EntityRef.profile($0.id) })
            .union(bundles.permissionSets.map { .permissionSet($0.id) })
        var runAsBundleRefs: Set<EntityRef> = []
        for user in runAsUsers.users {
            runAsBundleRefs.insert(.profile(user.profile))
            for set in user.permissionSets { runAsBundleRefs.insert(.permissionSet(set)) }
        }
        let runAsBundles = try await entities(runAsBundleRefs.subtracting(read), db)
        for part in [bundles, apps, runAsUsers, runAsBundles] { rows.versions.merge(part.versions) { _, new in new } }
        return Directory(
            users: rows.users, profiles: bundles.profiles + runAsBundles.profiles,
            permissionSets: bundles.permissionSets + runAsBundles.permissionSets, apps: apps.apps,
            version: version, entityVersions: rows.versions)
    }

    /// The `id` column of `query` followed by `IN (…)` over `values`, in chunks of 500.
    private static func ids(_ db: any SQLDatabase, _ query: String, _ values: [String]) async throws -> Set<String> {
        var found: Set<String> = []
        for start in stride(from: 0, to: values.count, by: 500) {
            var list: SQLQueryString = ""
            for (index, value) in values[start..<min(start + 500, values.count)].enumerated() {
                list = index == 0 ? "\(bind: value)" : "\(list), \(bind: value)"
            }
            for row in try await db.raw("\(unsafeRaw: query) IN (\(list))").all() { found.insert(try row.value("id")) }
        }
        return found
    }
}

extension GatehouseStore {
    /// What an admin use case about some named entities reads (``DirectorySelection``), as one consistent snapshot:
    /// a few indexed reads whatever the directory's size.
    public func loadDirectory(_ selection: DirectorySelection) async throws -> Directory {
        let kind = sql.kind
        return try await sql.transaction { db in
            if kind == .postgres { try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
            return try await DirectoryReader.load(db, selection: selection)
        }
    }
}
