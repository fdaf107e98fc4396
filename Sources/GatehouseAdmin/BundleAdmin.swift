import Foundation
import GatehouseCore
import GatehouseStorage

/// Profiles and permission sets are administered the same way: both carry admin permissions and connected apps.
public enum BundleKind: String, Sendable {
    case profile = "profile"
    case permissionSet = "permission set"
}

/// A profile or permission set as admins see it: its apps by name and its holders.
public struct BundleView: Encodable, Sendable {
    public var name: String
    public var builtIn: Bool
    public var adminPermissions: [String]
    public var connectedApps: [String]
    /// The holders' usernames in username order (in a listing: empty, see ``holderCount``).
    public var users: [String]
    /// A profile's sign-in policies (nil for a permission set): its login IP ranges, and its login hours as people
    /// read them (`Europe/Paris monday 08:00-18:00`), nil for any time.
    public var loginIpRanges: [String]?
    public var loginHours: String?
    /// A profile's requirement of a second factor (nil for a permission set).
    public var requireSecondFactor: Bool?

    /// A profile or permission set as the admin API showed it (`gatehouse --server`): apps by name, in name order.
    public init(name: String, builtIn: Bool, adminPermissions: [String], connectedApps: [String], users: [String]) {
        self.name = name
        self.builtIn = builtIn
        self.adminPermissions = adminPermissions
        self.connectedApps = connectedApps.sorted()
        self.users = users
    }

    init(
        name: String, builtIn: Bool, adminPermissions: Set<AdminPermission>, apps: Set<ConnectedAppID>,
        users: [String], in directory: Directory
    ) {
        self.name = name
        self.builtIn = builtIn
        self.adminPermissions = adminPermissions.sorted().map(\.rawValue)
        self.connectedApps = apps.compactMap { directory.apps[$0]?.name }.sorted()
        self.users = users
    }
}

/// A profile or permission set in a listing: its fields and how many users hold it.
public struct BundleSummary: Sendable {
    public var view: BundleView
    public var holderCount: Int

    public init(view: BundleView, holderCount: Int) {
        self.view = view
        self.holderCount = holderCount
    }
}

extension Admin {
    /// Every profile or every permission set, by name, with how many users hold it (a grouped count, by index);
    /// `withUsers` names the holders too (one pass over the users).
    public func bundles(_ kind: BundleKind, withUsers: Bool = false) async throws -> [BundleSummary] {
        try require(.viewSetup)
        let directory = try await sharedDirectory()
        let counts = try await store.holderCounts()
        let holders = withUsers ? try await store.holders() : [:]
        func summary(_ ref: EntityRef, _ view: (_ users: [String]) -> BundleView) -> BundleSummary {
            BundleSummary(view: view(holders[ref] ?? []), holderCount: counts[ref] ?? 0)
        }
        switch kind {
        case .profile:
            return directory.sortedProfiles.map { profile in
                summary(.profile(profile.id)) { view(of: profile, users: $0, in: directory) }
            }
        case .permissionSet:
            return directory.sortedPermissionSets.map { set in
                summary(.permissionSet(set.id)) { view(of: set, users: $0, in: directory) }
            }
        }
    }

    /// One profile or permission set, with its holders read by index.
    public func bundle(_ kind: BundleKind, named name: String) async throws -> BundleView {
        try require(.viewSetup)
        let directory = try await directory(kind, name)
        switch kind {
        case .profile:
            let profile = try directory.requireProfile(name)
            return view(of: profile, users: try await store.usernames(holding: .profile(profile.id)), in: directory)
        case .permissionSet:
            let set = try directory.requirePermissionSet(name)
            return view(of: set, users: try await store.usernames(holding: .permissionSet(set.id)), in: directory)
        }
    }

