import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStorage

/// Commits one change to one user, computed by `change`.
func changeUser(
    _ storage: StorageOptions, _ username: String, review: ChangeReview = .proceed,
    _ change: (inout User, AdminSession) throws -> Void
) async throws {
    try await AdminSession.run(storage, users: [username]) { session in
        let before = try session.user(username)
        var after = before
        try change(&after, session)
        try ValidationFailure.check { after.validate(at: "", into: &$0) }
        try await session.commit(before == after ? [] : [.updateUser(before: before, after: after)], review: review)
    }
}

struct SetUserProfile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-profile", abstract: "Give a user another profile.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @Argument(help: "The profile.") var profile: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await changeUser(storage, username, review: review.review) { user, session in
            user.profile = try session.profile(profile).id
        }
    }
}

struct AssignPermissionSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Assign a permission set to a user.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @Argument(help: "The permission set.") var permissionSet: String

    func run() async throws {
        try await changeUser(storage, username) { user, session in
            user.permissionSets.insert(try session.permissionSet(permissionSet).id)
        }
    }
}

struct UnassignPermissionSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unassign", abstract: "Take a permission set away from a user.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @Argument(help: "The permission set.") var permissionSet: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await changeUser(storage, username, review: review.review) { user, session in
            let set = try session.permissionSet(permissionSet)
            guard user.permissionSets.remove(set.id) != nil else {
                throw CommandFailure("\(user.username) does not hold permission set \"\(set.name)\"")
            }
        }
    }
}

struct ActivateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activate", abstract: "Let a user sign in again.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws { try await changeUser(storage, username) { user, _ in user.isActive = true } }
}

struct DeactivateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate", abstract: "Stop a user from signing in and from using any app.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await changeUser(storage, username, review: review.review) { user, _ in user.isActive = false }
    }
}

struct SetUserPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password", abstract: "Set a user's password, read from standard input (one line).")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws {
        let password = try readPasswordLine()
        try ValidationFailure.check { PasswordRules.check(password, at: "password", into: &$0) }
        let hash = try PasswordHasher.standard.hash(password)
        try await changeUser(storage, username) { user, _ in user.passwordHash = hash }
    }
}

struct UnlockUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Let a user whose sign-ins are throttled (too many wrong passwords) try again now.",
        discussion: """
            Clears the failed sign-ins counted against the account, on every node. Failures counted against a \
            client address (20 in 15 minutes) still hold for that address.
            """)
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws {
        try await AdminSession.run(storage, users: [username]) { session in
            let user = try session.user(username)
            let cleared = try await session.store.unlockSignIn(of: user, actor: session.actor, at: Date())
            emit(
                cleared == 0
                    ? "\(user.username) has no failed sign-ins on record; nothing to unlock."
                    : "Cleared \(cleared) failed sign-in\(cleared == 1 ? "" : "s") of \(user.username): they can sign in now."
            )
        }
    }
}
