import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseStorage

/// What a listing of users is narrowed to, as an admin names it.
public struct UserQuery: Sendable, Equatable {
    /// Exactly this user (compared as usernames are: regardless of case).
    public var username: String?
    public var profile: String?
    public var permissionSet: String?
    public var isActive: Bool?
    /// Usernames that start with this (Quick Find), regardless of case.
    public var usernamePrefix: String?

    public init(
        username: String? = nil, profile: String? = nil, permissionSet: String? = nil, isActive: Bool? = nil,
        usernamePrefix: String? = nil
    ) {
        self.username = username
        self.profile = profile
        self.permissionSet = permissionSet
        self.isActive = isActive
        self.usernamePrefix = usernamePrefix
    }
}

/// Users by id, for the admin API, the console and SCIM: the entity with its version, changes as specs (the config
/// contract's keys) checked against the version the admin read.
extension Admin {
    /// One page of users in username order after `boundary`, narrowed by `query`, by index.
    public func users(_ query: UserQuery, after boundary: String?, limit: Int) async throws -> Page<
        Versioned<UserView>
    > {
        try require(.viewSetup)
        let named = try await directory(
            profiles: query.profile.map { [$0] } ?? [], permissionSets: query.permissionSet.map { [$0] } ?? [])
        var filter = UserFilter(isActive: query.isActive, usernamePrefix: query.usernamePrefix)
        if let name = query.profile {
            guard let profile = named.profile(named: name) else { return Page(items: [], next: nil) }
            filter.profile = profile.id
        }
        if let name = query.permissionSet {
            guard let set = named.permissionSet(named: name) else { return Page(items: [], next: nil) }
            filter.permissionSet = set.id
        }
        let found: [User]
        if let username = query.username {
            // One user at most: on the first page, or on none.
            let user = boundary == nil ? try await store.user(named: username)?.user : nil
            found = [user].compactMap { $0 }.filter(filter.admits)
        } else {
            found = try await store.users(after: boundary, limit: limit + 1, filter: filter)
        }
        let directory = try await directory(ids: found.prefix(limit).map { .user($0.id) })
        return Page.of(found, limit: limit, key: \.username) { user in
            Versioned(
                id: user.id.rawValue, version: directory.version(of: .user(user.id)) ?? 0,
                view: UserView(directory.users[user.id] ?? user, in: directory))
        }
    }

    public func user(id: UserID) async throws -> Versioned<UserView> {
        try require(.viewSetup)
        let directory = try await directory(ids: [.user(id)])
        let user = try directory.requireUser(id: id)
        return Versioned(
            id: id.rawValue, version: directory.version(of: .user(id)) ?? 0, view: UserView(user, in: directory))
    }

    /// A new user as `spec` names it (`username`, `email` and `profile` required).
    public func createUser(_ spec: UserSpec) async throws -> PreparedChange {
        try requireToPrepare(.manageUsers)
        let directory = try await directory(
            users: [spec.username], profiles: spec.profile.map { [$0] } ?? [],
            permissionSets: spec.permissionSets ?? [])
        if directory.user(named: spec.username) != nil {
            throw AdminFailure(.conflict, "a user named \"\(spec.username)\" already exists")
        }
        let user = try planner.edit(
            User(username: spec.username, email: "", profile: ProfileID(rawValue: "")), with: spec, isNew: true,
            in: directory)
        return try await prepare([.createUser(user)], basedOn: directory, needing: [.manageUsers])
    }

