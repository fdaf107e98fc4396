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
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let explanation = try await AdminSession.run(storage) { session in
            try await session.admin.explain(user: user, app: app)
        }
        if json { try printJSON(ExplanationView(explanation)) } else { printExplanation(explanation) }
        if !explanation.decision.isAllowed { throw ExitCode(3) }
    }
}

/// Prints an explanation for people: the verdict, every check, and the commands that would grant access.
func printExplanation(_ explanation: AccessExplanation) {
    let decision = explanation.decision
    let verdict = decision.isAllowed ? (decision.wouldRefuse == nil ? "ALLOWED" : "ALLOWED (report-only)") : "REFUSED"
    emit("\(explanation.user) → \(explanation.app): \(verdict)")
    if let refusal = decision.refusal ?? decision.wouldRefuse {
        let prefix = decision.refusal == nil ? "would refuse, but enforcement is report-only: " : ""
        emit("reason: \(prefix)\(refusal.reason) (\(refusal.description))")
    }
    emit("checks:")
    for check in decision.checks { emit("  [\(check.passed ? "pass" : "FAIL")] \(check.name): \(check.detail)") }
    if !explanation.remedies.isEmpty {
        emit("to grant access: \(explanation.summary)")
        for command in explanation.remedies.compactMap(\.command) { emit("  \(command)") }
    }
}
