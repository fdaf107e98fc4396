import ArgumentParser
import Foundation
import GatehouseCore

/// `gatehouse apps …`
struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register connected apps (OAuth clients) and set their policies.",
        subcommands: [
            CreateApp.self, ListApps.self, ShowApp.self, SetAppPolicy.self, RotateAppSecret.self, DeleteApp.self,
        ])
}

extension PermittedUsers: ExpressibleByArgument {}
extension AccessTokenFormat: ExpressibleByArgument {}
extension GrantType: ExpressibleByArgument {}
extension RefreshTokenPolicy: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
extension PolicyDuration: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// What `apps list --json` and `apps show --json` print: no secret hashes.
struct AppView: Encodable {
    var name: String
    var clientId: String
    var `public`: Bool
    var secrets: [String]
    var callbackUrls: [String]
    var scopes: [String]
    var grantTypes: [String]
    var permittedUsers: String
    var refreshTokenPolicy: String
    var refreshTokenRotation: Bool
    var runAsUser: String?
    var accessTokenFormat: String
    var accessTokenLifetime: String
    var idTokenLifetime: String
    var requirePkce: Bool
    var blocked: Bool
    /// Profiles and permission sets that grant the app.
    var grantedBy: [String]

    init(_ app: ConnectedApp, in directory: Directory) {
        let formatter = ISO8601DateFormatter()
        name = app.name
        clientId = app.clientID
        `public` = app.isPublic
        secrets = app.secrets.map { "\($0.id.rawValue.prefix(8)) created \(formatter.string(from: $0.createdAt))" }
        callbackUrls = app.callbackURLs
        scopes = app.scopes
        grantTypes = app.grantTypes.sorted().map(\.rawValue)
        permittedUsers = app.permittedUsers.rawValue
        refreshTokenPolicy = app.refreshTokenPolicy.description
        refreshTokenRotation = app.isRefreshTokenRotationEnabled
        runAsUser = app.runAsUser.flatMap { directory.users[$0]?.username }
        accessTokenFormat = app.accessTokenFormat.rawValue
        accessTokenLifetime = app.accessTokenLifetime.description
        idTokenLifetime = app.idTokenLifetime.description
        requirePkce = app.requiresPKCE
        blocked = app.isBlocked
        grantedBy =
            directory.sortedProfiles.filter { $0.connectedApps.contains(app.id) }.map { "profile \($0.name)" }
            + directory.sortedPermissionSets.filter { $0.connectedApps.contains(app.id) }.map {
                "permission set \($0.name)"
            }
    }
}

struct ListApps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List connected apps.")
    @OptionGroup var storage: StorageOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminSession.run(storage) { session in
            let views = session.directory.sortedApps.map { AppView($0, in: session.directory) }
            if json { return try printJSON(views) }
            for view in views {
                print("\(view.name)\t\(view.clientId)\t\(view.permittedUsers)\(view.blocked ? "\tBLOCKED" : "")")
            }
        }
    }
}

struct ShowApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one connected app and its policies.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminSession.run(storage) { session in
            let view = AppView(try session.app(app), in: session.directory)
            if json { return try printJSON(view) }
            print(
                """
                name:                   \(view.name)
                client id:              \(view.clientId)
                type:                   \(view.public ? "public" : "confidential")
                secrets:                \(view.secrets.joined(separator: "; "))
                callback URLs:          \(view.callbackUrls.joined(separator: " "))
                scopes:                 \(view.scopes.joined(separator: " "))
                grant types:            \(view.grantTypes.joined(separator: " "))
                permitted users:        \(view.permittedUsers)
                granted by:             \(view.grantedBy.joined(separator: ", "))
                refresh token policy:   \(view.refreshTokenPolicy)
                refresh token rotation: \(view.refreshTokenRotation ? "on" : "off")
                run-as user:            \(view.runAsUser ?? "none")
                access tokens:          \(view.accessTokenFormat), \(view.accessTokenLifetime)
                ID tokens:              \(view.idTokenLifetime)
                PKCE required:          \(view.requirePkce)
                blocked:                \(view.blocked)
                """)
        }
    }
}

struct DeleteApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a connected app, its secrets, its approvals and its profile grants.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String

    func run() async throws {
        try await AdminSession.run(storage) { session in try await session.commit([.deleteApp(try session.app(app))]) }
    }
}
