import ArgumentParser
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// `gatehouse users …`
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and change users.",
        subcommands: [
            CreateUser.self, ListUsers.self, ShowUser.self, SetUserProfile.self, AssignPermissionSet.self,
            UnassignPermissionSet.self, ActivateUser.self, DeactivateUser.self, SetUserPassword.self,
            UnlockUser.self, ResetSecondFactors.self,
        ])
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

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let after = after.flatMap { $0.isEmpty ? nil : $0 }  // after "": from the first user
        try await AdminTarget.run(storage) { target in
            guard limit != nil || after != nil else { return try await printAll(target) }
            let views: [UserView]
            switch target {
            case .database(let session): views = try await session.admin.users(after: after, limit: limit ?? Int.max)
            case .server(let server): views = try await server.users(after: after, limit: limit ?? Int.max)
            }
            if json { return try printJSON(views) }
            for view in views { emit(line(view)) }
        }
    }

    private func line(_ view: UserView) -> String {
        let summary = view.summary
        return [summary.username, summary.email, summary.profile, summary.active ? "active" : "inactive"].map(field)
            .joined(separator: "\t")
    }

    /// Every user, a page at a time, printed as each page arrives: memory stays that of one page at any size.
    private func printAll(_ target: AdminTarget) async throws {
        var first = true
        if json { print("[") }
        let each = { (page: [UserView]) in
            for view in page {
                if json {
                    // The elements of `printJSON`'s pretty array: each indented two spaces, comma-separated.
                    let encoded = try jsonText(view).split(separator: "\n", omittingEmptySubsequences: false)
                    let indented = encoded.map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
                    print((first ? "" : ",\n") + indented, terminator: "")
                } else {
                    emit(line(view))
                }
                first = false
            }
        }
        switch target {
        case .database(let session): try await session.admin.allUsers(each)
        case .server(let server):
            try await server.api.all("users") { (page: [Fetched<UserView>]) in try each(page.map(\.view)) }
        }
        if json { print("\n]") }
    }
}

struct ShowUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one user.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username.") var username: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let full =
                switch target {
                case .database(let session): try await session.admin.user(named: username)
                case .server(let server): try await server.user(named: username).view
                }
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
