import ArgumentParser
import Foundation
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
        try await AdminSession.run(storage) { session in
            let user = try user.map { try session.user($0) }
            let app = try app.map { try session.app($0) }
            let approvals = try await session.store.loadApprovals().book.all.filter { approval in
                (user == nil || approval.user == user?.id) && (app == nil || approval.app == app?.id)
            }
            let views = approvals.compactMap { ApprovalView($0, in: session.directory) }.sorted {
                ($0.app.lowercased(), $0.user.lowercased()) < ($1.app.lowercased(), $1.user.lowercased())
            }
            if json { return try printJSON(views) }
            if views.isEmpty { emit("No approvals.") }
            for view in views {
                emit([view.app, view.user, view.scopes, view.approvedAt].map(field).joined(separator: "\t"))
            }
        }
    }
}

/// One approval, named for people.
struct ApprovalView: Encodable {
    var user: String
    var app: String
    var scopes: String
    var approvedAt: String

    init?(_ approval: Approval, in directory: Directory) {
        guard let user = directory.users[approval.user], let app = directory.apps[approval.app] else { return nil }
        self.user = user.username
        self.app = app.name
        scopes = approval.scopes.description
        approvedAt = approval.approvedAt.formatted(.iso8601)
    }
}
