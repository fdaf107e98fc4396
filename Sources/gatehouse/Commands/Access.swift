import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// `gatehouse access …`
struct Access: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask why a user may or may not use an app.", subcommands: [ExplainAccess.self])
}

/// `gatehouse access explain --user alice --app Deduper`
struct ExplainAccess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show the access decision for a user and an app, every check, and the change that would grant it.",
        discussion: """
            The same decision runs on every path that mints or honours a token. The exit status is 0 when access is
            allowed and 3 when it is refused, so scripts can test it.
            """)
    @OptionGroup var storage: StorageOptions
    @Option(help: "The username.") var user: String
    @Option(help: "The app (name or client id).") var app: String
    @Option(help: "The flow asked about: \(AccessFlow.allCases.map(\.rawValue).joined(separator: ", ")).")
    var flow: AccessFlow = .authorize
    @Option(help: "The client's address, for the profile's login IP ranges (without it, the check says what it needs).")
    var ip: String?
    @Option(
        help: "The time asked about, ISO 8601 (2027-01-12T09:30:00Z), for the profile's login hours (default: now).")
    var at: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if let at, AdminTime.instant(at) == nil {
            throw ValidationError("--at: \(at) is not an ISO 8601 time such as 2027-01-12T09:30:00Z")
        }
        if let ip, IPAddress(ip) == nil { throw ValidationError("--ip: \(ip) is not an IPv4 or IPv6 address") }
    }

    func run() async throws {
        let time = at.flatMap(AdminTime.instant)
        let explanation = try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session):
                ExplanationView(
                    try await session.admin.explain(user: user, app: app, flow: flow, ip: ip, at: time))
            case .server(let server):
                try await server.api.get(
                    "access/explain",
                    [("user", user), ("app", app), ("flow", flow.rawValue), ("ip", ip), ("at", at)]) as ExplanationView
            }
        }
        if json { try printJSON(explanation) } else { printExplanation(explanation) }
        if !explanation.allowed { throw ExitCode(3) }
    }
}

/// Prints an explanation for people: the verdict, every check, and the commands that would grant access.
func printExplanation(_ explanation: ExplanationView) {
    // A reason on an allowed decision is the refusal report-only enforcement let through.
    let verdict = explanation.allowed ? (explanation.reason == nil ? "ALLOWED" : "ALLOWED (report-only)") : "REFUSED"
    emit("\(explanation.user) → \(explanation.app): \(verdict)")
    if let reason = explanation.reason {
        let prefix = explanation.allowed ? "would refuse, but enforcement is report-only: " : ""
        emit("reason: \(prefix)\(reason) (\(explanation.description ?? ""))")
    }
    emit("checks:")
    for check in explanation.checks {
        emit("  [\(check.passed ? "pass" : "FAIL")] \(check.name): \(check.detail)")
    }
    if !explanation.remedies.isEmpty {
        emit("to grant access: \(explanation.summary)")
        for command in explanation.remedies.compactMap(\.command) { emit("  \(command)") }
    }
}
