import GatehouseCore

/// What each admin operation needs, checked here so that the CLI, the admin API, the console and SCIM cannot differ:
///
/// | operations | permission |
/// |---|---|
/// | every read (lists, entities, explain, approvals), and the impact preview of any change | `view-setup` |
/// | users: create, change, profile and permission sets, activate, unlock, password; a user's grants | `manage-users` |
/// | profiles and permission sets: create, change, the apps each grants | `manage-profiles-and-permission-sets` |
/// | apps: create, policies, secrets, block, delete; an app's grants | `manage-connected-apps` |
/// | audit trail and login history | `view-audit-trail` |
/// | signing keys; applying a config document; an export with hashes | all three `manage-…` permissions |
///
/// Each use case asks for its permission before it reads anything. A change is prepared (its impact previewed) by
/// an admin with its permission or with `view-setup`, and ``Admin/commit(_:)`` checks every change it stores against
/// the permission it needs (``DirectoryChange/permissionNeeded``), so a change put together by hand, or prepared by
/// another admin, gets no further than one made by a use case. No admin can give anyone an admin permission they do
/// not hold themselves: not through a user's profile or permission sets, not by adding it to a profile or
/// permission set. Nor can an admin reach a permission they lack through someone who holds it: changing or deleting
/// a user needs every admin permission that user holds (a new password would be a way in), and an app that may ask
/// for `gatehouse.admin` (``ConnectedApp/adminScope``) can be created, given new credentials (a secret, an assertion
/// key, a callback URL) or more reach only by an admin who holds every permission its tokens could act with
/// (``Directory/adminReach(of:)``).
extension Admin {
    /// Whether the acting admin holds `permission`.
    public func holds(_ permission: AdminPermission) -> Bool { permissions.contains(permission) }

    /// Refuses unless the acting admin holds `permission`.
    public func require(_ permission: AdminPermission) throws(AdminFailure) {
        guard holds(permission) else { throw .permissionMissing(permission, actor: actor) }
    }

    /// Refuses unless the acting admin holds every one of `required` (naming the first missing).
    public func require(allOf required: [AdminPermission]) throws(AdminFailure) {
        for permission in required { try require(permission) }
    }

    /// Refuses unless the acting admin holds at least one of `accepted` (naming the first).
    public func require(anyOf accepted: [AdminPermission]) throws(AdminFailure) {
        guard let first = accepted.first, !accepted.contains(where: holds) else { return }
        throw .permissionMissing(first, actor: actor)
    }

    /// The permissions an operation on the whole directory needs (signing keys, apply, an export with hashes).
    static let everyManagePermission: [AdminPermission] = [
        .manageUsers, .manageProfilesAndPermissionSets, .manageConnectedApps,
    ]

    /// Whether the acting admin may see password and client-secret hashes (an export to re-apply elsewhere).
    public var seesHashes: Bool { Self.everyManagePermission.allSatisfy(holds) }

    /// Refuses unless the acting admin may prepare a change needing `permission`: with it, or with `view-setup`
    /// (a preview is a read) unless the change is prepared to be committed (``preparesToCommit``).
    public func requireToPrepare(_ permission: AdminPermission) throws(AdminFailure) {
        try require(anyOf: preparesToCommit ? [permission] : [permission, .viewSetup])
    }

    /// Checks a change set before it is previewed (`toCommit: false`: each change's permission or `view-setup`) or
    /// stored (each change's own permission), and that no admin permission is given that the acting admin lacks.
    func authorize(_ changes: [DirectoryChange], from base: Directory, to after: Directory, toCommit: Bool)
        throws(AdminFailure)
    {
        for change in changes {
            if toCommit || preparesToCommit {
                try require(change.permissionNeeded)
            } else {
                try requireToPrepare(change.permissionNeeded)
            }
        }
        for change in changes {
            for permission in change.adminPermissionsGiven(from: base, to: after).sorted()
            where !holds(permission) {
                throw AdminFailure(
                    .permissionMissing(permission),
                    "\(actor.name) cannot give the admin permission \"\(permission.rawValue)\": no admin can give a permission they do not hold themselves"
                )
            }
            if let (permission, sentence) = change.adminReachLacking(holds, from: base, to: after) {
                throw AdminFailure(.permissionMissing(permission), "\(actor.name) cannot \(sentence)")
            }
        }
    }

    /// Refuses unless the acting admin holds every admin permission of `user` (a user's grants and state are in
    /// reach only of admins at least as strong).
    func requireOutranks(_ user: User, in directory: Directory) throws(AdminFailure) {
        if let permission = directory.adminPermissions(of: user).sorted().first(where: { !holds($0) }) {
            throw AdminFailure(
                .permissionMissing(permission),
                "\(actor.name) cannot act on \(user.username), who holds the admin permission \"\(permission.rawValue)\" that \(actor.name) does not"
            )
        }
    }
}

