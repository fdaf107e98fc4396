/// What the directory gained between two versions, as read from the change log (ADR 7): the entities written, in
/// their state at `version`; a ref with no entity here was deleted.
public struct DirectoryDelta: Sendable {
    /// The version this delta applies to, and the one it brings the directory to.
    public var base: Int64
    public var version: Int64
    public var refs: Set<EntityRef>
    public var users: [User]
    public var profiles: [Profile]
    public var permissionSets: [PermissionSet]
    public var apps: [ConnectedApp]
    public var versions: [EntityRef: Int64]

    public init(
        base: Int64, version: Int64, refs: Set<EntityRef>, users: [User] = [], profiles: [Profile] = [],
        permissionSets: [PermissionSet] = [], apps: [ConnectedApp] = [], versions: [EntityRef: Int64] = [:]
    ) {
        self.base = base
        self.version = version
        self.refs = refs
        self.users = users
        self.profiles = profiles
        self.permissionSets = permissionSets
        self.apps = apps
        self.versions = versions
    }

    /// The delta without the users it wrote: what a server applies to the part it holds whole (ADR 8).
    public var exceptUsers: DirectoryDelta {
        var shared = self
        shared.users = []
        shared.refs = refs.filter { $0.kind != .user }
        shared.versions = versions.filter { $0.key.kind != .user }
        return shared
    }

    /// Applies the delta to a directory at `base`; returns false (and changes nothing) for one at another version.
    @discardableResult
    public func apply(to directory: inout Directory) -> Bool {
        guard directory.version == base else { return false }
        for ref in refs where versions[ref] == nil {
            switch ref {
            case .user(let id): directory.remove(id)
            case .profile(let id): directory.remove(id)
            case .permissionSet(let id): directory.remove(id)
            case .app(let id): directory.remove(id)
            }
            directory.setVersion(nil, of: ref)
        }
        for profile in profiles { directory.upsert(profile) }
        for set in permissionSets { directory.upsert(set) }
        for app in apps { directory.upsert(app) }
        for user in users { directory.upsert(user) }
        for (ref, entityVersion) in versions { directory.setVersion(entityVersion, of: ref) }
        directory.version = version
        return true
    }
}
