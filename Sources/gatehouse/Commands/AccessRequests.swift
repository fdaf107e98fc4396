import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import NIOHTTP1

/// `gatehouse access-requests list | show | approve | decline`
struct AccessRequests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access-requests",
        abstract: "Users' requests for admin-approved apps: list them, see why, approve or decline.",
        discussion: """
            A user refused by an admin-approved app ("not admin approved") can ask for access on the page Gatehouse \
            shows them; one request per user and app waits at a time. Approving grants the app through the user's \
            profile or a permission set that grants it, at once; the user sees the outcome on their account page.
            """,
        subcommands: [
            ListAccessRequests.self, ShowAccessRequest.self, ApproveAccessRequest.self,
            DeclineAccessRequest.self,
        ])
}

struct ListAccessRequests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List requests, newest first: id, state, time, user, app, note.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "pending (the default), approved, declined or all.") var state = "pending"
    @Option(help: "At most this many requests.") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if state != "all", AccessRequest.State(rawValue: state) == nil {
            throw ValidationError("--state must be pending, approved, declined or all")
        }
    }

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let views: [AccessRequestView]
            switch target {
            case .database(let session):
                views =
                    limit == 0
                    ? []
                    : try await session.admin.accessRequests(
                        state: AccessRequest.State(rawValue: state), after: nil, limit: limit
                    ).items
            case .server(let server):
                views = try await server.api.first(limit, of: "access-requests", [("state", state)])
            }
            if json { return try printJSON(views) }
            if views.isEmpty { emit(state == "pending" ? "No pending access requests." : "No access requests.") }
            for view in views {
                emit(
                    [view.id, view.state.rawValue, view.requestedAt, view.user, view.app, view.note ?? ""].map(field)
                        .joined(separator: "\t"))
            }
        }
    }
}

struct ShowAccessRequest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One request: why the user is refused now, and each way to approve it.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The request's id.") var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let details: AccessRequestDetails =
                switch target {
                case .database(let session): AccessRequestDetails(try await session.admin.review(accessRequest: id))
                case .server(let server): try await server.api.get(try AdminAPIClient.path("access-requests", id))
                }
            if json { return try printJSON(details) }
            let request = details.request
            var lines = [
                "\(field(request.user)) asked for \(field(request.app)) at \(request.requestedAt): \(request.state.rawValue)"
            ]
            if let note = request.note { lines.append("  note: \(field(note))") }
            if let by = request.decidedBy, let at = request.decidedAt {
                let through = request.grantedThrough.map { " through \($0.kind.rawValue) \(field($0.name))" } ?? ""
                lines.append("  \(request.state.rawValue) by \(field(by)) at \(at)\(through)")
                if let note = request.decisionNote { lines.append("  decision note: \(field(note))") }
            }
            lines.append(
                details.explanation.allowed
                    ? "Now: \(field(request.user)) may use \(field(request.app))."
                    : "Now refused: \(field(details.explanation.description ?? ""))")
            for check in details.explanation.checks {
                lines.append("  \(check.passed ? "pass" : "FAIL")  \(field(check.name)): \(field(check.detail))")
            }
            if request.state == .pending {
                lines.append(details.options.isEmpty ? "No grant lets them in." : "Approve through:")
                for option in details.options {
                    let flag = option.kind == .profile ? "--profile" : "--permission-set"
                    let also =
                        option.alsoGives.isEmpty
                        ? "" : " (also: \(option.alsoGives.map(field).joined(separator: "; ")))"
                    lines.append(
                        "  \(flag) \(AccessExplanation.quoted(option.name))  \(field(option.change))\(also)")
                }
            }
            emit(lines.joined(separator: "\n"))
        }
    }
}

struct ApproveAccessRequest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Approve a request through the user's profile or a permission set that grants the app.",
        discussion: """
            --profile enables the app on the user's own profile (every user of it gains the app: needs \
            manage-profiles-and-permission-sets too); --permission-set assigns a set that grants the app to the \
            user. The change and the request's new state are stored together and apply at once.
            """)
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The request's id.") var id: String
    @Option(help: "The user's profile: the app is enabled on it.") var profile: String?
    @Option(help: "A permission set that grants the app: it is assigned to the user.") var permissionSet: String?
    @Flag(help: "Print the request as it now stands, as JSON.") var json = false

    func validate() throws {
        if (profile == nil) == (permissionSet == nil) {
            throw ValidationError("name exactly one of --profile and --permission-set")
        }
    }

    func run() async throws {
        let grant: AccessRequest.Grant = profile.map { .profile($0) } ?? .permissionSet(permissionSet ?? "")
        try await decide(storage, json: json) { target in
            switch target {
            case .database(let session):
                let committed = try await session.admin.approve(accessRequest: id, through: grant)
                return (committed.summaries, try await session.admin.accessRequest(id: id))
            case .server(let server):
                let body: JSONValue =
                    switch grant {
                    case .profile(let name): .object(["profile": .string(name)])
                    case .permissionSet(let name): .object(["permissionSet": .string(name)])
                    }
                let reply: DecisionReply = try await server.api.request(
                    .POST, try AdminAPIClient.path("access-requests", id, "approve"), json: body
                ).decode()
                return (reply.changes, reply.item)
            }
        }
    }
}

struct DeclineAccessRequest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline", abstract: "Decline a request; the user sees it, and your note, on their account page.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The request's id.") var id: String
    @Option(help: "Why, for the user (up to 500 characters).") var note: String?
    @Flag(help: "Print the request as it now stands, as JSON.") var json = false

    func run() async throws {
        try await decide(storage, json: json) { target in
            switch target {
            case .database(let session):
                let committed = try await session.admin.decline(accessRequest: id, note: note)
                return (committed.summaries, try await session.admin.accessRequest(id: id))
            case .server(let server):
                let body: JSONValue = .object(note.map { ["note": .string($0)] } ?? [:])
                let reply: DecisionReply = try await server.api.request(
                    .POST, try AdminAPIClient.path("access-requests", id, "decline"), json: body
                ).decode()
                return (reply.changes, reply.item)
            }
        }
    }
}

/// What the admin API answers to a decision.
private struct DecisionReply: Decodable {
    var changes: [String]
    var item: AccessRequestView
}

/// Runs a decision and prints what it did (or the request, as JSON).
private func decide(
    _ storage: StorageOptions, json: Bool,
    _ body: @escaping (AdminTarget) async throws -> (changes: [String], request: AccessRequestView)
) async throws {
    try await AdminTarget.run(storage) { target in
        let (changes, request) = try await body(target)
        if json { return try printJSON(request) }
        emit(changes.map { "Done: \(field($0))" }.joined(separator: "\n"))
    }
}
