import ArgumentParser
import GatehouseCore

/// `gatehouse users …`
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and change users.",
        subcommands: [
            CreateUser.self, ListUsers.self, ShowUser.self, SetUserProfile.self, AssignPermissionSet.self,
            UnassignPermissionSet.self, ActivateUser.self, DeactivateUser.self, SetUserPassword.self,
        ])
}

/// What `users list --json` and `users show --json` print: references by name, no password hash.
struct UserView: Encodable {
    var username: String
    var email: String
    var displayName: String
    var active: Bool
    var hasPassword: Bool
    var profile: String
    var permissionSets: [String]
    var adminPermissions: [String]

    init(_ user: User, in directory: Directory) {
        username = user.username
        email = user.email
        displayName = user.displayName
        active = user.isActive
        hasPassword = user.passwordHash != nil
        profile = directory.profiles[user.profile]?.name ?? ""
        permissionSets = user.permissionSets.compactMap { directory.permissionSets[$0]?.name }.sorted()
        adminPermissions = directory.adminPermissions(of: user).sorted().map(\.rawValue)
    }
}

struct ListUsers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users.")
    @OptionGroup var storage: StorageOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminSession.run(storage) { session in
            let views = session.directory.sortedUsers.map { UserView($0, in: session.directory) }
            if json { return try printJSON(views) }
            for view in views {
                print("\(view.username)\t\(view.email)\t\(view.profile)\t\(view.active ? "active" : "inactive")")
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
        try await AdminSession.run(storage) { session in
            let view = UserView(try session.user(username), in: session.directory)
            if json { return try printJSON(view) }
            print(
                """
                username:          \(view.username)
                email:             \(view.email)
                display name:      \(view.displayName)
                active:            \(view.active)
                password:          \(view.hasPassword ? "set" : "none")
                profile:           \(view.profile)
                permission sets:   \(view.permissionSets.joined(separator: ", "))
                admin permissions: \(view.adminPermissions.joined(separator: ", "))
                """)
        }
    }
}
