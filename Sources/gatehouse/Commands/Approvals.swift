import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// `gatehouse approvals [--user U] [--app A]`
struct Approvals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List users' approvals of self-authorize apps (each user's \"Allow\" and its scopes).",
        discussion: """
            An approval is what a user gave on an app's consent page; while it covers the requested scopes, the
            page is not shown again. Admin-approved apps need none: the profile or permission set is the approval.
            Withdraw one with gatehouse apps revoke-grants APP --user USER, which also ends the user's grants.
            """)
    @OptionGroup var storage: StorageOptions
    @Option(help: "Only this user's approvals.") var user: String?
    @Option(help: "Only approvals of this app (name or client id).") var app: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let views =
                switch target {
                case .database(let session): try await session.admin.approvals(user: user, app: app)
                case .server(let server): try await server.approvals(user: user, app: app)
                }
            if json { return try printJSON(views) }
            if views.isEmpty { emit("No approvals.") }
            for view in views {
                emit([view.app, view.user, view.scopes, view.approvedAt].map(field).joined(separator: "\t"))
            }
        }
    }
}
