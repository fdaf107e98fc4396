/// One admin change to the directory. Every write path (CLI, config apply, later the admin API and console)
/// expresses itself as a list of these, so that storage, the audit trail and impact previews see one shape.
public enum DirectoryChange: Sendable, Hashable {
    case createProfile(Profile)
    case updateProfile(before: Profile, after: Profile)
    case deleteProfile(Profile)
    case createPermissionSet(PermissionSet)
    case updatePermissionSet(before: PermissionSet, after: PermissionSet)
    case deletePermissionSet(PermissionSet)
    case createUser(User)
    case updateUser(before: User, after: User)
    case deleteUser(User)
    case createApp(ConnectedApp)
    case updateApp(before: ConnectedApp, after: ConnectedApp)
    case deleteApp(ConnectedApp)

    /// Applies the change to an in-memory directory (to validate the result before it is stored).
    public func apply(to directory: inout Directory) {
        switch self {
        case .createProfile(let profile), .updateProfile(_, let profile): directory.upsert(profile)
        case .deleteProfile(let profile): directory.remove(profile.id)
        case .createPermissionSet(let set), .updatePermissionSet(_, let set): directory.upsert(set)
        case .deletePermissionSet(let set):
            directory.remove(set.id)
            for var user in directory.users(withPermissionSet: set.id) {
                user.permissionSets.remove(set.id)
                directory.upsert(user)
            }
        case .createUser(let user), .updateUser(_, let user): directory.upsert(user)
        case .deleteUser(let user): directory.remove(user.id)
        case .createApp(let app), .updateApp(_, let app): directory.upsert(app)
        case .deleteApp(let app):
            directory.remove(app.id)
            for var profile in directory.profiles.values where profile.connectedApps.contains(app.id) {
                profile.connectedApps.remove(app.id)
                directory.upsert(profile)
            }
            for var set in directory.permissionSets.values where set.connectedApps.contains(app.id) {
                set.connectedApps.remove(app.id)
                directory.upsert(set)
            }
        }
    }
}

extension Directory {
    /// The directory as it would be after `changes`.
    public func applying(_ changes: [DirectoryChange]) -> Directory {
        var result = self
        for change in changes { change.apply(to: &result) }
        return result
    }
}
