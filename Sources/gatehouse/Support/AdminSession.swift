import Foundation
import GatehouseCore
import GatehouseStorage

/// An open database for one admin command: the directory as read, and a way to commit changes to it with an
/// audit event each. Always closed, even when the command fails.
struct AdminSession {
    let store: GatehouseStore
    let masterKey: MasterKey
    let directory: Directory
    let actor: AuditActor

    /// Opens the database named by `options`, runs `body`, and closes the database. With `users`, the session's
    /// directory holds only those users (and the apps' run-as users), read by index: a command about one user costs
    /// the same at a million users as at ten.
    static func run<Result>(
        _ options: StorageOptions, users: [String]? = nil, _ body: (AdminSession) async throws -> Result
    ) async throws -> Result {
        let location = try options.location()
        let key = try options.masterKey(for: location)
        let store = try await GatehouseStore.open(location)
        do {
            try await store.checkMasterKey(key)
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let directory =
                if let users { try await store.loadDirectory(usersNamed: users) } else {
                    try await store.loadDirectory()
                }
            let session = AdminSession(
                store: store, masterKey: key, directory: directory,
                actor: .cli(osUser: user))
            let result = try await body(session)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    var secretHasher: SecretHasher { SecretHasher(masterKey: masterKey) }

    /// Validates the directory the changes produce, shows who would lose access, and (unless this is a dry run, or
    /// the admin declines at the terminal prompt) stores them and prints one line per change.
    func commit(_ changes: [DirectoryChange], review: ChangeReview = .proceed) async throws {
        guard !changes.isEmpty else {
            emit("No changes.")
            return
        }
        let after = directory.applying(changes)
        try ValidationFailure.throwing(after.integrityIssues())
        let impact = try await self.impact(of: changes)
        if review == .dryRun {
            for change in changes { emit("would: " + change.summary(before: directory, after: after)) }
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
        try await store.commit(changes, basedOn: directory, actor: actor, at: Date())
        for change in changes { emit(change.summary(before: directory, after: after)) }
    }

    /// Who would lose access through `changes`, and how many live grants would end.
    func impact(of changes: [DirectoryChange]) async throws -> AccessImpact {
        try await store.impactPreview(of: changes, basedOn: directory, at: Date())
    }

    // MARK: Lookups that fail with a sentence naming what is missing

    func user(_ name: String) throws -> User {
        guard let user = directory.user(named: name) else { throw CommandFailure("no user named \"\(name)\"") }
        return user
    }

    func profile(_ name: String) throws -> Profile {
        guard let profile = directory.profile(named: name) else { throw CommandFailure("no profile named \"\(name)\"") }
        return profile
    }

    func permissionSet(_ name: String) throws -> PermissionSet {
        guard let set = directory.permissionSet(named: name) else {
            throw CommandFailure("no permission set named \"\(name)\"")
        }
        return set
    }

    /// An app by name or by client id.
    func app(_ nameOrClientID: String) throws -> ConnectedApp {
        guard let app = directory.app(named: nameOrClientID) ?? directory.app(clientID: nameOrClientID) else {
            throw CommandFailure("no connected app named \"\(nameOrClientID)\"")
        }
        return app
    }
}

extension ValidationFailure {
    /// Throws if there are issues.
    static func throwing(_ issues: [ValidationIssue]) throws {
        if !issues.isEmpty { throw ValidationFailure(issues) }
    }

    /// Validates one entity's fields with `check`, throwing every issue found.
    static func check(_ check: (inout ValidationReport) -> Void) throws {
        var report = ValidationReport()
        check(&report)
        try report.throwIfInvalid()
    }
}

/// Prints an Encodable value as pretty JSON with sorted keys.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