extension AdminFailure {
    static func permissionMissing(_ permission: AdminPermission, actor: AuditActor) -> AdminFailure {
        AdminFailure(
            .permissionMissing(permission),
            "\(actor.name) does not have the admin permission \"\(permission.rawValue)\" that this needs; a profile or permission set that includes it gives it"
        )
    }

    /// The permission whose absence refused the operation, if that is what refused it.
    public var missingPermission: AdminPermission? {
        if case .permissionMissing(let permission) = kind { permission } else { nil }
    }
}

extension DirectoryChange {
    /// The admin permission that storing this change needs.
    public var permissionNeeded: AdminPermission {
        switch self {
        case .createUser, .updateUser, .deleteUser: .manageUsers
        case .createProfile, .updateProfile, .deleteProfile, .createPermissionSet, .updatePermissionSet,
            .deletePermissionSet:
            .manageProfilesAndPermissionSets
        case .createApp, .updateApp, .deleteApp: .manageConnectedApps
        }
    }

    /// Admin permissions this change gives that were not had before: a user's new ones (through a new profile or
    /// permission set, or as a new user), or those added to a profile or permission set.
    func adminPermissionsGiven(from base: Directory, to after: Directory) -> Set<AdminPermission> {
        switch self {
        case .createUser(let user): after.adminPermissions(of: user)
        case .updateUser(let before, let user):
            after.adminPermissions(of: user).subtracting(base.adminPermissions(of: before))
        case .createProfile(let profile): profile.adminPermissions
        case .updateProfile(let before, let profile): profile.adminPermissions.subtracting(before.adminPermissions)
        case .createPermissionSet(let set): set.adminPermissions
        case .updatePermissionSet(let before, let set): set.adminPermissions.subtracting(before.adminPermissions)
        case .deleteUser, .deleteProfile, .deletePermissionSet, .createApp, .updateApp, .deleteApp: []
        }
    }
}

extension DirectoryChange {
    /// The first admin permission, with the sentence saying why, that this change would put within the acting
    /// admin's reach without `holds` it: a user who holds it (changed or deleted), or an app whose tokens could act
    /// with it, created, or given more reach or new credentials.
    func adminReachLacking(
        _ holds: (AdminPermission) -> Bool, from base: Directory, to after: Directory
    ) -> (AdminPermission, String)? {
        switch self {
        case .updateUser(let user, _), .deleteUser(let user):
            guard let permission = base.adminPermissions(of: user).sorted().first(where: { !holds($0) }) else {
                return nil
            }
            return (
                permission,
                "change or delete \(user.username), who holds the admin permission \"\(permission.rawValue)\" that only an admin who holds it may act on"
            )
        case .createApp(let app):
            guard let permission = after.adminReach(of: app).sorted().first(where: { !holds($0) }) else { return nil }
            return (permission, Self.appReachSentence(app, permission, "create"))
        case .updateApp(let before, let app):
            let reach = after.adminReach(of: app)
            guard !reach.isSubset(of: base.adminReach(of: before)) || app.addsCredentials(comparedTo: before),
                let permission = reach.sorted().first(where: { !holds($0) })
            else { return nil }
            return (permission, Self.appReachSentence(app, permission, "give new credentials or reach to"))
        default:
            return nil
        }
    }

    private static func appReachSentence(_ app: ConnectedApp, _ permission: AdminPermission, _ verb: String)
        -> String
    {
        "\(verb) \"\(app.name)\": its tokens (scope \(ConnectedApp.adminScope)) could act with the admin permission \"\(permission.rawValue)\", which \(verb == "create" ? "its creator" : "whoever changes it") must hold"
    }
}

extension Directory {
    /// The admin permissions an app's tokens could act with in the admin API: none unless the app may ask for
    /// ``ConnectedApp/adminScope``; its run-as user's through client credentials; every permission through a flow
    /// where the app names or receives the user (JWT bearer: the app asserts any user it may act for; authorization
    /// code: the code goes to the app's callback).
    public func adminReach(of app: ConnectedApp) -> Set<AdminPermission> {
        guard app.scopes.contains(ConnectedApp.adminScope) else { return [] }
        if app.grantTypes.contains(.jwtBearer) || app.grantTypes.contains(.authorizationCode) { return .all }
        guard app.grantTypes.contains(.clientCredentials), let runAs = app.runAsUser, let user = users[runAs] else {
            return []
        }
        return adminPermissions(of: user)
    }
}

extension ConnectedApp {
    /// Whether this app holds a way in that `before` did not: a new secret, assertion key or callback URL, or it
    /// became public (no secret needed).
    func addsCredentials(comparedTo before: ConnectedApp) -> Bool {
        !Set(secrets.map(\.id)).isSubset(of: before.secrets.map(\.id))
            || !Set(assertionKeys).isSubset(of: before.assertionKeys)
            || !Set(callbackURLs).isSubset(of: before.callbackURLs) || (isPublic && !before.isPublic)
    }
}

extension Set where Element == AdminPermission {
    /// Every admin permission: the CLI on the database (break-glass) and the System Administrator profile.
    public static var all: Set<AdminPermission> { Set(AdminPermission.allCases) }
}
