import Foundation
import GatehouseCore
import SQLKit

/// Gatehouse's storage: the directory, its change history and the settings, over SQLite or PostgreSQL.
public final class GatehouseStore: Sendable {
    public let sql: any SQLStore

    public init(sql: any SQLStore) { self.sql = sql }

    /// Opens the database, applies pending migrations and creates the built-in profile if it is missing.
    public static func open(_ location: DatabaseLocation) async throws -> GatehouseStore {
        let store = GatehouseStore(sql: try await openStore(location))
        do {
            try await Migrator.migrate(store.sql)
            try await store.ensureBuiltInProfiles()
            try await store.ensureConsoleApp()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    public func close() async { await sql.close() }

    public var kind: DatabaseKind { sql.kind }

    // MARK: Directory

    /// The whole directory, as one consistent snapshot.
    public func loadDirectory() async throws -> Directory {
        // One transaction, so that the version and the rows are read at the same instant; not a request path, and as
        // long as the directory is large.
        let kind = sql.kind
        return try await StorageDeadlines.$operationLimit.withValue(StorageDeadlines.bulkRead) {
            try await sql.transaction { db in
                if kind == .postgres { try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
                return try await DirectoryReader.load(db)
            }
        }
    }

    /// The directory with only the users named (and the apps' run-as users): apps, profiles and permission sets
    /// whole. For a command about one user: a few indexed reads, whatever the user count.
    public func loadDirectory(usersNamed usernames: [String]) async throws -> Directory {
        let kind = sql.kind
        return try await sql.transaction { db in
            if kind == .postgres { try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
            return try await DirectoryReader.load(db, usernames: usernames)
        }
    }

    /// What a server holds whole (ADR 8): apps, profiles and permission sets, with no users; one consistent
    /// snapshot, read in a fixed number of queries whatever the user count.
    public func loadDirectoryExceptUsers() async throws -> Directory {
        let kind = sql.kind
        return try await sql.transaction { db in
            if kind == .postgres { try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run() }
            return try await DirectoryReader.load(db, usernames: [], runAsUsers: false)
        }
    }

    /// One app by id, by primary key.
    public func app(_ id: ConnectedAppID) async throws -> ConnectedApp? {
        try await sql.read { db in try await DirectoryReader.entities([.app(id)], db).apps.first }
    }

    /// One user by id, and the version it was read at: one indexed statement.
    public func user(_ id: UserID) async throws -> (user: User, version: Int64)? {
        try await sql.read { db in try await DirectoryReader.user(.id(id), db) }
    }

    /// One user by username (compared as ``uniquenessKey(_:)`` does), and the version it was read at.
    public func user(named username: String) async throws -> (user: User, version: Int64)? {
        try await sql.read { db in try await DirectoryReader.user(.username(username), db) }
    }

    /// The usernames of a profile's holders, or of a permission set's, in username order, by index.
    public func usernames(holding ref: EntityRef) async throws -> [String] {
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        let condition: SQLQueryString =
            switch ref {
            case .profile(let id): "profile_id = \(bind: id.rawValue)"
            case .permissionSet(let id):
                "id IN (SELECT user_id FROM user_permission_sets WHERE permission_set_id = \(bind: id.rawValue))"
            case .user, .app: "1 = 0"
            }
        return try await sql.read { db in
            try await db.raw("SELECT username FROM users WHERE \(condition) ORDER BY username_key \(collate)").all()
                .map { try $0.value("username") }
        }
    }

    /// The usernames of every profile's and every permission set's holders, each in username order: one pass over
    /// the users (for a whole listing).
    public func holders() async throws -> [EntityRef: [String]] {
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        return try await sql.read { db in
            var holders: [EntityRef: [String]] = [:]
            for row in try await db.raw(
                "SELECT profile_id AS id, username FROM users ORDER BY username_key \(collate)"
            ).all() {
                holders[.profile(ProfileID(rawValue: try row.value("id"))), default: []].append(
                    try row.value("username"))
            }
            for row in try await db.raw(
                """
                SELECT s.permission_set_id AS id, u.username FROM user_permission_sets s JOIN users u ON u.id = s.user_id
                ORDER BY u.username_key \(collate)
                """
            ).all() {
                holders[.permissionSet(PermissionSetID(rawValue: try row.value("id"))), default: []].append(
                    try row.value("username"))
            }
            return holders
        }
    }

    /// How many users hold each of `refs` (profiles and permission sets; those held by nobody are absent): grouped
    /// counts over the holders' indexes, so a page costs what its own holders do, not the whole directory.
    public func holderCounts(of refs: [EntityRef]) async throws -> [EntityRef: Int] {
        let profiles = refs.filter { $0.kind == .profile }.map(\.id)
        let sets = refs.filter { $0.kind == .permissionSet }.map(\.id)
        return try await sql.read { db in
            var counts: [EntityRef: Int] = [:]
            for (ids, table, column) in [
                (profiles, "users", "profile_id"), (sets, "user_permission_sets", "permission_set_id"),
            ] {
                for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min($0 + 500, ids.count)] }) {
                    var list: SQLQueryString = ""
                    for (index, id) in chunk.enumerated() { list = index == 0 ? "\(bind: id)" : "\(list), \(bind: id)" }
                    for row in try await db.raw(
                        """
                        SELECT \(unsafeRaw: column) AS id, COUNT(*) AS n FROM \(unsafeRaw: table)
                        WHERE \(unsafeRaw: column) IN (\(list)) GROUP BY \(unsafeRaw: column)
                        """
                    ).all() {
                        let id: String = try row.value("id")
                        let ref: EntityRef =
                            column == "profile_id"
                            ? .profile(ProfileID(rawValue: id)) : .permissionSet(PermissionSetID(rawValue: id))
                        counts[ref] = Int(try row.value("n", as: Int64.self))
                    }
                }
            }
            return counts
        }
    }

    /// How many users hold each profile and each permission set (those held by nobody are absent).
    public func holderCounts() async throws -> [EntityRef: Int] {
        try await sql.read { db in
            var counts: [EntityRef: Int] = [:]
            for row in try await db.raw("SELECT profile_id AS id, COUNT(*) AS n FROM users GROUP BY profile_id").all() {
                counts[.profile(ProfileID(rawValue: try row.value("id")))] = Int(try row.value("n", as: Int64.self))
            }
            for row in try await db.raw(
                "SELECT permission_set_id AS id, COUNT(*) AS n FROM user_permission_sets GROUP BY permission_set_id"
            ).all() {
                counts[.permissionSet(PermissionSetID(rawValue: try row.value("id")))] = Int(
                    try row.value("n", as: Int64.self))
            }
            return counts
        }
    }

    /// The directory version: it moves with every committed admin change.
    public func directoryVersion() async throws -> Int64 {
        try await sql.read { db in try await DirectoryReader.currentVersion(db) }
    }

    /// Stores `changes`, computed from `base`, in one transaction with one audit event each, under the next directory
    /// version, and logs the entities they wrote so that every node applies just those (ADR 7). Refuses with
    /// ``StorageError/conflict(_:)`` if an entity a change updates or deletes moved on since `base` was read, or
    /// ``StorageError/nameTaken(_:)`` if a name it takes was taken meanwhile: no admin change is lost to a race, and changes to other entities do not
    /// get in each other's way. Returns the new directory version.
    @discardableResult
    public func commit(_ changes: [DirectoryChange], basedOn base: Directory, actor: AuditActor, at now: Date)
        async throws -> Int64
    {
        try await commit(changes, basedOn: base, leaving: base.applying(changes), actor: actor, at: now).version
    }

    /// ``commit(_:basedOn:actor:at:)`` for a caller that has worked out the directory the changes leave (`after`);
    /// returns the audit events written too.
    /// With `deciding`, the access request's decision is written in the same transaction (refused when another
    /// admin decided it first), and its audit event follows the change's.
    public func commit(
        _ changes: [DirectoryChange], basedOn base: Directory, leaving after: Directory, actor: AuditActor,
        at now: Date, deciding decided: DecidedAccessRequest? = nil
    ) async throws -> (version: Int64, events: [AuditEvent]) {
        guard !changes.isEmpty || decided != nil else { return (base.version, []) }
        let events =
            changes.map { $0.auditEvent(actor: actor, at: now, before: base, after: after) }
            + (decided.map { [$0.event] }
                ?? [])
        let kind = sql.kind
        if changes.isEmpty, let decided {  // a decision alone (access granted meanwhile): no directory version
            try await sql.transaction { db in
                try await AccessRequestRepository.decide(decided.id, as: decided.state, decided.decision, in: db)
                try await AuditRepository.append(events, to: db)
            }
            return (base.version, events)
        }
        return try await StorageDeadlines.$operationLimit.withValue(StorageDeadlines.forCommit(of: changes.count)) {
            try await sql.transaction { db in
                let version = try await DirectoryLog.nextVersion(in: db)
                let time = Timestamp.milliseconds(now)
                let writer = DirectoryWriter(
                    db: db, now: time, version: version, base: base,
                    creates: Set(changes.filter(\.isCreation).map(\.ref)))
                var touched: Set<EntityRef> = []
                // New users in bulk (a load, a provisioning burst), after the other changes: a rename in the same
                // batch has freed its old name by then, and references resolve at COMMIT whatever the order.
                var newUsers: [User] = []
                for change in changes {
                    if case .createUser(let user) = change {
                        newUsers.append(user)
                        continue
                    }
                    touched.formUnion(try await writer.write(change, expected: base.version(of: change.ref)))
                }
                touched.formUnion(try await writer.createUsers(newUsers))
                if let decided {
                    try await AccessRequestRepository.decide(decided.id, as: decided.state, decided.decision, in: db)
                }
                try await AuditRepository.append(events, to: db)
                // The writer stamped what it wrote; what cascades changed is stamped with the log.
                let cascaded = touched.subtracting(changes.map(\.ref))
                try await DirectoryLog.record(touched, stamp: cascaded, version: version, at: time, in: db, kind: kind)
                return (version, events)
            }
        }
    }

    /// What changed after `version`: the entities written since, read in one snapshot, and the version they bring
    /// the directory to; nil when the change log cannot say (a version is missing), so the caller loads in full.
    public func directoryChanges(after version: Int64) async throws -> DirectoryDelta? {
        let kind = sql.kind
        return try await sql.transaction { db in
            if kind == .postgres {  // the log and the rows it names, as of one instant
                try await db.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").run()
            }
            guard let (through, refs) = try await DirectoryLog.changes(after: version, in: db) else { return nil }
            let found = try await DirectoryReader.entities(refs, db)
            return DirectoryDelta(
                base: version, version: through, refs: refs, users: found.users, profiles: found.profiles,
                permissionSets: found.permissionSets, apps: found.apps, versions: found.versions)
        }
    }

    /// Removes change-log rows committed before `time`; returns how many.
    @discardableResult
    public func pruneDirectoryChanges(before time: Date) async throws -> Int {
        try await sql.transaction { db in try await DirectoryLog.prune(before: Timestamp.milliseconds(time), in: db) }
    }

    private func ensureBuiltInProfiles() async throws {
        for attempt in 0..<3 {
            // No users needed to see whether the profile exists or to create it: every command and server start
            // passes here, and must not read a million users to do so.
            let directory = try await loadDirectory(DirectorySelection(profiles: [Profile.systemAdministratorName]))
            guard directory.profile(named: Profile.systemAdministratorName) == nil else { return }
            do {
                try await commit(
                    [.createProfile(.systemAdministrator())], basedOn: directory, actor: .system,
                    at: Date())
                return
            } catch let error as StorageError where attempt < 2 && error.isRace {
                continue  // another process changed the directory first; look again
            }
        }
    }

    /// The admin console's app exists, granted to System Administrator when it is first made (admins may take
    /// it away afterwards, like any grant). Its callback is each serving node's `{issuer}/admin/callback`, checked
    /// at `/authorize` and stored nowhere (nodes behind different issuers cannot overwrite each other). A database whose own app took the console's name or client id before
    /// the console existed keeps that app, and has no console until it is renamed.
    private func ensureConsoleApp() async throws {
        for attempt in 0..<3 {
            let directory = try await loadDirectory(
                DirectorySelection(
                    profiles: [Profile.systemAdministratorName],
                    apps: [ConnectedApp.consoleClientID, ConnectedApp.consoleName]))
            guard directory.app(clientID: ConnectedApp.consoleClientID) == nil,
                directory.app(named: ConnectedApp.consoleName) == nil,
                var administrators = directory.profile(named: Profile.systemAdministratorName)
            else { return }
            let console = ConnectedApp.console()
            let before = administrators
            administrators.connectedApps.insert(console.id)
            do {
                try await commit(
                    [.createApp(console), .updateProfile(before: before, after: administrators)], basedOn: directory,
                    actor: .system, at: Date())
                return
            } catch let error as StorageError where attempt < 2 && error.isRace {
                continue  // another process made it first; look again
            }
        }
    }

    // MARK: Grants

    /// Revokes every live grant of `app` (of one user's, when `user` is given): the grants end, the app's opaque
    /// access tokens for them are deleted, and the approvals go too, so a self-authorize app asks again. So that JWT
    /// access tokens issued until now are refused at introspection too, revoking every grant sets the app's
    /// `tokensNotBefore` (moving the directory version), and revoking one user's records the time with the approvals
    /// (moving their counter); every node learns either. One transaction, one audit event.
    /// Returns how many grants ended.
    @discardableResult
    public func revokeGrants(of app: ConnectedApp, user: User?, actor: AuditActor, at now: Date) async throws -> Int {
        let time = Timestamp.milliseconds(now)
        let appID = app.id.rawValue
        let userID = user?.id.rawValue
        let target = user.map { "\(app.name) for \($0.username)" } ?? app.name
        let kind = sql.kind
        return try await sql.transaction { db in
            // The directory_version lock first, as every directory writer takes it: no lock cycle with a commit
            // whose cascades reach these grants.
            let version = user == nil ? try await DirectoryLog.nextVersion(in: db) : nil
            let userFilter: SQLQueryString = userID.map { "AND user_id = \(bind: $0)" } ?? ""
            let revoked = try await db.raw(
                """
                UPDATE grants SET revoked_at = \(bind: time)
                WHERE app_id = \(bind: appID) \(userFilter) AND revoked_at IS NULL RETURNING id
                """
            ).all().count
            try await db.raw("DELETE FROM access_tokens WHERE app_id = \(bind: appID) \(userFilter)").run()
            try await ApprovalRepository.remove(app: app.id, user: user?.id, at: now, in: db, kind: kind)
            if let version {
                try await db.raw(
                    "UPDATE connected_apps SET tokens_not_before = \(bind: time) WHERE id = \(bind: appID)"
                ).run()
                try await DirectoryLog.record(
                    [.app(app.id)], stamp: [.app(app.id)], version: version, at: time, in: db, kind: kind)
            }
            try await AuditRepository.append(
                AuditEvent(
                    occurredAt: now, actor: actor.name, action: .connectedAppGrantsRevoked, target: target, before: nil,
                    after: #"{"grantsRevoked":\#(revoked)}"#, sourceIP: actor.sourceIP), to: db)
            return revoked
        }
    }

    /// Clears the failed sign-ins counted against `user`'s account, so the throttle lets them try again at once
    /// (failures counted against a client address stay). One transaction, one audit event; returns how many
    /// failures were cleared.
    @discardableResult
    public func unlockSignIn(of user: User, actor: AuditActor, at now: Date) async throws -> Int {
        let key = LoginThrottle().keys(account: user.username, address: nil)[0].value
        return try await sql.transaction { db in
            let cleared = try await db.raw(
                "DELETE FROM sign_in_failures WHERE throttle_key = \(bind: key) RETURNING failed_at"
            ).all().count
            try await AuditRepository.append(
                AuditEvent(
                    occurredAt: now, actor: actor.name, action: .userSignInUnlocked,
                    target: user.username, before: #"{"failedSignIns":\#(cleared)}"#, after: #"{"failedSignIns":0}"#,
                    sourceIP: actor.sourceIP), to: db)
            return cleared
        }
    }

    /// Removes every second factor and recovery code of the user, and ends their browser sessions, as a password
    /// change does: whoever signs in next with the password enrolls again where a factor is required. Audited;
    /// returns how many factors there were.
    public func resetSecondFactors(of user: User, actor: AuditActor, at now: Date) async throws -> Int {
        try await sql.transaction { db in
            let removed = try await db.raw(
                "DELETE FROM second_factors WHERE user_id = \(bind: user.id.rawValue) RETURNING id"
            ).all().count
            try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.id.rawValue)").run()
            try await db.raw("DELETE FROM browser_sessions WHERE user_id = \(bind: user.id.rawValue)").run()
            try await AuditRepository.append(
                AuditEvent(
                    occurredAt: now, actor: actor.name, action: .userSecondFactorsReset, target: user.username,
                    before: #"{"secondFactors":\#(removed)}"#, after: #"{"secondFactors":0}"#,
                    sourceIP: actor.sourceIP), to: db)
            return removed
        }
    }

    // MARK: Audit trail

    /// Audit events, newest first.
    public func auditEvents(_ query: AuditQuery = AuditQuery()) async throws -> [AuditEvent] {
        try await sql.read { db in try await AuditRepository.list(query, in: db) }
    }

    // MARK: Settings

    public func setting(_ key: String) async throws -> String? {
        try await sql.read { db in try await SettingsRepository.value(key, in: db) }
    }

    /// Records the master key's fingerprint on first use, and refuses a different key afterwards.
    public func checkMasterKey(_ key: MasterKey) async throws {
        try await sql.transaction { db in
            if let stored = try await SettingsRepository.value("master_key_id", in: db) {
                guard stored == key.keyID else {
                    throw StorageError.wrongMasterKey(
                        "this database was set up with master key \(stored), but the key given has id \(key.keyID): "
                            + "use the same GATEHOUSE_MASTER_KEY or key file as before")
                }
            } else {
                try await SettingsRepository.set("master_key_id", to: key.keyID, in: db)
            }
        }
    }

    /// Sets a setting once; returns false if it was already set (for one-time bootstrap steps).
    public func setSettingOnce(_ key: String, to value: String) async throws -> Bool {
        try await sql.transaction { db in
            if try await SettingsRepository.value(key, in: db) != nil { return false }
            try await SettingsRepository.set(key, to: value, in: db)
            return true
        }
    }
}
