import ArgumentParser
import GatehouseCore

/// Profiles and permission sets are edited the same way: both carry admin permissions and connected apps.
enum BundleKind: String {
    case profile = "profile"
    case permissionSet = "permission set"

    /// A bundle's fields, whichever kind it is.
    struct Fields: Encodable {
        var name: String
        var builtIn: Bool
        var adminPermissions: [String]
        var connectedApps: [String]
        var users: [String]
    }

    func all(in session: AdminSession) -> [Fields] {
        switch self {
        case .profile: session.directory.sortedProfiles.map { fields($0, session) }
        case .permissionSet: session.directory.sortedPermissionSets.map { fields($0, session) }
        }
    }

    func find(_ name: String, in session: AdminSession) throws -> Fields {
        switch self {
        case .profile: fields(try session.profile(name), session)
        case .permissionSet: fields(try session.permissionSet(name), session)
        }
    }

    func create(_ name: String, permissions: Set<AdminPermission>, in session: AdminSession) async throws {
        let exists =
            self == .profile
            ? session.directory.profile(named: name) != nil : session.directory.permissionSet(named: name) != nil
        if exists { throw CommandFailure("a \(rawValue) named \"\(name)\" already exists") }
        try ValidationFailure.check { FieldRules.checkName(name, at: "name", into: &$0) }
        switch self {
        case .profile: try await session.commit([.createProfile(Profile(name: name, adminPermissions: permissions))])
        case .permissionSet:
            try await session.commit([.createPermissionSet(PermissionSet(name: name, adminPermissions: permissions))])
        }
    }

    /// Grants (`isGranted`) or revokes an app.
    func setApp(
        _ appName: String, granted isGranted: Bool, on name: String, in session: AdminSession,
        review: ChangeReview = .proceed
    ) async throws {
        let app = try session.app(appName)
        func edit(_ apps: inout Set<ConnectedAppID>) throws {
            if isGranted {
                guard apps.insert(app.id).inserted else {
                    throw CommandFailure("\(rawValue) \"\(name)\" already grants \"\(app.name)\"")
                }
            } else {
                guard apps.remove(app.id) != nil else {
                    throw CommandFailure("\(rawValue) \"\(name)\" does not grant \"\(app.name)\"")
                }
            }
        }
        switch self {
        case .profile:
            let before = try session.profile(name)
            var after = before
            try edit(&after.connectedApps)
            try await session.commit([.updateProfile(before: before, after: after)], review: review)
        case .permissionSet:
            let before = try session.permissionSet(name)
            var after = before
            try edit(&after.connectedApps)
            try await session.commit([.updatePermissionSet(before: before, after: after)], review: review)
        }
    }

    private func fields(_ profile: Profile, _ session: AdminSession) -> Fields {
        Fields(
            name: profile.name, builtIn: profile.isBuiltIn,
            adminPermissions: profile.adminPermissions.sorted().map(\.rawValue),
            connectedApps: appNames(profile.connectedApps, session),
            users: session.directory.users(withProfile: profile.id).map(\.username))
    }

    private func fields(_ set: PermissionSet, _ session: AdminSession) -> Fields {
        Fields(
            name: set.name, builtIn: false, adminPermissions: set.adminPermissions.sorted().map(\.rawValue),
            connectedApps: appNames(set.connectedApps, session),
            users: session.directory.users(withPermissionSet: set.id).map(\.username))
    }

    private func appNames(_ ids: Set<ConnectedAppID>, _ session: AdminSession) -> [String] {
        ids.compactMap { session.directory.apps[$0]?.name }.sorted()
    }
}

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
        try await AdminSession.run(storage) { session in
            try await Kind.kind.create(name, permissions: Set(adminPermissions), in: session)
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
        try await AdminSession.run(storage) { session in
            let all = Kind.kind.all(in: session)
            if json { return try printJSON(all) }
            for bundle in all {
                emit(
                    "\(bundle.name)\tapps: \(bundle.connectedApps.joined(separator: ", "))\tusers: \(bundle.users.count)"
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
        try await AdminSession.run(storage) { session in
            let bundle = try Kind.kind.find(name, in: session)
            if json { return try printJSON(bundle) }
            emit(
                """
                name:              \(bundle.name)\(bundle.builtIn ? " (built-in)" : "")
                admin permissions: \(bundle.adminPermissions.joined(separator: ", "))
                connected apps:    \(bundle.connectedApps.joined(separator: ", "))
                users:             \(bundle.users.joined(separator: ", "))
                """)
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
        try await AdminSession.run(storage) { session in
            try await Kind.kind.setApp(app, granted: true, on: name, in: session)
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
        try await AdminSession.run(storage) { session in
            try await Kind.kind.setApp(app, granted: false, on: name, in: session, review: review.review)
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
            BundleGrantApp<ProfileKind>.self, BundleRevokeApp<ProfileKind>.self,
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
