import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import NIOHTTP1

/// `gatehouse apps …`
struct Apps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register connected apps (OAuth clients) and set their policies.",
        subcommands: [
            CreateApp.self, ListApps.self, ShowApp.self, SetAppPolicy.self, BlockApp.self, UnblockApp.self,
            RotateAppSecret.self, RevokeAppGrants.self, DeleteApp.self,
        ])
}

extension PermittedUsers: ExpressibleByArgument {}
extension AccessTokenFormat: ExpressibleByArgument {}
extension AccessEnforcement: ExpressibleByArgument {}
extension GrantType: ExpressibleByArgument {}
extension RefreshTokenPolicy: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
extension PolicyDuration: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// A duration, or `none`.
struct SessionTimeoutOption: ExpressibleByArgument {
    var duration: PolicyDuration?

    init?(argument: String) {
        if argument == "none" {
            duration = nil
        } else if let parsed = PolicyDuration(parsing: argument) {
            duration = parsed
        } else {
            return nil
        }
    }
}

struct ListApps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List connected apps.")
    @OptionGroup var storage: StorageOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let views =
                switch target {
                case .database(let session): try await session.admin.apps()
                case .server(let server):
                    // In name order, as the database path lists them (both by the names' uniqueness keys).
                    try await server.api.all("apps").map { (app: Fetched<AppView>) in app.view }
                }
            if json { return try printJSON(views) }
            for view in views.map(\.summary) {
                emit(
                    ([view.name, view.clientId, view.permittedUsers] + (view.blocked ? ["BLOCKED"] : [])).map(field)
                        .joined(separator: "\t"))
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
        try await AdminTarget.run(storage) { target in
            let full =
                switch target {
                case .database(let session): try await session.admin.app(app)
                case .server(let server): try await server.app(app).view
                }
            if json { return try printJSON(full) }
            let view = full.summary
            emit(
                """
                name:                   \(view.name)
                client id:              \(view.clientId)
                type:                   \(view.public ? "public" : "confidential")
                secrets:                \(view.secretIds.count) (ids \(view.secretIds.map { String($0.prefix(8)) }.joined(separator: ", ")))
                callback URLs:          \(view.callbackUrls.joined(separator: " "))
                scopes:                 \(view.scopes.joined(separator: " "))
                grant types:            \(view.grantTypes.joined(separator: " "))
                permitted users:        \(view.permittedUsers)
                granted by:             \(full.grantedBy.joined(separator: ", "))
                refresh token policy:   \(view.refreshTokenPolicy)
                refresh token rotation: \(view.refreshTokenRotation ? "on" : "off")
                run-as user:            \(view.runAsUser ?? "none")
                access tokens:          \(view.accessTokenFormat), \(view.accessTokenLifetime)
                ID tokens:              \(view.idTokenLifetime)
                session timeout:        \(view.sessionTimeout ?? "none (as long as the session lasts)")
                high assurance:         \(view.highAssurance ?? "none")
                custom attributes:      \((view.customAttributes ?? []).isEmpty ? "-" : (view.customAttributes ?? []).map(\.text).joined(separator: ", "))
                PKCE required:          \(view.requirePkce)
                blocked:                \(view.blocked)
                enforcement:            \(view.enforcement)
                IP relaxation:          \(view.ipRelaxation)
                trusted IP ranges:      \(view.trustedIpRanges.isEmpty ? "-" : view.trustedIpRanges.joined(separator: ", "))
                assertion keys:         \(view.assertionKeys)
                tokens not before:      \(view.tokensNotBefore ?? "-")
                introspects all tokens: \(view.introspectAllTokens ? "yes (access tokens of every app)" : "no (its own)")
                """)
        }
    }
}

struct DeleteApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a connected app, its secrets, its approvals and its profile grants.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String
    @OptionGroup var review: ReviewOptions

    func run() async throws {
        try await commitChange(storage, review: review.review) {
            try await $0.deleteApp(app)
        } remote: { server in
            let found = try await server.app(app)
            return try await server.change(.DELETE, try AdminAPIClient.path("apps", found.id), version: found.version)
        }
    }
}
