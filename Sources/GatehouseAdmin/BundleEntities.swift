import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseStorage

/// A profile or permission set as the admin API shows it: the config contract's fields (its holders are a listing
/// of users: `GET /users?profile=…`).
public struct BundleFields: Encodable, Sendable {
    public var name: String
    public var builtIn: Bool
    public var adminPermissions: [String]
    public var connectedApps: [String]
    /// A profile's sign-in policies (left out for a permission set): its login IP ranges, and its login hours as
    /// config writes them (`timeZone` and each weekday listed), left out when it allows any time.
    public var loginIpRanges: [String]?
    public var loginHours: [String: String]?
    /// A profile's requirement of a second factor at sign-in (left out for a permission set).
    public var requireSecondFactor: Bool?
    /// How many users hold it, in reads and listings (nil, and left out, in a change's item).
    public var userCount: Int?

    init(
        name: String, builtIn: Bool, permissions: Set<AdminPermission>, apps: Set<ConnectedAppID>,
        in directory: Directory
    ) {
        self.name = name
        self.builtIn = builtIn
        adminPermissions = permissions.sorted().map(\.rawValue)
        connectedApps = apps.compactMap { directory.apps[$0]?.name }.sorted { uniquenessKey($0) < uniquenessKey($1) }
    }
}

extension BundleFields {
    func withPolicies(of profile: Profile) -> BundleFields {
        var fields = self
        fields.loginIpRanges = profile.loginIPRanges.map(\.description)
        fields.loginHours = profile.loginHours.map { hours in
            var days = ["timeZone": hours.timeZoneName]
            for (day, windows) in hours.days { days[day.rawValue] = windows.map(\.description).joined(separator: ",") }
            return days
        }
        fields.requireSecondFactor = profile.requireSecondFactor
        return fields
    }

    /// The profile or permission set `id` as `directory` holds it, at `version` (nil: as read).
    public static func versioned(_ kind: BundleKind, id: String, in directory: Directory, version: Int64?)
        -> Versioned<BundleFields>?
    {
        versioned(kind.ref(id), in: directory, version: version)
    }

    static func versioned(_ ref: EntityRef, in directory: Directory, version: Int64?) -> Versioned<BundleFields>? {
        let version = version ?? directory.version(of: ref) ?? 0
        switch ref {
        case .profile(let id):
            guard let profile = directory.profiles[id] else { return nil }
            return Versioned(
                id: id.rawValue, version: version,
                view: BundleFields(
                    name: profile.name, builtIn: profile.isBuiltIn, permissions: profile.adminPermissions,
                    apps: profile.connectedApps, in: directory
                ).withPolicies(of: profile))
        case .permissionSet(let id):
            guard let set = directory.permissionSets[id] else { return nil }
            return Versioned(
                id: id.rawValue, version: version,
                view: BundleFields(
                    name: set.name, builtIn: false, permissions: set.adminPermissions, apps: set.connectedApps,
                    in: directory))
        case .user, .app: return nil
        }
    }
}

/// Profiles and permission sets by id, for the admin API, the console and SCIM.
extension Admin {
    /// One page of profiles or permission sets in name order after `boundary`; `name`: exactly that one.
    public func bundles(_ kind: BundleKind, name: String?, after boundary: String?, limit: Int) async throws -> Page<
        Versioned<BundleFields>
    > {
        try require(.viewSetup)
        let refs: [EntityRef]
        if let name {
            let named = try await directory(kind, name)
            let found =
                kind == .profile
                ? named.profile(named: name).map { EntityRef.profile($0.id) }
                : named.permissionSet(named: name).map { EntityRef.permissionSet($0.id) }
            refs = boundary == nil ? [found].compactMap { $0 } : []
        } else {
            refs = try await store.page(of: kind.entityKind, after: boundary, limit: limit + 1)
        }
        let shown = Array(refs.prefix(limit))
        let directory = try await directory(ids: shown)
        let counts = try await store.holderCounts(of: shown)
        let found = shown.compactMap { bundle($0, in: directory, count: counts[$0] ?? 0) }
        return Page.of(found, more: refs.count > limit, key: \.view.name) { $0 }
    }

    public func bundle(_ kind: BundleKind, id: String) async throws -> Versioned<BundleFields> {
        try require(.viewSetup)
        let ref = kind.ref(id)
        let counts = try await store.holderCounts(of: [ref])
        guard let found = bundle(ref, in: try await directory(ids: [ref]), count: counts[ref] ?? 0) else {
            throw AdminFailure.noEntity(kind.entityKind, id)
        }
        return found
    }

