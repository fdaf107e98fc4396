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
/// permission set.
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

extension Set where Element == AdminPermission {
    /// Every admin permission: the CLI on the database (break-glass) and the System Administrator profile.
    public static var all: Set<AdminPermission> { Set(AdminPermission.allCases) }
}
