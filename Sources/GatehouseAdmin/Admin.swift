import Foundation
import GatehouseCore
import GatehouseStorage

/// One admin acting on the directory: the admin use cases, written once for the CLI, the admin API, the console and
/// SCIM. Each reads only what it needs — the shared part (apps, profiles, permission sets) and the users it is about,
/// by index — and returns values: a change prepared with its impact, what a commit did, a view. Printing, prompting
/// and HTTP belong to the callers.
public struct Admin: Sendable {
    public let store: GatehouseStore
    /// Who acts: written into every audit event.
    public let actor: AuditActor
    /// What the actor may do (AdminAuthority.swift): the admin permissions of the acting user's profile and permission
    /// sets, or every permission for the CLI on the database.
    public let permissions: Set<AdminPermission>
    /// Encrypts signing keys and keys the hashes of client secrets.
    public let masterKey: MasterKey
    /// Hashes new passwords.
    public let passwordHasher: PasswordHasher
    public let now: @Sendable () -> Date
    /// Whether what is prepared is meant to be committed: then preparing a change needs its own permission, so an
    /// admin who may not make it is refused before the change is even checked. False (the default) lets an admin
    /// with `view-setup` preview any change (a dry run, the console's impact preview).
    public var preparesToCommit = false

    public init(
        store: GatehouseStore, actor: AuditActor, permissions: Set<AdminPermission>, masterKey: MasterKey,
        passwordHasher: PasswordHasher = .standard, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.actor = actor
        self.permissions = permissions
        self.masterKey = masterKey
        self.passwordHasher = passwordHasher
        self.now = now
    }

    /// Hashes client secrets under the master key.
    public var secretHasher: SecretHasher { SecretHasher(masterKey: masterKey) }

    /// What a use case decides in: the entities it names and what deciding about them needs
    /// (``DirectorySelection``), by index, whatever the directory's size.
    public func directory(
        users: [String] = [], profiles: [String] = [], permissionSets: [String] = [], apps: [String] = [],
        ids: [EntityRef] = []
    ) async throws -> Directory {
        try await store.loadDirectory(
            DirectorySelection(
                usernames: users, profiles: profiles, permissionSets: permissionSets, apps: apps, ids: ids))
    }

    /// Apps, profiles and permission sets whole (with the apps' run-as users): for listings of them.
    public func sharedDirectory() async throws -> Directory { try await store.loadDirectory(usersNamed: []) }

    // MARK: Changes

    /// `changes` computed from `base`, checked: the acting admin may make them (``authorize(_:from:to:)``), the
    /// directory they produce must be whole (every reference resolves), and who would lose access is worked out (an
    /// indexed read of the users in reach).
    /// `needing` names the permissions of the use case, which its commit requires even when there is nothing to
    /// change (so "no changes" is not an answer for someone who may not make them).
    public func prepare(
        _ changes: [DirectoryChange], basedOn base: Directory, needing permissions: [AdminPermission] = []
    ) async throws -> PreparedChange {
        guard !changes.isEmpty else {
            return PreparedChange(
                base: base, changes: [], after: base, impact: AccessImpact(losses: []), permissions: permissions)
        }
        try refuseChangingBuiltInApps(changes)
        let after = base.applying(changes)
        try authorize(changes, from: base, to: after, toCommit: false)
        let issues = after.integrityIssues()
        if !issues.isEmpty { throw ValidationFailure(issues) }
        let impact = try await store.impactPreview(of: changes, basedOn: base, at: now())
        if preparesToCommit { try await requireOutranksConsoleLosers(changes, impact) }
        return PreparedChange(base: base, changes: changes, after: after, impact: impact, permissions: permissions)
    }

    /// A built-in app is never deleted and keeps the fields Gatehouse sets, whichever path the change came by.
    private func refuseChangingBuiltInApps(_ changes: [DirectoryChange]) throws {
        for change in changes {
            switch change {
            case .deleteApp(let app) where app.isBuiltIn:
                throw AdminFailure(
                    .conflict,
                    "\"\(app.name)\" is built in and cannot be deleted: block it, or change who may use it, instead")
            case .updateApp(let before, let after):
                if let field = before.fixedFieldsChanged(in: after).first {
                    throw AdminFailure(
                        .invalid,
                        "\"\(before.name)\" is built in: its \(field) is set by Gatehouse (change who may use it and its token policies instead)"
                    )
                }
            default: continue
            }
        }
    }

    /// Stores a prepared change with one audit event per change, under a new directory version. Refused with a
    /// conflict if an entity it changes moved on since it was read (``StorageError/conflict(_:)``).
    public func commit(_ prepared: PreparedChange) async throws -> CommittedChange {
        try require(allOf: prepared.permissions)
        guard !prepared.isEmpty else {
            return CommittedChange(version: prepared.base.version, summaries: [], events: [])
        }
        try authorize(prepared.changes, from: prepared.base, to: prepared.after, toCommit: true)
        try await requireOutranksConsoleLosers(prepared.changes, prepared.impact)
        let (version, events) = try await store.commit(
            prepared.changes, basedOn: prepared.base, leaving: prepared.after, actor: actor, at: now())
        return CommittedChange(version: version, summaries: prepared.summaries, events: events)
    }
}

/// A change ready to commit: what it does, from which read, and who would lose access.
public struct PreparedChange: Sendable {
    /// The read the change was computed from; the commit refuses if what it changes moved on since.
    public let base: Directory
    public let changes: [DirectoryChange]
    /// The directory as the change leaves it (the users in it are only those `base` holds).
    public let after: Directory
    public let impact: AccessImpact
    /// What committing it needs besides each change's own permission: the use case's.
    public let permissions: [AdminPermission]

    public var isEmpty: Bool { changes.isEmpty }
    /// One sentence per change, for people.
    public var summaries: [String] { changes.map { $0.summary(before: base, after: after) } }
}

/// What a commit did.
public struct CommittedChange: Sendable {
    /// The directory version the change was stored under.
    public let version: Int64
    public let summaries: [String]
    /// The audit events written, one per change.
    public let events: [AuditEvent]
}

/// A use case that cannot go ahead, with the sentence that says why.
public struct AdminFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// What the request names does not exist.
        case notFound
        /// The request contradicts what exists (a name taken, a grant already there).
        case conflict
        /// The request cannot apply to what it names (a public app's secret, a set the user does not hold).
        case invalid
        /// The acting admin lacks this admin permission (AdminAuthority.swift).
        case permissionMissing(AdminPermission)
        /// The entity changed since the version the change was made from (`If-Match`); it is now at `current`.
        case stale(current: Int64)
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    static func missing(_ noun: String, _ name: String) -> AdminFailure {
        AdminFailure(.notFound, "no \(noun) named \"\(name)\"")
    }
}

// MARK: Lookups that fail with a sentence naming what is missing

extension Directory {
    public func requireUser(_ name: String) throws(AdminFailure) -> User {
        guard let user = user(named: name) else { throw .missing("user", name) }
        return user
    }

    public func requireProfile(_ name: String) throws(AdminFailure) -> Profile {
        guard let profile = profile(named: name) else { throw .missing("profile", name) }
        return profile
    }

    public func requirePermissionSet(_ name: String) throws(AdminFailure) -> PermissionSet {
        guard let set = permissionSet(named: name) else { throw .missing("permission set", name) }
        return set
    }

    /// An app by name or by client id.
    public func requireApp(_ nameOrClientID: String) throws(AdminFailure) -> ConnectedApp {
        guard let app = app(named: nameOrClientID) ?? app(clientID: nameOrClientID) else {
            throw .missing("connected app", nameOrClientID)
        }
        return app
    }
}
