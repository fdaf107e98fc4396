import ArgumentParser
import GatehouseCore
import GatehouseStorage

/// `gatehouse users …`
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and change users.",
        subcommands: [
            CreateUser.self, ListUsers.self, ShowUser.self, SetUserProfile.self, AssignPermissionSet.self,
            UnassignPermissionSet.self, ActivateUser.self, DeactivateUser.self, SetUserPassword.self,
            UnlockUser.self,
        ])
}

/// What `users list --json` and `users show --json` print: the admin summary and the admin permissions the
/// user holds through the profile and permission sets.
struct UserView: Encodable {
    var summary: UserSummary
    var adminPermissions: [String]

    init(_ user: User, in directory: Directory) {
        summary = UserSummary(user, in: directory)
        adminPermissions = directory.adminPermissions(of: user).sorted().map(\.rawValue)
    }

    private enum Extra: String, CodingKey { case adminPermissions }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: Extra.self)
        try container.encode(adminPermissions, forKey: .adminPermissions)
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List users, by username.",
        discussion: """
            With --limit, one page read by index (fast at any size); the next page starts --after the last \
            username shown.
            """)
    @OptionGroup var storage: StorageOptions
    @Option(help: "At most this many users (one page).") var limit: Int?
    @Option(help: "Only users whose username sorts after this one (the last of the previous page).") var after: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let paged = limit != nil || after != nil
        try await AdminSession.run(storage, users: paged ? [] : nil) { session in
            let users =
                paged
                ? try await session.store.users(after: after, limit: limit ?? Int.max) : session.directory.sortedUsers
            let views = users.map { UserView($0, in: session.directory) }
            if json { return try printJSON(views) }
            for view in views.map(\.summary) {
                emit(
                    [view.username, view.email, view.profile, view.active ? "active" : "inactive"].map(field)
                        .joined(separator: "\t"))
            }
        }
    }
}

struct ShowUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one user.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminSession.run(storage, users: [username]) { session in
            let full = UserView(try session.user(username), in: session.directory)
            if json { return try printJSON(full) }
            let view = full.summary
            emit(
                """
                username:          \(view.username)
                email:             \(view.email)
                display name:      \(view.displayName)
                active:            \(view.active)
                password:          \(view.hasPassword ? "set" : "none")
                profile:           \(view.profile)
                permission sets:   \(view.permissionSets.joined(separator: ", "))
                admin permissions: \(full.adminPermissions.joined(separator: ", "))
                """)
        }
    }
}
