/// The kinds of entity the directory holds, named as the audit trail and the change log name them.
public enum EntityKind: String, Sendable, Hashable, Codable, CaseIterable {
    case user
    case profile
    case permissionSet = "permission-set"
    case connectedApp = "connected-app"
}

/// One entity of the directory, by kind and id: what a change touched, what carries its own version.
public enum EntityRef: Sendable, Hashable {
    case user(UserID)
    case profile(ProfileID)
    case permissionSet(PermissionSetID)
    case app(ConnectedAppID)

    public var kind: EntityKind {
        switch self {
        case .user: .user
        case .profile: .profile
        case .permissionSet: .permissionSet
        case .app: .connectedApp
        }
    }

    public var id: String {
        switch self {
        case .user(let id): id.rawValue
        case .profile(let id): id.rawValue
        case .permissionSet(let id): id.rawValue
        case .app(let id): id.rawValue
        }
    }

    public init(kind: EntityKind, id: String) {
        switch kind {
        case .user: self = .user(UserID(rawValue: id))
        case .profile: self = .profile(ProfileID(rawValue: id))
        case .permissionSet: self = .permissionSet(PermissionSetID(rawValue: id))
        case .connectedApp: self = .app(ConnectedAppID(rawValue: id))
        }
    }
}

extension DirectoryChange {
    /// The entity this change writes.
    public var ref: EntityRef {
        switch self {
        case .createProfile(let p), .updateProfile(_, let p), .deleteProfile(let p): .profile(p.id)
        case .createPermissionSet(let s), .updatePermissionSet(_, let s), .deletePermissionSet(let s):
            .permissionSet(s.id)
        case .createUser(let u), .updateUser(_, let u), .deleteUser(let u): .user(u.id)
        case .createApp(let a), .updateApp(_, let a), .deleteApp(let a): .app(a.id)
        }
    }
}

extension DirectoryChange {
    /// The entity named for people: `user 'alice'`, `connected-app 'Deduper'`.
    public var subject: String {
        let name =
            switch self {
            case .createProfile(let p), .updateProfile(_, let p), .deleteProfile(let p): p.name
            case .createPermissionSet(let s), .updatePermissionSet(_, let s), .deletePermissionSet(let s): s.name
            case .createUser(let u), .updateUser(_, let u), .deleteUser(let u): u.username
            case .createApp(let a), .updateApp(_, let a), .deleteApp(let a): a.name
            }
        return "\(ref.kind.rawValue) '\(name)'"
    }
}

extension DirectoryChange {
    /// Whether the change creates its entity.
    public var isCreation: Bool {
        switch self {
        case .createProfile, .createPermissionSet, .createUser, .createApp: true
        default: false
        }
    }
}
