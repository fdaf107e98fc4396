import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// `gatehouse login-history …`
struct LoginHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login-history",
        abstract: "Show authorization attempts on every flow: successes, refusals and report-only would-refuse.",
        discussion: """
            One event per attempt: authorize (sign-in, consent), code exchange, refresh, client credentials and the
            JWT bearer grant; introspection and userinfo add an event when they refuse a token whose user or app lost
            access. Every refusal's trace_id finds its event: gatehouse login-history show TRACE_ID --explain.
            Events are kept for the retention period of gatehouse serve (--login-history-retention, default 180d).
            """,
        subcommands: [ListLoginHistory.self, ShowLoginEvent.self], defaultSubcommand: ListLoginHistory.self)
}

extension LoginResult: ExpressibleByArgument {}
extension AccessFlow: ExpressibleByArgument {}

/// `gatehouse login-history [list]`
struct ListLoginHistory: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List login events, newest first.")
    @OptionGroup var storage: StorageOptions
    @Option(help: "Only this user (or attempted username).") var user: String?
    @Option(help: "Only this app (name or client id).") var app: String?
    @Option(help: "allowed, refused or would_refuse.") var result: LoginResult?
    @Option(help: "Only this reason code (docs/errors.md).") var reason: String?
    @Option(help: "authorize, code_exchange, refresh, client_credentials, jwt_bearer, introspection or userinfo.")
    var flow: AccessFlow?
    @Option(help: "From this time: ISO 8601 (2026-11-30T10:00:00Z) or an age (90m, 24h, 7d).") var since: String?
    @Option(help: "Before this time: ISO 8601 or an age.") var until: String?
    @Option(help: "At most this many events.") var limit = 100
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let (since, until) = (try since.map(parseTime), try until.map(parseTime))
        try await AdminTarget.run(storage) { target in
            let events: [LoginEventView]
            switch target {
            case .database(let session):
                let query = LoginEventQuery(
                    result: result, reason: reason, flow: flow, since: since, until: until, limit: limit)
                events = try await session.admin.loginEvents(query, username: user, app: app).map(LoginEventView.init)
            case .server(let server):
                // Times as this command read them (an age counts back from this machine's clock, as on the database).
                let iso = { (time: Date) in time.formatted(.iso8601) }
                events = try await server.api.first(
                    max(0, limit), of: "login-history",
                    [
                        ("user", user), ("app", app), ("result", result?.rawValue), ("reason", reason),
                        ("flow", flow?.rawValue), ("since", since.map(iso)), ("until", until.map(iso)),
                    ])
            }
            if json { return try printJSON(events) }
            for event in events { emit(event.line) }
        }
    }
}

/// `gatehouse login-history show TRACE_ID [--explain]`
struct ShowLoginEvent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show the login event of a trace id, with the checks made at the time.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The trace_id of a refusal (or the X-Request-Id of a request).") var traceID: String
    @Flag(help: "Also explain the decision as it stands now, with the change that would grant access.") var explain =
        false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let shown: ShownEvent
            switch target {
            case .database(let session):
                let details = try await session.admin.loginEvent(traceID: traceID, explain: explain)
                shown = ShownEvent(
                    event: LoginEventView(details.event), now: details.explanation.map(ExplanationView.init))
            case .server(let server):
                shown = try await server.api.get(
                    try AdminAPIClient.path("login-history", traceID), [("explain", explain ? "true" : "false")])
            }
            if json { return try printJSON(shown) }
            let (event, explanation) = (shown.event, shown.now)
            emit(
                """
                time:        \(event.time)
                trace id:    \(event.traceId)
                user:        \(field(event.user ?? "-"))
                app:         \(field(event.app ?? "-"))
                flow:        \(event.flow)
                result:      \(event.result)
                reason:      \(field(event.reason.map { "\($0) (\(event.description ?? ""))" } ?? "-"))
                client IP:   \(event.clientIp ?? "-")
                """)
            if let checks = event.checks {
                emit("checks at the time:")
                for check in checks {
                    emit("  [\(check.passed ? "pass" : "FAIL")] \(check.name): \(field(check.detail))")
                }
            }
            if explain {
                emit("")
                if let explanation {
                    emit("now:")
                    printExplanation(explanation)
                } else {
                    emit("now: the event names no user or app that still exists, so there is nothing to explain.")
                }
            }
        }
    }

    private struct ShownEvent: Codable {
        var event: LoginEventView
        var now: ExplanationView?
    }
}

/// A login event for printing.
extension LoginEventView {
    var line: String {
        [time, result, flow, user ?? "-", app ?? "-", reason ?? "-", clientIp ?? "-", traceId].map(field)
            .joined(separator: "\t")
    }
}

/// An ISO 8601 time, or an age before now (`90m`, `24h`, `7d`).
func parseTime(_ text: String) throws -> Date {
    guard let time = AdminTime.parse(text, now: Date()) else {
        throw CommandFailure("\"\(text)\" is neither an ISO 8601 time (2026-11-30T10:00:00Z) nor an age (90m, 24h, 7d)")
    }
    return time
}
