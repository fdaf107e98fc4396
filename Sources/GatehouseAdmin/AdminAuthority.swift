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

    /// Refuses a change that takes the admin console from an admin who holds a permission the acting admin lacks:
    /// blocking the console, making it admin-approved, or taking it from a profile or permission set would otherwise
    /// let the weakest admin lock every stronger one out. Taking it from an admin no stronger than oneself (or from
    /// oneself, which the console warns of) is an ordinary change. Reads only when the change takes the console
    /// from someone and the acting admin lacks a permission.
    func requireOutranksConsoleLosers(_ changes: [DirectoryChange], _ impact: AccessImpact) async throws {
        guard !AdminPermission.allCases.allSatisfy(holds) else { return }
        // Who may use the console at all (blocked, permitted users, enforcement) is for an admin with every
        // permission: a loss is counted only for users of the console, so one who has not used it lately (on a
        // console opened to self-authorizing users) would be locked out unseen.
        for change in changes {
            guard case .updateApp(let before, let after) = change, before.clientID == ConnectedApp.consoleClientID,
                before.isBlocked != after.isBlocked || before.permittedUsers != after.permittedUsers
                    || before.enforcement != after.enforcement,
                let permission = AdminPermission.allCases.first(where: { !holds($0) })
            else { continue }
            throw AdminFailure(
                .permissionMissing(permission),
                "\(actor.name) cannot change who may use the admin console: that needs every admin permission, and \(actor.name) lacks \"\(permission.rawValue)\""
            )
        }
        let losing = Set(impact.losses.filter { $0.app == ConnectedApp.consoleName }.map(\.user)).sorted()
        guard !losing.isEmpty else { return }
        let directory = try await self.directory(users: losing)
        // The read holds the losers' profiles and permission sets, and also the run-as users of the apps they
        // grant: only the losers count.
        for name in losing {
            guard let user = directory.user(named: name) else { continue }
            if let permission = directory.adminPermissions(of: user).sorted().first(where: { !holds($0) }) {
                throw AdminFailure(
                    .permissionMissing(permission),
                    "\(actor.name) cannot take the admin console from \(user.username), who holds the admin permission \"\(permission.rawValue)\" that \(actor.name) does not: only an admin who holds it may lock its holders out"
                )
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
    /// admin's reach (or take from someone) without `holds` it: a user who holds it changed or deleted; an app whose
    /// tokens could act with it created, or changed in any way but a restriction (``ConnectedApp/onlyRestricts(_:)``);
    /// such an app newly granted by a profile or permission set (its tokens could then act for the holders); the
    /// permission removed from a profile or permission set (only what an admin could give may they take away).
    func adminReachLacking(
        _ holds: (AdminPermission) -> Bool, from base: Directory, to after: Directory
    ) -> (AdminPermission, String)? {
        func lacking(_ permissions: Set<AdminPermission>) -> AdminPermission? {
            permissions.sorted().first { !holds($0) }
        }
        switch self {
        case .updateUser(let user, _), .deleteUser(let user):
            return lacking(base.adminPermissions(of: user)).map { permission in
                (
                    permission,
                    "change or delete \(user.username), who holds the admin permission \"\(permission.rawValue)\" that only an admin who holds it may act on"
                )
            }
        case .createApp(let app):
            return lacking(after.adminReach(of: app)).map { ($0, Self.appReachSentence(app, $0, "create")) }
        case .updateApp(let before, let app):
            guard !app.onlyRestricts(before) else { return nil }
            return lacking(base.adminReach(of: before).union(after.adminReach(of: app))).map {
                ($0, Self.appReachSentence(app, $0, "change"))
            }
        case .createProfile(let bundle as any AppGranting), .createPermissionSet(let bundle as any AppGranting):
            return Self.grantedAppLacking(bundle.connectedApps, bundle.name, in: after, lacking)
        case .updateProfile(let before as any AppGranting, let bundle as any AppGranting),
            .updatePermissionSet(let before as any AppGranting, let bundle as any AppGranting):
            // Where, when and how a profile's holders may sign in can lock them out of the console and the admin API,
            // or lift what guards them: only an admin who holds every admin permission the profile gives may change it.
            if case .updateProfile(let old, let new) = self,
                old.loginIPRanges != new.loginIPRanges || old.loginHours != new.loginHours
                    || old.requireSecondFactor != new.requireSecondFactor,
                let permission = lacking(old.adminPermissions.union(new.adminPermissions))
            {
                return (
                    permission,
                    "change where and when the holders of \"\(new.name)\" may sign in: they hold the admin permission \"\(permission.rawValue)\", which whoever restricts their sign-in must hold"
                )
            }
            if let permission = lacking(before.adminPermissions.subtracting(bundle.adminPermissions)) {
                return (permission, Self.removalSentence(bundle.name, permission))
            }
            return Self.grantedAppLacking(
                bundle.connectedApps.subtracting(before.connectedApps), bundle.name, in: after, lacking)
        case .deleteProfile(let bundle as any AppGranting), .deletePermissionSet(let bundle as any AppGranting):
            return lacking(bundle.adminPermissions).map { ($0, Self.removalSentence(bundle.name, $0)) }
        case .createUser, .deleteApp:
            return nil
        }
    }

    private static func grantedAppLacking(
        _ apps: Set<ConnectedAppID>, _ bundle: String, in after: Directory,
        _ lacking: (Set<AdminPermission>) -> AdminPermission?
    ) -> (AdminPermission, String)? {
        for id in apps.sorted() {
            guard let app = after.apps[id], let permission = lacking(after.adminReach(of: app)) else { continue }
            return (
                permission,
                "grant \"\(app.name)\" in \"\(bundle)\": its tokens (scope \(ConnectedApp.adminScope)) could act for the holders with the admin permission \"\(permission.rawValue)\", which whoever grants it must hold"
            )
        }
        return nil
    }

    private static func removalSentence(_ bundle: String, _ permission: AdminPermission) -> String {
        "take the admin permission \"\(permission.rawValue)\" away with \"\(bundle)\": only an admin who holds it may"
    }

    private static func appReachSentence(_ app: ConnectedApp, _ permission: AdminPermission, _ verb: String)
        -> String
    {
        "\(verb) \"\(app.name)\": its tokens (scope \(ConnectedApp.adminScope)) could act with the admin permission \"\(permission.rawValue)\", and only an admin who holds it may \(verb) such an app (blocking it, or taking something away, is open to every app admin)"
    }
}

/// A profile or a permission set: what it grants.
protocol AppGranting {
    var name: String { get }
    var adminPermissions: Set<AdminPermission> { get }
    var connectedApps: Set<ConnectedAppID> { get }
}

extension Profile: AppGranting {}
extension PermissionSet: AppGranting {}

extension Directory {
    /// The admin permissions an app's tokens could act with in the admin API: none unless the app may ask for
    /// ``ConnectedApp/adminScope``; every permission through a grant that acts for users (authorization code and
    /// refresh: the code goes to the app's callback, and the app holds its users' refresh tokens; JWT bearer: the
    /// app asserts any user it may act for); its run-as user's through client credentials.
    public func adminReach(of app: ConnectedApp) -> Set<AdminPermission> {
        guard app.scopes.contains(ConnectedApp.adminScope) else { return [] }
        if !app.grantTypes.isDisjoint(with: [.authorizationCode, .refreshToken, .jwtBearer]) { return .all }
        guard app.grantTypes.contains(.clientCredentials), let runAs = app.runAsUser, let user = users[runAs] else {
            return []
        }
        return adminPermissions(of: user)
    }
}

extension ConnectedApp {
    /// Whether this app is `before` with only restrictions made: blocked, fewer scopes, grant types, secrets,
    /// assertion keys or callback URLs, admin-approved, enforcing, tokens cut off, PKCE required, shorter token
    /// lifetimes, a shorter session timeout, a stricter high assurance. Anything else (a new secret, unblocking, another run-as user, a policy
    /// loosened) is a change that needs the app's reach.
    func onlyRestricts(_ before: ConnectedApp) -> Bool {
        var restricted = before
        if isBlocked { restricted.isBlocked = true }
        if Set(scopes).isSubset(of: before.scopes) { restricted.scopes = scopes }
        if grantTypes.isSubset(of: before.grantTypes) { restricted.grantTypes = grantTypes }
        if Set(secrets).isSubset(of: before.secrets) { restricted.secrets = secrets }
        if Set(assertionKeys).isSubset(of: before.assertionKeys) { restricted.assertionKeys = assertionKeys }
        if Set(callbackURLs).isSubset(of: before.callbackURLs) { restricted.callbackURLs = callbackURLs }
        if permittedUsers == .adminApprovedPreauthorized { restricted.permittedUsers = permittedUsers }
        if enforcement == .enforce { restricted.enforcement = enforcement }
        if let cut = tokensNotBefore, cut >= (before.tokensNotBefore ?? cut) { restricted.tokensNotBefore = cut }
        if requiresPKCE { restricted.requiresPKCE = true }
        if accessTokenLifetime.seconds <= before.accessTokenLifetime.seconds {
            restricted.accessTokenLifetime = accessTokenLifetime
        }
        if idTokenLifetime.seconds <= before.idTokenLifetime.seconds { restricted.idTokenLifetime = idTokenLifetime }
        if let timeout = sessionTimeout, timeout.seconds <= before.sessionTimeout?.seconds ?? .max {
            restricted.sessionTimeout = timeout
        }
        if highAssurance.strictness >= before.highAssurance.strictness { restricted.highAssurance = highAssurance }
        return restricted == self
    }
}

extension HighAssurance {
    /// none < raise-session-level < block.
    var strictness: Int {
        switch self {
        case .none: 0
        case .raiseSessionLevel: 1
        case .block: 2
        }
    }
}

extension Set where Element == AdminPermission {
    /// Every admin permission: the CLI on the database (break-glass) and the System Administrator profile.
    public static var all: Set<AdminPermission> { Set(AdminPermission.allCases) }
}
