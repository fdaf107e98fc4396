import ArgumentParser
import GatehouseAdmin
import GatehouseCore
import NIOHTTP1

extension AdminPermission: ExpressibleByArgument {}

struct BundleCreate<Kind: BundleKindProvider>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "create", abstract: "Create a \(Kind.kind.rawValue).")
    }
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The name (unique regardless of case).") var name: String
    @Option(
        name: .customLong("admin-permission"),
        help:
            "An admin permission to grant (repeatable): \(AdminPermission.allCases.map(\.rawValue).joined(separator: ", "))."
    )
    var adminPermissions: [AdminPermission] = []

    func run() async throws {
        try await commitChange(storage) {
            try await $0.createBundle(Kind.kind, named: name, permissions: Set(adminPermissions))
        } remote: { server in
            let permissions = Set(adminPermissions).sorted().map(\.rawValue)
            return try await server.change(
                .POST, Kind.kind.collection,
                json: .object(["name": .string(name), "adminPermissions": .strings(permissions)]))
        }
    }
}

struct BundleList<Kind: BundleKindProvider>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "List every \(Kind.kind.rawValue).")
    }
    @OptionGroup var storage: StorageOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let all =
                switch target {
                case .database(let session): try await session.admin.bundles(Kind.kind, withUsers: json)
                case .server(let server): try await server.bundles(Kind.kind, withUsers: json)
                }
            if json { return try printJSON(all.map(\.view)) }
            for bundle in all {
                emit(
                    "\(bundle.view.name)\tapps: \(bundle.view.connectedApps.joined(separator: ", "))\tusers: \(bundle.holderCount)"
                )
            }
        }
    }
}

struct BundleShow<Kind: BundleKindProvider>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "show", abstract: "Show one \(Kind.kind.rawValue), its apps and its users.")
    }
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The name.") var name: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let bundle =
                switch target {
                case .database(let session): try await session.admin.bundle(Kind.kind, named: name)
                case .server(let server): try await server.bundleView(Kind.kind, named: name)
                }
            if json { return try printJSON(bundle) }
            emit(
                """
                name:              \(bundle.name)\(bundle.builtIn ? " (built-in)" : "")
                admin permissions: \(bundle.adminPermissions.joined(separator: ", "))
                connected apps:    \(bundle.connectedApps.joined(separator: ", "))
                users:             \(bundle.users.joined(separator: ", "))
                """)
            if let ranges = bundle.loginIpRanges {
                emit("login IP ranges:   \(ranges.isEmpty ? "any address" : ranges.joined(separator: ", "))")
                emit("login hours:       \(bundle.loginHours ?? "any time")")
                emit("second factor:     \(bundle.requireSecondFactor == true ? "required" : "optional")")
            }
        }
    }
}

struct BundleGrantApp<Kind: BundleKindProvider>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "grant-app",
            abstract: "Let users of this \(Kind.kind.rawValue) use an app that admits only admin-approved users.")
    }
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The \(Kind.kind.rawValue).") var name: String
    @Argument(help: "The connected app (name or client id).") var app: String

    func run() async throws {
        try await commitChange(storage) {
            try await $0.setApp(app, granted: true, on: Kind.kind, named: name)
        } remote: {
            try await $0.setApp(app, granted: true, on: Kind.kind, named: name)
        }
    }
}

struct BundleRevokeApp<Kind: BundleKindProvider>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "revoke-app", abstract: "Stop this \(Kind.kind.rawValue) from granting an app.")
    }
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The \(Kind.kind.rawValue).") var name: String
    @Argument(help: "The connected app (name or client id).") var app: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await commitChange(storage, review: review.review) {
            try await $0.setApp(app, granted: false, on: Kind.kind, named: name)
        } remote: {
            try await $0.setApp(app, granted: false, on: Kind.kind, named: name)
        }
    }
}

/// Selects the kind a generic bundle command works on.
protocol BundleKindProvider { static var kind: BundleKind { get } }
enum ProfileKind: BundleKindProvider { static let kind = BundleKind.profile }
enum PermissionSetKind: BundleKindProvider { static let kind = BundleKind.permissionSet }

/// `gatehouse profiles …`
struct Profiles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and list profiles, and choose the apps each grants.",
        discussion:
            "Every user has exactly one profile. The built-in \"System Administrator\" holds every admin permission.",
        subcommands: [
            BundleCreate<ProfileKind>.self, BundleList<ProfileKind>.self, BundleShow<ProfileKind>.self,
            BundleGrantApp<ProfileKind>.self, BundleRevokeApp<ProfileKind>.self, SetProfilePolicy.self,
        ])
}

/// `gatehouse permission-sets …`
struct PermissionSets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permission-sets",
        abstract: "Create and list permission sets, and choose the apps each grants.",
        discussion: "A permission set is assigned to any number of users on top of their profile (see users assign).",
        subcommands: [
            BundleCreate<PermissionSetKind>.self, BundleList<PermissionSetKind>.self,
            BundleShow<PermissionSetKind>.self,
            BundleGrantApp<PermissionSetKind>.self, BundleRevokeApp<PermissionSetKind>.self,
        ])
}
