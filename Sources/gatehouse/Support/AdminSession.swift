import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// Where an admin command acts: on the database itself (the break-glass path, every permission), or through a
/// server's admin API (`--server`: the token's admin permissions, no database access). Commands print the same
/// either way: the views and change summaries are the admin library's on both paths.
enum AdminTarget {
    case database(AdminSession)
    case server(RemoteAdmin)

    static func run<Result>(_ options: StorageOptions, _ body: (AdminTarget) async throws -> Result) async throws
        -> Result
    {
        if let server = options.serverURL {
            let api = try await AdminAPIClient.connect(to: server, environment: options.environment)
            return try await body(.server(RemoteAdmin(api: api)))
        }
        return try await AdminSession.open(options) { try await body(.database($0)) }
    }

    /// Reviews a change prepared on either path and (unless this is a dry run, or the admin declines) stores it.
    func commit(
        review: ChangeReview = .proceed, local: (Admin) async throws -> PreparedChange,
        remote: (RemoteAdmin) async throws -> ReviewedChange
    ) async throws {
        switch self {
        case .database(let session): try await session.commit(try await local(session.admin), review: review)
        case .server(let server): try await (try await remote(server)).commit(review: review)
        }
    }
}

/// An open database for one admin command, and the admin library acting on it as the operating-system user (the
/// CLI is the break-glass path: direct database access, every permission). Always closed, even when the command
/// fails. The use cases are the library's (``Admin``); this prints what they return.
struct AdminSession {
    let store: GatehouseStore
    let admin: Admin

    /// Opens the database named by `options`, runs `body`, and closes the database.
    fileprivate static func open<Result>(_ options: StorageOptions, _ body: (AdminSession) async throws -> Result)
        async throws -> Result
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
        try await ReviewedChange(prepared, admin: admin).commit(review: review)
    }
}

/// A change shown before it is stored: one sentence per change, who would lose access, and how to store it (with
/// the admin library, or by sending it again to the server without `dryRun`).
struct ReviewedChange: Sendable {
    var summaries: [String]
    var impact: AccessImpact
    /// Stores the change; returns one sentence per change stored.
    var store: @Sendable () async throws -> [String]

    init(summaries: [String], impact: AccessImpact, store: @escaping @Sendable () async throws -> [String]) {
        self.summaries = summaries
        self.impact = impact
        self.store = store
    }

    init(_ prepared: PreparedChange, admin: Admin) {
        self.init(summaries: prepared.summaries, impact: prepared.impact) {
            try await admin.commit(prepared).summaries
        }
    }

    var isEmpty: Bool { summaries.isEmpty }

    func commit(review: ChangeReview) async throws {
        guard !isEmpty else {
            emit("No changes.")
            return
        }
        if review == .dryRun {
            for summary in summaries { emit("would: " + summary) }
            emit(impact.summary())
            emit("Dry run: nothing was changed.")
            return
        }
        if !impact.isEmpty {
            emit(impact.summary())
            if review == .confirm && !Terminal.confirm("Proceed?") {
                throw CommandFailure("cancelled; nothing was changed")
            }
        }
        for summary in try await store() { emit(summary) }
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
