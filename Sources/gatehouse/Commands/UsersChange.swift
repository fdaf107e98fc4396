import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// Prepares one change with the admin library and commits it after the review.
func commitChange(
    _ storage: StorageOptions, review: ChangeReview = .proceed, _ prepare: (Admin) async throws -> PreparedChange
) async throws {
    try await AdminSession.run(storage) { session in
        try await session.commit(try await prepare(session.admin), review: review)
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
        try await commitChange(storage, review: review.review) { try await $0.setProfile(of: username, to: profile) }
    }
}

struct AssignPermissionSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign", abstract: "Assign a permission set to a user.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @Argument(help: "The permission set.") var permissionSet: String

    func run() async throws {
        try await commitChange(storage) { try await $0.assign(permissionSet, to: username) }
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
        try await commitChange(storage, review: review.review) { try await $0.unassign(permissionSet, from: username) }
    }
}

struct ActivateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activate", abstract: "Let a user sign in again.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws { try await commitChange(storage) { try await $0.setActive(username, true) } }
}

struct DeactivateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate", abstract: "Stop a user from signing in and from using any app.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await commitChange(storage, review: review.review) { try await $0.setActive(username, false) }
    }
}

struct SetUserPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password", abstract: "Set a user's password, read from standard input (one line).")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws {
        let password = try readPasswordLine()
        try await commitChange(storage) { try await $0.setPassword(of: username, to: password) }
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
        try await AdminSession.run(storage) { session in
            let (user, cleared) = try await session.admin.unlock(username)
            emit(
                cleared == 0
                    ? "\(user.username) has no failed sign-ins on record; nothing to unlock."
                    : "Cleared \(cleared) failed sign-in\(cleared == 1 ? "" : "s") of \(user.username): they can sign in now."
            )
        }
    }
}
