/// Everything the access policy reads, as one immutable value: users, profiles, permission sets and apps,
/// indexed for lookups by id, by name and by `client_id`. A server holds the newest snapshot in memory and
/// swaps it when the database's directory version moves.
public struct Directory: Sendable {
    public private(set) var users: [UserID: User] = [:]
    public private(set) var profiles: [ProfileID: Profile] = [:]
    public private(set) var permissionSets: [PermissionSetID: PermissionSet] = [:]
    public private(set) var apps: [ConnectedAppID: ConnectedApp] = [:]
    /// The database's directory version this snapshot was read at.
    public var version: Int64
    /// Each entity's own version: the directory version that last wrote it (0 before the change log existed). A
    /// change computed from an entity at one version is refused once the entity has moved on; changes to other
    /// entities are not. (The admin API's `ETag`.)
    public private(set) var entityVersions: [EntityRef: Int64] = [:]

    private var userIDsByName: [String: UserID] = [:]
    private var profileIDsByName: [String: ProfileID] = [:]
    private var permissionSetIDsByName: [String: PermissionSetID] = [:]
    private var appIDsByName: [String: ConnectedAppID] = [:]
    private var appIDsByClientID: [String: ConnectedAppID] = [:]

    public init(
        users: [User] = [], profiles: [Profile] = [], permissionSets: [PermissionSet] = [], apps: [ConnectedApp] = [],
        version: Int64 = 0, entityVersions: [EntityRef: Int64] = [:]
    ) {
        self.version = version
        self.entityVersions = entityVersions
        for profile in profiles { upsert(profile) }
        for permissionSet in permissionSets { upsert(permissionSet) }
        for app in apps { upsert(app) }
        for user in users { upsert(user) }
    }

    /// This directory without its users and their versions: what a server holds whole (ADR 8).
    public var exceptUsers: Directory {
        guard !users.isEmpty || entityVersions.keys.contains(where: { $0.kind == .user }) else { return self }
        var shared = self
        shared.users = [:]
        shared.userIDsByName = [:]
        shared.entityVersions = entityVersions.filter { $0.key.kind != .user }
        return shared
    }

    // MARK: Lookups

    public func user(named username: String) -> User? { userIDsByName[uniquenessKey(username)].flatMap { users[$0] } }
    public func profile(named name: String) -> Profile? {
        profileIDsByName[uniquenessKey(name)].flatMap { profiles[$0] }
    }
    public func permissionSet(named name: String) -> PermissionSet? {
        permissionSetIDsByName[uniquenessKey(name)].flatMap { permissionSets[$0] }
    }
    public func app(named name: String) -> ConnectedApp? { appIDsByName[uniquenessKey(name)].flatMap { apps[$0] } }
    /// RFC 6749 §2.2: client identifiers are compared exactly.
    public func app(clientID: String) -> ConnectedApp? { appIDsByClientID[clientID].flatMap { apps[$0] } }

    /// The version `ref` was read at; nil for an entity this snapshot does not hold.
    public func version(of ref: EntityRef) -> Int64? { entityVersions[ref] }

    /// Users sorted by username, for listings and export.
    public var sortedUsers: [User] { Self.sorted(users.values, by: \.username) }
    public var sortedProfiles: [Profile] { Self.sorted(profiles.values, by: \.name) }
    public var sortedPermissionSets: [PermissionSet] { Self.sorted(permissionSets.values, by: \.name) }
    public var sortedApps: [ConnectedApp] { Self.sorted(apps.values, by: \.name) }

    /// Sorted by the uniqueness key of a name, each key computed once.
    private static func sorted<Entity>(_ entities: some Collection<Entity>, by name: (Entity) -> String) -> [Entity] {
        entities.map { (uniquenessKey(name($0)), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// Users who hold `profile`.
    public func users(withProfile profile: ProfileID) -> [User] { sortedUsers.filter { $0.profile == profile } }
    /// Users who hold `permissionSet`.
    public func users(withPermissionSet permissionSet: PermissionSetID) -> [User] {
        sortedUsers.filter { $0.permissionSets.contains(permissionSet) }
    }

    // MARK: Changes (used to build the state an admin change would produce)

    /// Records the version an entity was read at (nil: forget it, for an entity removed).
    public mutating func setVersion(_ version: Int64?, of ref: EntityRef) { entityVersions[ref] = version }

    public mutating func upsert(_ user: User) {
        if let old = users[user.id] { Self.forget(uniquenessKey(old.username), of: user.id, in: &userIDsByName) }
        users[user.id] = user
        userIDsByName[uniquenessKey(user.username)] = user.id
    }

    public mutating func upsert(_ profile: Profile) {
        if let old = profiles[profile.id] {
            Self.forget(uniquenessKey(old.name), of: profile.id, in: &profileIDsByName)
        }
        profiles[profile.id] = profile
        profileIDsByName[uniquenessKey(profile.name)] = profile.id
    }

    public mutating func upsert(_ permissionSet: PermissionSet) {
        if let old = permissionSets[permissionSet.id] {
            Self.forget(uniquenessKey(old.name), of: permissionSet.id, in: &permissionSetIDsByName)
        }
        permissionSets[permissionSet.id] = permissionSet
        permissionSetIDsByName[uniquenessKey(permissionSet.name)] = permissionSet.id
    }

    public mutating func upsert(_ app: ConnectedApp) {
        if let old = apps[app.id] {
            Self.forget(uniquenessKey(old.name), of: app.id, in: &appIDsByName)
            Self.forget(old.clientID, of: app.id, in: &appIDsByClientID)
        }
        apps[app.id] = app
        appIDsByName[uniquenessKey(app.name)] = app.id
        appIDsByClientID[app.clientID] = app.id
    }

    public mutating func remove(_ app: ConnectedAppID) {
        guard let old = apps.removeValue(forKey: app) else { return }
        Self.forget(uniquenessKey(old.name), of: app, in: &appIDsByName)
        Self.forget(old.clientID, of: app, in: &appIDsByClientID)
    }

    public mutating func remove(_ permissionSet: PermissionSetID) {
        guard let old = permissionSets.removeValue(forKey: permissionSet) else { return }
        Self.forget(uniquenessKey(old.name), of: permissionSet, in: &permissionSetIDsByName)
    }

    public mutating func remove(_ profile: ProfileID) {
        guard let old = profiles.removeValue(forKey: profile) else { return }
        Self.forget(uniquenessKey(old.name), of: profile, in: &profileIDsByName)
    }

    public mutating func remove(_ user: UserID) {
        guard let old = users.removeValue(forKey: user) else { return }
        Self.forget(uniquenessKey(old.username), of: user, in: &userIDsByName)
    }

    /// Drops `key` from an index only while it still names `id`: applied in any order (a change-log delta), a rename
    /// must not take the name away from another entity that has taken it since.
    private static func forget<ID: Equatable>(_ key: String, of id: ID, in index: inout [String: ID]) {
        if index[key] == id { index[key] = nil }
    }
}
