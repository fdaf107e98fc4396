import Foundation
import GatehouseCore
import GatehouseStorage

/// A user as admins see them (`users list --json`, `users show --json`, the admin API): the summary, and the admin
/// permissions the user holds through the profile and permission sets.
public struct UserView: Codable, Sendable {
    public var summary: UserSummary
    public var adminPermissions: [String]

    public init(_ user: User, in directory: Directory) {
        summary = UserSummary(user, in: directory)
        adminPermissions = directory.adminPermissions(of: user).sorted().map(\.rawValue)
    }

    private enum Extra: String, CodingKey { case adminPermissions }

    /// A user as the admin API answered it (`gatehouse --server`).
    public init(from decoder: any Decoder) throws {
        summary = try UserSummary(from: decoder)
        adminPermissions = try decoder.container(keyedBy: Extra.self).decode([String].self, forKey: .adminPermissions)
    }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: Extra.self)
        try container.encode(adminPermissions, forKey: .adminPermissions)
    }
}

/// A user to create, as an admin names it: the profile and permission sets by name.
public struct NewUser: Sendable {
    public var username: String
    public var email: String
    public var displayName: String
    public var isActive: Bool
    /// The initial password, checked against the password rules; nil: the user cannot sign in until one is set.
    public var password: String?
    public var profile: String
    public var permissionSets: [String]

    public init(
        username: String, email: String, displayName: String = "", isActive: Bool = true, password: String? = nil,
        profile: String, permissionSets: [String] = []
    ) {
        self.username = username
        self.email = email
        self.displayName = displayName
        self.isActive = isActive
        self.password = password
        self.profile = profile
        self.permissionSets = permissionSets
    }
}

extension Admin {
    /// One page of users in username order, after `username`, by index.
    public func users(after username: String?, limit: Int) async throws -> [UserView] {
        try require(.viewSetup)
        let users = try await store.users(after: username, limit: limit)
        let directory = try await directory(users: users.map(\.username))
        return users.map { UserView($0, in: directory) }
    }

    /// Every user in username order, a page at a time (`body` gets each page as it is read): the shared part read
    /// once, each page by index, so memory is one page's whatever the user count.
    public func allUsers(pageSize: Int = 1_000, _ body: ([UserView]) throws -> Void) async throws {
        try require(.viewSetup)
        let directory = try await sharedDirectory()
        var after: String?
        while true {
            let page = try await store.users(after: after, limit: pageSize)
            guard let last = page.last else { return }
            try body(page.map { UserView($0, in: directory) })
            after = last.username
        }
    }

    public func user(named username: String) async throws -> UserView {
        try require(.viewSetup)
        let directory = try await directory(users: [username])
        return UserView(try directory.requireUser(username), in: directory)
    }

    public func createUser(_ spec: NewUser) async throws -> PreparedChange {
        try requireToPrepare(.manageUsers)
        let directory = try await directory(
            users: [spec.username], profiles: [spec.profile], permissionSets: spec.permissionSets)
        guard directory.user(named: spec.username) == nil else {
            throw AdminFailure(.conflict, "a user named \"\(spec.username)\" already exists")
        }
        let user = User(
            username: spec.username, email: spec.email, displayName: spec.displayName, isActive: spec.isActive,
            passwordHash: try spec.password.map { try passwordHasher.hash($0) },
            profile: try directory.requireProfile(spec.profile).id,
            permissionSets: Set(try spec.permissionSets.map { try directory.requirePermissionSet($0).id }))
        try ValidationFailure.check { report in
            user.validate(at: "", into: &report)
            if let password = spec.password { PasswordRules.check(password, at: "password", into: &report) }
        }
        return try await prepare([.createUser(user)], basedOn: directory, needing: [.manageUsers])
    }

    /// One change to one user, computed by `change` from the user as read now (with the profiles and permission sets
    /// it names read too), from a version `condition` admits (the console's forms carry the one they were read
    /// at); no change when it leaves them as they were.
    public func changeUser(
        _ username: String, profiles: [String] = [], permissionSets: [String] = [],
        from condition: VersionCondition = .any, _ change: (inout User, Directory) throws -> Void
    ) async throws -> PreparedChange {
        try requireToPrepare(.manageUsers)
        let directory = try await directory(users: [username], profiles: profiles, permissionSets: permissionSets)
        let before = try directory.requireUser(username)
        try check(condition, of: .user(before.id), in: directory)
        var after = before
        try change(&after, directory)
        try ValidationFailure.check { after.validate(at: "", into: &$0) }
        return try await prepare(
            before == after ? [] : [.updateUser(before: before, after: after)], basedOn: directory,
            needing: [.manageUsers])
    }

    public func setProfile(of username: String, to profile: String, from condition: VersionCondition = .any)
        async throws -> PreparedChange
    {
        try await changeUser(username, profiles: [profile], from: condition) { user, directory in
            user.profile = try directory.requireProfile(profile).id
        }
    }

    public func assign(_ permissionSet: String, to username: String, from condition: VersionCondition = .any)
        async throws -> PreparedChange
    {
        try await changeUser(username, permissionSets: [permissionSet], from: condition) { user, directory in
            user.permissionSets.insert(try directory.requirePermissionSet(permissionSet).id)
        }
    }

    public func unassign(
        _ permissionSet: String, from username: String, from condition: VersionCondition = .any
    ) async throws -> PreparedChange {
        try await changeUser(username, permissionSets: [permissionSet], from: condition) { user, directory in
            let set = try directory.requirePermissionSet(permissionSet)
            guard user.permissionSets.remove(set.id) != nil else {
                throw AdminFailure(.invalid, "\(user.username) does not hold permission set \"\(set.name)\"")
            }
        }
    }

    /// Activates or deactivates a user; a deactivation ends the user's grants and sessions as it commits.
    public func setActive(_ username: String, _ isActive: Bool, from condition: VersionCondition = .any)
        async throws -> PreparedChange
    {
        try await changeUser(username, from: condition) { user, _ in user.isActive = isActive }
    }

    /// Sets a password, checked against the password rules and hashed with the slow KDF; the user's browser
    /// sessions end as it commits.
    public func setPassword(of username: String, to password: String, from condition: VersionCondition = .any)
        async throws -> PreparedChange
    {
        try requireToPrepare(.manageUsers)  // before the slow hash
        try ValidationFailure.check { PasswordRules.check(password, at: "password", into: &$0) }
        let hash = try passwordHasher.hash(password)
        return try await changeUser(username, from: condition) { user, _ in user.passwordHash = hash }
    }

    /// Removes every second factor of the user named `username` and ends their sessions; see
    /// ``resetSecondFactors(_:)-(UserID)``.
    public func resetSecondFactors(of username: String) async throws -> (user: User, removed: Int) {
        try require(.manageUsers)
        let directory = try await directory(users: [username])
        return try await resetSecondFactors(try directory.requireUser(username).id)
    }

    /// Clears the failed sign-ins counted against the user's account on every node; returns the user and how many.
    public func unlock(_ username: String) async throws -> (user: User, cleared: Int) {
        try require(.manageUsers)
        let directory = try await directory(users: [username])
        let user = try directory.requireUser(username)
        try requireOutranks(user, in: directory)
        return (user, try await store.unlockSignIn(of: user, actor: actor, at: now()))
    }
}