    public func createBundle(_ kind: BundleKind, named name: String, permissions: Set<AdminPermission>)
        async throws -> PreparedChange
    {
        try requireToPrepare(.manageProfilesAndPermissionSets)
        let directory = try await directory(kind, name)
        let exists =
            kind == .profile ? directory.profile(named: name) != nil : directory.permissionSet(named: name) != nil
        if exists { throw AdminFailure(.conflict, "a \(kind.rawValue) named \"\(name)\" already exists") }
        try ValidationFailure.check { FieldRules.checkName(name, at: "name", into: &$0) }
        let change: DirectoryChange =
            switch kind {
            case .profile: .createProfile(Profile(name: name, adminPermissions: permissions))
            case .permissionSet: .createPermissionSet(PermissionSet(name: name, adminPermissions: permissions))
            }
        return try await prepare([change], basedOn: directory, needing: [.manageProfilesAndPermissionSets])
    }

    /// Lets the holders of a profile or permission set use an app (`isGranted`), or stops it from granting the app;
    /// refused as stale unless the profile or permission set is at a version `condition` admits.
    public func setApp(
        _ appName: String, granted isGranted: Bool, on kind: BundleKind, named name: String,
        from condition: VersionCondition = .any
    ) async throws -> PreparedChange {
        try requireToPrepare(.manageProfilesAndPermissionSets)
        let directory = try await directory(kind, name, apps: [appName])
        let app = try directory.requireApp(appName)
        func edit(_ apps: inout Set<ConnectedAppID>) throws(AdminFailure) {
            if isGranted {
                guard apps.insert(app.id).inserted else {
                    throw AdminFailure(.conflict, "\(kind.rawValue) \"\(name)\" already grants \"\(app.name)\"")
                }
            } else {
                guard apps.remove(app.id) != nil else {
                    throw AdminFailure(.invalid, "\(kind.rawValue) \"\(name)\" does not grant \"\(app.name)\"")
                }
            }
        }
        let change: DirectoryChange
        switch kind {
        case .profile:
            let before = try directory.requireProfile(name)
            try check(condition, of: .profile(before.id), in: directory)
            var after = before
            try edit(&after.connectedApps)
            change = .updateProfile(before: before, after: after)
        case .permissionSet:
            let before = try directory.requirePermissionSet(name)
            try check(condition, of: .permissionSet(before.id), in: directory)
            var after = before
            try edit(&after.connectedApps)
            change = .updatePermissionSet(before: before, after: after)
        }
        return try await prepare([change], basedOn: directory, needing: [.manageProfilesAndPermissionSets])
    }

    /// The directory around one profile or permission set (and `apps`).
    func directory(_ kind: BundleKind, _ name: String, apps: [String] = []) async throws -> Directory {
        switch kind {
        case .profile: try await directory(profiles: [name], apps: apps)
        case .permissionSet: try await directory(permissionSets: [name], apps: apps)
        }
    }

    private func view(of profile: Profile, users: [String], in directory: Directory) -> BundleView {
        var view = BundleView(
            name: profile.name, builtIn: profile.isBuiltIn, adminPermissions: profile.adminPermissions,
            apps: profile.connectedApps, users: users, in: directory)
        view.loginIpRanges = profile.loginIPRanges.map(\.description)
        view.loginHours = profile.loginHours?.description
        view.requireSecondFactor = profile.requireSecondFactor
        return view
    }

    /// A profile changed by `change` (its sign-in policies), from the version read; no change when it stays so.
    public func changeProfile(
        _ name: String, from condition: VersionCondition = .any, _ change: (inout Profile) throws -> Void
    ) async throws -> PreparedChange {
        try requireToPrepare(.manageProfilesAndPermissionSets)
        let directory = try await directory(profiles: [name])
        let before = try directory.requireProfile(name)
        try check(condition, of: .profile(before.id), in: directory)
        var after = before
        try change(&after)
        return try await prepare(
            before == after ? [] : [.updateProfile(before: before, after: after)], basedOn: directory,
            needing: [.manageProfilesAndPermissionSets])
    }

    private func view(of set: PermissionSet, users: [String], in directory: Directory) -> BundleView {
        BundleView(
            name: set.name, builtIn: false, adminPermissions: set.adminPermissions, apps: set.connectedApps,
            users: users, in: directory)
    }
}
