import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// `gatehouse audit`
struct AuditTrail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the setup audit trail, newest first.",
        discussion:
            "Every admin change made by any interface is recorded with its actor, target, and the state before and after."
    )
    @OptionGroup var storage: StorageOptions
    @Option(help: "Only changes to this target (a username, profile, permission set or app name).") var target: String?
    @Option(help: "Only changes by this actor.") var actor: String?
    @Option(help: "At most this many events.") var limit = 50
    @Flag(help: "Print JSON, with the before and after states.") var json = false

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        try await AdminTarget.run(storage) { target in
            let events: [AuditEvent] =
                switch target {
                case .database(let session):
                    try await session.admin.auditEvents(AuditQuery(actor: actor, target: self.target, limit: limit))
                case .server(let server):
                    try await server.api.first(
                        max(0, limit), of: "audit", [("actor", actor), ("target", self.target)])
                }
            if json { return try printJSON(events) }
            let formatter = ISO8601DateFormatter()
            for event in events {
                emit(
                    "\(formatter.string(from: event.occurredAt))\t\(field(event.actor))\t\(event.action.rawValue)\t\(field(event.target))"
                )
            }
        }
    }
}
