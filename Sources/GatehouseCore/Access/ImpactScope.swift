/// Which users an impact preview must read to say who loses access through some changes (ADR 8): the holders of the
/// profiles and permission sets changed, the users of the apps changed (through a profile or a permission set that
/// grants the app, an approval, or a live grant), and the users changed. Anyone else keeps what they had, so the
/// preview reads these by index instead of deciding for every user.
public struct ImpactScope: Sendable, Equatable {
    /// Users changed or deleted: every app they use is in question.
    public var users: Set<UserID> = []
    /// Profiles and permission sets changed or deleted: their holders are in question.
    public var profiles: Set<ProfileID> = []
    public var permissionSets: Set<PermissionSetID> = []
    /// Apps changed or deleted: everyone who may use or uses them is in question.
    public var apps: Set<ConnectedAppID> = []
    /// The changes that can narrow where or when users sign in, whose sign-ins on record the preview replays
    /// (``SignInReplay``): users moved to another profile, profiles whose login IP ranges or hours changed, apps whose
    /// IP relaxation or trusted ranges changed.
    public var replayed = Replayed()

    public struct Replayed: Sendable, Equatable {
        public var users: Set<UserID> = []
        public var profiles: Set<ProfileID> = []
        public var apps: Set<ConnectedAppID> = []

        public var isEmpty: Bool { users.isEmpty && profiles.isEmpty && apps.isEmpty }
    }

    public init(
        users: Set<UserID> = [], profiles: Set<ProfileID> = [], permissionSets: Set<PermissionSetID> = [],
        apps: Set<ConnectedAppID> = []
    ) {
        self.users = users
        self.profiles = profiles
        self.permissionSets = permissionSets
        self.apps = apps
    }

    public init(of changes: [DirectoryChange]) {
        for change in changes {
            switch change {
            case .updateApp(let app, let after):
                apps.insert(app.id)
                if app.ipRelaxation != after.ipRelaxation || app.trustedIPRanges != after.trustedIPRanges {
                    replayed.apps.insert(app.id)
                }
            case .updateProfile(let profile, let after):
                profiles.insert(profile.id)
                if profile.loginIPRanges != after.loginIPRanges || profile.loginHours != after.loginHours {
                    replayed.profiles.insert(profile.id)
                }
            case .updateUser(let user, let after):
                users.insert(user.id)
                if user.profile != after.profile { replayed.users.insert(user.id) }
            case .deleteApp(let app): apps.insert(app.id)
            case .deleteProfile(let profile): profiles.insert(profile.id)
            case .updatePermissionSet(let set, _), .deletePermissionSet(let set): permissionSets.insert(set.id)
            case .deleteUser(let user): users.insert(user.id)
            case .createProfile, .createPermissionSet, .createUser, .createApp: break
            }
        }
    }

    public var isEmpty: Bool { users.isEmpty && profiles.isEmpty && permissionSets.isEmpty && apps.isEmpty }
}
