import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// An open database for one admin command, and the admin library acting on it as the operating-system user (the
/// CLI is the break-glass path: direct database access, every permission). Always closed, even when the command
/// fails. The use cases are the library's (``Admin``); this prints what they return.
struct AdminSession {
    let store: GatehouseStore
    let admin: Admin

    /// Opens the database named by `options`, runs `body`, and closes the database.
    static func run<Result>(_ options: StorageOptions, _ body: (AdminSession) async throws -> Result) async throws
        -> Result
    {
        let location = try options.location()
        let key = try options.masterKey(for: location)
        let store = try await GatehouseStore.open(location)
        do {
            try await store.checkMasterKey(key)
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let session = AdminSession(
                store: store, admin: Admin(store: store, actor: .cli(osUser: user), permissions: .all, masterKey: key))
            let result = try await body(session)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Shows who would lose access and (unless this is a dry run, or the admin declines at the terminal prompt)
    /// commits the change, printing one line per change.
    func commit(_ prepared: PreparedChange, review: ChangeReview = .proceed) async throws {
        guard !prepared.isEmpty else {
            emit("No changes.")
            return
        }
        if review == .dryRun {
            for summary in prepared.summaries { emit("would: " + summary) }
            emit(prepared.impact.summary())
            emit("Dry run: nothing was changed.")
            return
        }
        if !prepared.impact.isEmpty {
            emit(prepared.impact.summary())
            if review == .confirm && !Terminal.confirm("Proceed?") {
                throw CommandFailure("cancelled; nothing was changed")
            }
        }
        for summary in try await admin.commit(prepared).summaries { emit(summary) }
    }
}

/// Prints an Encodable value as pretty JSON with sorted keys.
func printJSON(_ value: some Encodable) throws { print(try jsonText(value)) }

/// An Encodable value as pretty JSON with sorted keys.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
