import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseStorage

/// A login event as found by its trace id, with the decision as it stands now when asked for.
public struct LoginEventDetails: Sendable {
    public var event: LoginEvent
    public var explanation: AccessExplanation?
}

/// A config document's plan against the directory, ready to commit.
public struct PreparedApply: Sendable {
    public let change: PreparedChange
    /// Client secrets the plan generated, each shown once.
    public let generatedSecrets: [(app: String, clientID: String, secret: String)]
    /// The directory as the plan leaves it.
    public let result: Directory
}

extension Admin {
    // MARK: Audit trail and login history

    public func auditEvents(_ query: AuditQuery) async throws -> [AuditEvent] {
        try require(.viewAuditTrail)
        return try await store.auditEvents(query)
    }

    /// Login events; `username` filters by the user's id when the user exists (so a renamed user's earlier events
    /// are found), by the name typed otherwise (attempts with unknown usernames); `app` by name or client id.
    public func loginEvents(_ query: LoginEventQuery, username: String?, app: String?) async throws -> [LoginEvent] {
        try require(.viewAuditTrail)
        var query = query
        let directory = try await directory(users: username.map { [$0] } ?? [], apps: app.map { [$0] } ?? [])
        if let username {
            if let known = directory.user(named: username) { query.user = known.id } else { query.username = username }
        }
        if let app { query.app = try directory.requireApp(app).id }
        return try await store.loginEvents(query)
    }

    /// The login event of a trace id; with `explain`, the decision for its user and app as it stands now (a read of
    /// setup: `view-setup` too).
    public func loginEvent(traceID: String, explain: Bool) async throws -> LoginEventDetails {
        try require(.viewAuditTrail)
        if explain { try require(.viewSetup) }
        guard let event = try await store.loginEvents(LoginEventQuery(traceID: traceID, limit: 10)).first else {
            throw AdminFailure(
                .notFound,
                "no login event has trace id \(traceID) (events are written within a fraction of a second, and kept for the retention period)"
            )
        }
        var explanation: AccessExplanation?
        if explain, let userID = event.user, let appID = event.app, let user = try await store.user(userID)?.user {
            if let app = try await store.app(appID) {
                explanation = try await self.explain(user: user.username, app: app.clientID)
            }
        }
        return LoginEventDetails(event: event, explanation: explanation)
    }

    // MARK: Signing keys

    public func signingKeys() async throws -> KeyRing {
        try require(allOf: Self.everyManagePermission)
        return try await SigningKeyStore(store: store, masterKey: masterKey).load()
    }

    /// Adds a new key per algorithm (or for `algorithm`), published `publicationDelay` before it signs; the keys it
    /// replaces stop signing then and stay published a day more. Returns the new keys.
    public func rotateSigningKeys(_ algorithm: SigningAlgorithm?, publicationDelay: TimeInterval) async throws
        -> [ScheduledSigningKey]
    {
        try require(allOf: Self.everyManagePermission)
        let keyStore = SigningKeyStore(store: store, masterKey: masterKey)
        let ring = try await keyStore.load()
        let time = now()
        var created: [ScheduledSigningKey] = []
        var retired: [ScheduledSigningKey] = []
        for algorithm in algorithm.map({ [$0] }) ?? SigningAlgorithm.allCases {
            let rotation = ring.rotation(
                algorithm, newKey: try SigningKey.generate(algorithm), at: time, publicationDelay: publicationDelay,
                longestTokenLifetime: 86_400)
            created.append(rotation.new)
            retired.append(contentsOf: rotation.retired)
        }
        try await keyStore.save(created, updating: retired)
        return created
    }

    // MARK: Config as code

    /// The plan that makes the directory match `document`, prepared with its impact. `apply` adds and changes, never
    /// removes, so it reads the shared part and only the users the document names (as users or run-as users), by
    /// index: applying a thousand users costs the same whether the directory holds ten or a million.
    public func planApply(_ document: ConfigDocument) async throws -> PreparedApply {
        try require(allOf: Self.everyManagePermission)
        let named = document.users.map(\.username) + document.connectedApps.compactMap { $0.runAsUser ?? nil }
        let directory = try await store.loadDirectory(usersNamed: named)
        let planner = ConfigPlanner(secretHasher: secretHasher, passwordHasher: passwordHasher, now: now())
        let plan = try planner.plan(document, against: directory)
        return PreparedApply(
            change: try await prepare(plan.changes, basedOn: directory, needing: Self.everyManagePermission),
            generatedSecrets: plan.generatedSecrets,
            result: plan.result)
    }

    /// The whole directory as a config document (YAML). Password and client-secret hashes only for an admin with
    /// every `manage-…` permission (``seesHashes``): with them, the export can be applied to another database.
    public func export() async throws -> String {
        try require(.viewSetup)
        return try ConfigExporter.export(try await store.loadDirectory(), withHashes: seesHashes)
    }

    /// The same document as JSON.
    public func exportJSON() async throws -> String {
        try require(.viewSetup)
        return ConfigExporter.exportJSON(try await store.loadDirectory(), withHashes: seesHashes)
    }

    // MARK: Pages of the audit trail and login history, newest first

    public func auditEvents(_ query: AuditQuery, after boundary: String?, limit: Int) async throws -> Page<AuditEvent> {
        var query = query
        query.beforeID = boundary.flatMap { Int64($0) }
        query.limit = limit + 1
        let found = try await auditEvents(query)
        return Page.of(found, limit: limit, key: { String($0.id ?? 0) }, item: { $0 })
    }

    public func loginEvents(
        _ query: LoginEventQuery, username: String?, app: String?, after boundary: String?, limit: Int
    ) async throws -> Page<LoginEventView> {
        var query = query
        query.beforeID = boundary.flatMap { Int64($0) }
        query.limit = limit + 1
        let found = try await loginEvents(query, username: username, app: app)
        return Page.of(found, limit: limit, key: { String($0.id ?? 0) }, item: LoginEventView.init)
    }
}
