import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Logging
import ServiceLifecycle
import Testing

/// A change committed by another process (here: another store on the same database) reaches a running node's
/// in-memory directory within one second.
@Suite struct DirectoryWatcherTests {
    @Test(arguments: TestBackend.available)
    func aChangeFromAnotherConnectionIsSeenWithinOneSecond(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, database in
            let live = try await LiveDirectory(loadingFrom: store)
            let watcher = DirectoryWatcher(store: store, live: live, logger: Logger(label: "test"))
            let task = Task { try await watcher.run() }
            defer { task.cancel() }

            let other = try await GatehouseStore.open(database.location)
            let base = try await other.loadDirectory()
            try await other.commit(
                [.createProfile(Profile(name: "Sales"))], basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let committedAt = ContinuousClock.now
            await other.close()

            while live.current.profile(named: "Sales") == nil, ContinuousClock.now - committedAt < .seconds(2) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let delay = ContinuousClock.now - committedAt
            #expect(live.current.profile(named: "Sales") != nil)
            #expect(delay < .seconds(1), "seen after \(delay)")
            #expect(live.updates.fullLoads == 0, "applied from the change log, not by reloading everything")
        }
    }

    /// Two nodes (on PostgreSQL: NOTIFY; on SQLite: the poll): a one-user change made through one is enforced by
    /// the other's access decision within a second, applied as a delta (ADR 7), not by a full reload.
    @Test(arguments: TestBackend.available)
    func aDeactivationOnOneNodeIsEnforcedOnTheOtherWithinOneSecondWithoutAFullLoad(backend: TestBackend)
        async throws
    {
        try await withScratchStore(backend) { store, database in
            let (alice, app) = try await seedAliceAndDeduper(store)
            let live = try await LiveDirectory(loadingFrom: store)
            let watcher = DirectoryWatcher(store: store, live: live, logger: Logger(label: "test"))
            let task = Task { try await watcher.run() }
            defer { task.cancel() }
            func decision() async throws -> AccessDecision {
                AccessPolicy.decide(
                    user: try await live.users.user(alice.id), app: app,
                    context: AccessContext(flow: .refresh, time: Date()), in: live.current)
            }
            #expect(try await decision().isAllowed)
            #expect(live.users.counts == LiveUsers.Counts(hits: 0, reads: 1, refreshed: 0))

            let other = try await GatehouseStore.open(database.location)
            let read = try await other.loadDirectory()
            var deactivated = try #require(read.users[alice.id])
            deactivated.isActive = false
            try await other.commit(
                [.updateUser(before: try #require(read.users[alice.id]), after: deactivated)], basedOn: read,
                actor: AuditActor(name: "t"), at: Date())
            let committedAt = ContinuousClock.now
            await other.close()
            while try await decision().isAllowed, ContinuousClock.now - committedAt < .seconds(2) {
                try await Task.sleep(for: .milliseconds(5))
            }
            let delay = ContinuousClock.now - committedAt
            #expect(try await decision().refusal == .userInactive)
            #expect(delay < .seconds(1), "enforced after \(delay)")
            #expect(live.updates.fullLoads == 0)
            #expect(live.updates.deltasApplied >= 1)
            // The cached copy was replaced by the change log's delta: alice was read from the database only once.
            #expect(live.users.counts.reads == 1)
            #expect(live.users.counts.refreshed == 1)
        }
    }
}

/// Approvals are user data outside the versioned directory: every node reloads its in-memory copy when the
/// approvals counter moves, and revoking an app's grants removes the approvals with them.
@Suite struct ApprovalPropagationTests {
    @Test(arguments: TestBackend.available)
    func anApprovalRecordedOnAnotherNodeReachesThisOneAndRevokingRemovesIt(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, database in
            let (alice, app) = try await seedAliceAndDeduper(store)

            let (book, version) = try await store.loadApprovals()
            let approvals = LiveApprovals(book: book, version: version)
            let live = try await LiveDirectory(loadingFrom: store)
            let watcher = DirectoryWatcher(
                store: store, live: live, approvals: approvals, pollInterval: .milliseconds(50),
                logger: Logger(label: "test"))
            let task = Task { try await watcher.run() }
            defer { task.cancel() }

            let other = try await GatehouseStore.open(database.location)
            try await SQLSessionStore(store: other).recordApproval(
                Approval(user: alice.id, app: app.id, scopes: Scopes(["openid"]), approvedAt: Date()))
            try await SQLSessionStore(store: other).recordApproval(
                Approval(user: alice.id, app: app.id, scopes: Scopes(["api"]), approvedAt: Date()))
            try await waitFor { approvals.current.approval(user: alice.id, app: app.id)?.scopes.values.count == 2 }
            #expect(approvals.current.approval(user: alice.id, app: app.id)?.scopes == Scopes(["openid", "api"]))

            try await other.revokeGrants(of: app, user: alice, actor: AuditActor(name: "t"), at: Date())
            await other.close()
            try await waitFor { approvals.current.approval(user: alice.id, app: app.id) == nil }
            #expect(approvals.current.grantsRevoked(user: alice.id, app: app.id) != nil)
        }
    }

    private func waitFor(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(2)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}

/// Alice (a system administrator) and the Deduper app, committed to `store`.
func seedAliceAndDeduper(_ store: GatehouseStore) async throws -> (User, ConnectedApp) {
    let base = try await store.loadDirectory()
    let profile = try #require(base.profile(named: Profile.systemAdministratorName))
    let alice = User(username: "alice", email: "alice@example.com", profile: profile.id)
    let app = ConnectedApp(name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"])
    try await store.commit(
        [.createUser(alice), .createApp(app)], basedOn: base, actor: AuditActor(name: "t"), at: Date())
    return (alice, app)
}
