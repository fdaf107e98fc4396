import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import NIOHTTP1

/// `gatehouse apps revoke-grants APP [--user USER]`
struct RevokeAppGrants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-grants",
        abstract: "End every grant of an app, or one user's grants of it.",
        discussion: """
            Refresh tokens of the revoked grants are refused from now on (reason refresh_token_revoked), opaque
            access tokens stop working at once, approvals are withdrawn (a self-authorize app asks again), and the
            users must authorize again. JWT access tokens issued until now are refused by introspection on every
            node; a resource server that checks them offline accepts them until they expire (the app's
            accessTokenLifetime, 5 minutes by default).
            """)
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String
    @Option(help: "Only this user's grants.") var user: String?

    func run() async throws {
        let (appName, username, count) = try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session):
                let (app, user, count) = try await session.admin.revokeGrants(of: app, user: user)
                return (app.name, user?.username, count)
            case .server(let server):
                let found = try await server.app(app)
                let holder = try await user.asyncMap { try await server.user(named: $0) }
                struct Revoked: Decodable { var revoked: Int }
                let revoked: Revoked = try await server.api.request(
                    .DELETE, try AdminAPIClient.path("apps", found.id, "grants"), [("user", holder?.id)]
                ).decode()
                return (found.view.summary.name, holder?.view.summary.username, revoked.revoked)
            }
        }
        let whose = username.map { " of \($0)" } ?? ""
        emit("Revoked \(count) grant\(count == 1 ? "" : "s")\(whose) for \(appName).")
    }
}