    /// The user with `id` changed as `spec` says (a JSON merge patch: keys left out are left as they are), from the
    /// version `condition` admits.
    public func editUser(_ id: UserID, _ spec: UserSpec, from condition: VersionCondition) async throws
        -> PreparedChange
    {
        try requireToPrepare(.manageUsers)
        var spec = spec
        let directory = try await directory(
            users: spec.nameGiven ? [spec.username] : [], profiles: spec.profile.map { [$0] } ?? [],
            permissionSets: spec.permissionSets ?? [], ids: [.user(id)])
        let before = try directory.requireUser(id: id)
        if !spec.nameGiven { spec.username = before.username }
        // What is wrong with the change is said first; then whether it was made from the version there is now.
        let after = try planner.edit(before, with: spec, isNew: false, in: directory)
        try check(condition, of: .user(id), in: directory)
        if let other = directory.user(named: spec.username), other.id != id {
            throw AdminFailure(.conflict, "a user named \"\(other.username)\" already exists")
        }
        return try await prepare(
            before == after ? [] : [.updateUser(before: before, after: after)], basedOn: directory,
            needing: [.manageUsers])
    }

    /// Deletes the user with `id`: their grants, approvals and sessions go with them.
    public func deleteUser(_ id: UserID, from condition: VersionCondition) async throws -> PreparedChange {
        try requireToPrepare(.manageUsers)
        let directory = try await directory(ids: [.user(id)])
        let user = try directory.requireUser(id: id)
        try check(condition, of: .user(id), in: directory)
        if directory.apps.values.contains(where: { $0.runAsUser == id }) {
            let apps = directory.sortedApps.filter { $0.runAsUser == id }.map { "\"\($0.name)\"" }
            throw AdminFailure(
                .conflict,
                "\(user.username) is the run-as user of \(apps.joined(separator: ", ")): give the app another run-as user first"
            )
        }
        return try await prepare([.deleteUser(user)], basedOn: directory, needing: [.manageUsers])
    }

    /// Clears the failed sign-ins counted against the user with `id`.
    public func unlock(_ id: UserID) async throws -> (user: User, cleared: Int) {
        try require(.manageUsers)
        let directory = try await directory(ids: [.user(id)])
        let user = try directory.requireUser(id: id)
        // Clearing a stronger admin's lockout would help whoever is guessing their password.
        try requireOutranks(user, in: directory)
        return (user, try await store.unlockSignIn(of: user, actor: actor, at: now()))
    }

    /// Removes every second factor and recovery code of the user with `id` and ends their sessions (they set up a
    /// factor again at their next sign-in where one is required); returns how many factors they had. Audited.
    public func resetSecondFactors(_ id: UserID) async throws -> (user: User, removed: Int) {
        try require(.manageUsers)
        let directory = try await directory(ids: [.user(id)])
        let user = try directory.requireUser(id: id)
        // Taking a stronger admin's second factor away would leave their account to whoever has their password.
        try requireOutranks(user, in: directory)
        return (user, try await store.resetSecondFactors(of: user, actor: actor, at: now()))
    }

    /// Applies config specs to entities, as `apply` does.
    var planner: ConfigPlanner {
        ConfigPlanner(secretHasher: secretHasher, passwordHasher: passwordHasher, now: now())
    }
}

extension Directory {
    public func requireUser(id: UserID) throws(AdminFailure) -> User {
        guard let user = users[id] else { throw .noEntity(.user, id.rawValue) }
        return user
    }

    public func requireProfile(id: ProfileID) throws(AdminFailure) -> Profile {
        guard let profile = profiles[id] else { throw .noEntity(.profile, id.rawValue) }
        return profile
    }

    public func requirePermissionSet(id: PermissionSetID) throws(AdminFailure) -> PermissionSet {
        guard let set = permissionSets[id] else { throw .noEntity(.permissionSet, id.rawValue) }
        return set
    }

    public func requireApp(id: ConnectedAppID) throws(AdminFailure) -> ConnectedApp {
        guard let app = apps[id] else { throw .noEntity(.connectedApp, id.rawValue) }
        return app
    }
}

extension AdminFailure {
    static func noEntity(_ kind: EntityKind, _ id: String) -> AdminFailure {
        AdminFailure(.notFound, "no \(kind.noun) has id \"\(id)\"")
    }
}
