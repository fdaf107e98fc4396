import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import NIOHTTP1

/// Prepares one change (with the admin library, or through the server's admin API) and commits it after the review.
func commitChange(
    _ storage: StorageOptions, review: ChangeReview = .proceed, local: (Admin) async throws -> PreparedChange,
    remote: (RemoteAdmin) async throws -> ReviewedChange
) async throws {
    try await AdminTarget.run(storage) { target in
        try await target.commit(review: review, local: local, remote: remote)
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
        try await commitChange(storage, review: review.review) {
            try await $0.setProfile(of: username, to: profile)
        } remote: { server in
            _ = try await server.user(named: username)
            let named = try await server.bundle(.profile, named: profile)
            return try await server.changeUser(username, ["profile": .string(named.view.name)])
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
        try await commitChange(storage) {
            try await $0.assign(permissionSet, to: username)
        } remote: { server in
            let user = try await server.user(named: username)
            let set = try await server.bundle(.permissionSet, named: permissionSet).view.name
            let held = user.view.summary.permissionSets
            guard !held.contains(where: { uniquenessKey($0) == uniquenessKey(set) }) else {
                return ReviewedChange(summaries: [], impact: AccessImpact()) { [] }
            }
            return try await server.change(
                .PATCH, try AdminAPIClient.path("users", user.id),
                json: .object(["permissionSets": .strings(held + [set])]),
                version: user.version)
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
        try await commitChange(storage, review: review.review) {
            try await $0.unassign(permissionSet, from: username)
        } remote: { server in
            let user = try await server.user(named: username)
            let set = try await server.bundle(.permissionSet, named: permissionSet).view.name
            let held = user.view.summary.permissionSets
            let kept = held.filter { uniquenessKey($0) != uniquenessKey(set) }
            guard kept.count < held.count else {
                throw CommandFailure(#"\#(user.view.summary.username) does not hold permission set "\#(set)""#)
            }
            return try await server.change(
                .PATCH, try AdminAPIClient.path("users", user.id), json: .object(["permissionSets": .strings(kept)]),
                version: user.version)
        }
    }
}

struct ActivateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "activate", abstract: "Let a user sign in again.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws {
        try await commitChange(storage) {
            try await $0.setActive(username, true)
        } remote: {
            try await $0.changeUser(username, ["active": .bool(true)])
        }
    }
}

struct DeactivateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate", abstract: "Stop a user from signing in and from using any app.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await commitChange(storage, review: review.review) {
            try await $0.setActive(username, false)
        } remote: {
            try await $0.changeUser(username, ["active": .bool(false)])
        }
    }
}

struct SetUserPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-password", abstract: "Set a user's password, read from standard input (one line).")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws {
        let password = try readPasswordLine()
        try await commitChange(storage) {
            try await $0.setPassword(of: username, to: password)
        } remote: {
            try await $0.changeUser(username, ["password": .string(password)])
        }
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
        let (name, cleared) = try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session):
                let (user, cleared) = try await session.admin.unlock(username)
                return (user.username, cleared)
            case .server(let server):
                let user = try await server.user(named: username)
                struct Unlocked: Decodable {
                    var user: String
                    var failedSignInsCleared: Int
                }
                let unlocked: Unlocked = try await server.api.request(
                    .POST, try AdminAPIClient.path("users", user.id, "unlock")
                ).decode()
                return (unlocked.user, unlocked.failedSignInsCleared)
            }
        }
        emit(
            cleared == 0
                ? "\(name) has no failed sign-ins on record; nothing to unlock."
                : "Cleared \(cleared) failed sign-in\(cleared == 1 ? "" : "s") of \(name): they can sign in now.")
    }
}

struct ResetSecondFactors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-second-factors",
        abstract: "Remove a user's authenticator apps and recovery codes (a lost phone), and end their sessions.",
        discussion: """
            The user signs in next with their password alone, or, where their profile or the app requires a second \
            factor, sets up a new authenticator app while signing in. Audited as user.second-factors-reset.
            """)
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String

    func run() async throws {
        let (name, removed) = try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session):
                let (user, removed) = try await session.admin.resetSecondFactors(of: username)
                return (user.username, removed)
            case .server(let server):
                let user = try await server.user(named: username)
                struct Reset: Decodable {
                    var user: String
                    var secondFactorsRemoved: Int
                }
                let reset: Reset = try await server.api.request(
                    .POST, try AdminAPIClient.path("users", user.id, "second-factors", "reset")
                ).decode()
                return (reset.user, reset.secondFactorsRemoved)
            }
        }
        emit(
            removed == 0
                ? "\(name) had no second factor; their sessions are ended."
                : "Removed \(removed) second factor\(removed == 1 ? "" : "s") of \(name), with their recovery codes; "
                    + "their sessions are ended.")
    }
}