    /// A new profile or permission set as `spec` names it.
    public func createBundle(_ kind: BundleKind, _ spec: ProfileSpec) async throws -> PreparedChange {
        try requireToPrepare(.manageProfilesAndPermissionSets)
        let directory = try await directory(names: spec, kind)
        try refuseTaken(spec.name, kind, in: directory, except: nil)
        let change: DirectoryChange =
            switch kind {
            case .profile: .createProfile(try planner.edit(Profile(name: spec.name), with: spec, in: directory))
            case .permissionSet:
                .createPermissionSet(
                    try planner.edit(PermissionSet(name: spec.name), with: spec.asPermissionSet, in: directory))
            }
        return try await prepare([change], basedOn: directory, needing: [.manageProfilesAndPermissionSets])
    }

    /// The profile or permission set with `id` changed as `spec` says (keys left out are left as they are).
    public func editBundle(_ kind: BundleKind, id: String, _ spec: ProfileSpec, from condition: VersionCondition)
        async throws -> PreparedChange
    {
        try requireToPrepare(.manageProfilesAndPermissionSets)
        let ref = kind.ref(id)
        var spec = spec
        let directory = try await directory(names: spec, kind, ids: [ref])
        try refuseTaken(spec.name, kind, in: directory, except: id)
        let change: DirectoryChange?
        switch ref {
        case .profile(let id):
            let before = try directory.requireProfile(id: id)
            if !spec.nameGiven { spec.name = before.name }
            let after = try planner.edit(before, with: spec, in: directory)
            try check(condition, of: ref, in: directory)
            change = before == after ? nil : .updateProfile(before: before, after: after)
        case .permissionSet(let id):
            let before = try directory.requirePermissionSet(id: id)
            if !spec.nameGiven { spec.name = before.name }
            let after = try planner.edit(before, with: spec.asPermissionSet, in: directory)
            try check(condition, of: ref, in: directory)
            change = before == after ? nil : .updatePermissionSet(before: before, after: after)
        case .user, .app: change = nil
        }
        return try await prepare(
            change.map { [$0] } ?? [], basedOn: directory, needing: [.manageProfilesAndPermissionSets])
    }

    /// Deletes a profile nobody holds (a user always has one), or a permission set (its holders lose it).
    public func deleteBundle(_ kind: BundleKind, id: String, from condition: VersionCondition) async throws
        -> PreparedChange
    {
        try requireToPrepare(.manageProfilesAndPermissionSets)
        let ref = kind.ref(id)
        let directory = try await directory(ids: [ref])
        let change: DirectoryChange
        switch ref {
        case .profile(let id):
            let profile = try directory.requireProfile(id: id)
            try check(condition, of: ref, in: directory)
            if profile.isBuiltIn {
                throw AdminFailure(.conflict, "the built-in profile \"\(profile.name)\" cannot be deleted")
            }
            let holders = try await store.users(after: nil, limit: 3, filter: UserFilter(profile: id))
            if !holders.isEmpty {
                throw AdminFailure(
                    .conflict,
                    "profile \"\(profile.name)\" is held by \(holders.map(\.username).joined(separator: ", "))\(holders.count == 3 ? " and others" : ""): give them another profile first"
                )
            }
            change = .deleteProfile(profile)
        case .permissionSet(let id):
            let set = try directory.requirePermissionSet(id: id)
            try check(condition, of: ref, in: directory)
            change = .deletePermissionSet(set)
        case .user, .app: throw AdminFailure.noEntity(kind.entityKind, id)
        }
        return try await prepare([change], basedOn: directory, needing: [.manageProfilesAndPermissionSets])
    }

    /// A profile or permission set as read, with how many users hold it.
    private func bundle(_ ref: EntityRef, in directory: Directory, count: Int) -> Versioned<BundleFields>? {
        guard var found = BundleFields.versioned(ref, in: directory, version: nil) else { return nil }
        found.view.userCount = count
        return found
    }

    /// What a spec for a profile or permission set refers to: its name (taken?) and the apps it grants.
    private func directory(names spec: ProfileSpec, _ kind: BundleKind, ids: [EntityRef] = []) async throws
        -> Directory
    {
        let apps = spec.connectedApps ?? []
        let names = spec.nameGiven ? [spec.name] : []
        switch kind {
        case .profile: return try await directory(profiles: names, apps: apps, ids: ids)
        case .permissionSet: return try await directory(permissionSets: names, apps: apps, ids: ids)
        }
    }

    private func refuseTaken(_ name: String, _ kind: BundleKind, in directory: Directory, except id: String?)
        throws(AdminFailure)
    {
        guard !name.isEmpty else { return }
        let holder: String? =
            switch kind {
            case .profile: directory.profile(named: name)?.id.rawValue
            case .permissionSet: directory.permissionSet(named: name)?.id.rawValue
            }
        if let holder, holder != id {
            throw AdminFailure(.conflict, "a \(kind.rawValue) named \"\(name)\" already exists")
        }
    }
}

extension BundleKind {
    public var entityKind: EntityKind { self == .profile ? .profile : .permissionSet }

    func ref(_ id: String) -> EntityRef { EntityRef(kind: entityKind, id: id) }
}
