import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Logging
import SQLKit
import Testing

/// Changes travel as changes (ADR 7): another node applies a committed change by re-reading just the entities it
/// wrote, and falls back to a full load when the change log cannot say what it missed.
@Suite struct ChangeLogTests {
    static let actor = AuditActor(name: "t")

    struct Nodes {
        /// The node an admin writes through, and the serving node that must follow.
        var writer: GatehouseStore
        var live: LiveDirectory
        var watcher: DirectoryWatcher
    }

    /// A serving node (its own store, live directory and watcher, not started: the test drives it) beside a writer.
    func withTwoNodes(_ backend: TestBackend, _ body: (Nodes) async throws -> Void) async throws {
        try await withScratchStore(backend) { serving, database in
            let writer = try await GatehouseStore.open(database.location)
            do {
                let base = try await writer.loadDirectory()
                let profile = try #require(base.profile(named: Profile.systemAdministratorName))
                let app = ConnectedApp(
                    name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"], scopes: ["api"])
                try await writer.commit(
                    [
                        .createUser(User(username: "alice", email: "alice@example.com", profile: profile.id)),
                        .createUser(User(username: "bob", email: "bob@example.com", profile: profile.id)),
                        .createApp(app),
                    ], basedOn: base, actor: Self.actor, at: Date())
                let live = try await LiveDirectory(loadingFrom: serving)
                // Both users held, as after requests for them: a delta must refresh the held copies.
                _ = try await live.users.user(named: "alice")
                _ = try await live.users.user(named: "bob")
                let watcher = DirectoryWatcher(store: serving, live: live, logger: Logger(label: "test"))
                try await body(Nodes(writer: writer, live: live, watcher: watcher))
                await writer.close()
            } catch {
                await writer.close()
                throw error
            }
        }
    }

    /// The serving node holds exactly what a full load of the database reads: every app, profile and permission set
    /// with its version, and for every user the same state, from the cache (at the database's version) when held.
    func expectServedMatchesDatabase(_ nodes: Nodes) async throws {
        let served = nodes.live.current
        let loaded = try await nodes.writer.loadDirectory()
        #expect(served.version == loaded.version)
        #expect(served.users.isEmpty)
        #expect(served.sortedProfiles == loaded.sortedProfiles)
        #expect(served.sortedPermissionSets == loaded.sortedPermissionSets)
        #expect(served.sortedApps == loaded.sortedApps)
        #expect(served.entityVersions == loaded.entityVersions.filter { $0.key.kind != .user })
        for user in loaded.sortedUsers {
            let held = nodes.live.users.cachedVersion(of: user.id)
            if let held { #expect(held == loaded.version(of: .user(user.id)), "\(user.username)'s cached copy") }
            let reads = nodes.live.users.counts.reads
            #expect(try await nodes.live.users.user(user.id) == user)
            if held != nil { #expect(nodes.live.users.counts.reads == reads, "served from the cache") }
        }
    }

    func deactivate(_ username: String, on nodes: Nodes) async throws -> Int64 {
        let base = try await nodes.writer.loadDirectory()
        let user = try #require(base.user(named: username))
        var after = user
        after.isActive = false
        return try await nodes.writer.commit(
            [.updateUser(before: user, after: after)], basedOn: base, actor: Self.actor, at: Date())
    }

    @Test(arguments: TestBackend.available)
    func aOneUserChangeIsAppliedAsADeltaWithoutAFullLoad(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            let version = try await deactivate("alice", on: nodes)
            let reads = nodes.live.users.counts.reads
            await nodes.watcher.refreshIfChanged()
            let directory = nodes.live.current
            let users = nodes.live.users
            #expect(directory.version == version)
            #expect(try await users.user(named: "alice")?.isActive == false)
            #expect(try await users.user(named: "bob")?.isActive == true)
            #expect(users.cachedVersion(of: try #require(try await users.user(named: "alice")).id) == version)
            #expect(users.counts.reads == reads, "the cached copy was replaced by the delta, not read again")
            #expect(nodes.live.updates == LiveDirectory.Counts(fullLoads: 0, deltasApplied: 1))
            // What the delta built is exactly what a full load reads.
            try await expectServedMatchesDatabase(nodes)
        }
    }

    /// Deletes cascade in the database; the log names every entity whose stored state the cascade changed, so the
    /// serving node's copy matches the database without a full load.
    @Test(arguments: TestBackend.available)
    func cascadesOfADeleteReachTheOtherNodeToo(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            var base = try await nodes.writer.loadDirectory()
            let app = try #require(base.app(clientID: "deduper"))
            let alice = try #require(base.user(named: "alice"))
            let set = PermissionSet(name: "Deduper Users", connectedApps: [app.id])
            var holder = alice
            holder.permissionSets = [set.id]
            var runAs = app
            runAs.runAsUser = alice.id
            try await nodes.writer.commit(
                [
                    .createPermissionSet(set), .updateUser(before: alice, after: holder),
                    .updateApp(before: app, after: runAs),
                ],
                basedOn: base, actor: Self.actor, at: Date())
            await nodes.watcher.refreshIfChanged()
            #expect(try await nodes.live.users.user(named: "alice")?.permissionSets == [set.id])

            base = try await nodes.writer.loadDirectory()
            try await nodes.writer.commit(
                [
                    .deletePermissionSet(try #require(base.permissionSets[set.id])),
                    .deleteUser(try #require(base.users[alice.id])),
                ],
                basedOn: base, actor: Self.actor, at: Date())
            await nodes.watcher.refreshIfChanged()
            let directory = nodes.live.current
            #expect(directory.permissionSets[set.id] == nil)
            #expect(nodes.live.users.cachedVersion(of: alice.id) == nil)
            #expect(try await nodes.live.users.user(alice.id) == nil)
            #expect(directory.app(clientID: "deduper")?.runAsUser == nil)  // ON DELETE SET NULL, logged
            try await expectServedMatchesDatabase(nodes)
            #expect(nodes.live.updates.fullLoads == 0)
        }
    }

    /// A gap in the sequence (the log pruned while a node was away) is detected, and the node recovers by a full
    /// load to exactly the database's state; the next change is a delta again.
    /// An update is checked against the version it was computed from; one computed from a read that did not hold the
    /// entity (so no version) cannot be checked, and is refused rather than written unchecked.
    @Test(arguments: TestBackend.available)
    func aChangeFromAReadWithoutTheEntityIsRefused(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            let full = try await nodes.writer.loadDirectory()
            let alice = try #require(full.user(named: "alice"))
            var inactive = alice
            inactive.isActive = false
            let withoutAlice = try await nodes.writer.loadDirectory(usersNamed: ["bob"])
            #expect(withoutAlice.user(named: "alice") == nil)
            await #expect(throws: StorageError.self) {
                try await nodes.writer.commit(
                    [.updateUser(before: alice, after: inactive)], basedOn: withoutAlice, actor: Self.actor,
                    at: Date())
            }
            await #expect(throws: StorageError.self) {
                try await nodes.writer.commit(
                    [.deleteUser(alice)], basedOn: withoutAlice, actor: Self.actor, at: Date())
            }
            #expect(try await nodes.writer.loadDirectory().user(named: "alice")?.isActive == true)
            // Created and changed in one batch: no stored version yet, and none needed.
            let app = ConnectedApp(name: "Fresh", clientID: "fresh", callbackURLs: ["https://f.example/cb"])
            var blocked = app
            blocked.isBlocked = true
            try await nodes.writer.commit(
                [.createApp(app), .updateApp(before: app, after: blocked)], basedOn: withoutAlice,
                actor: Self.actor, at: Date())
            #expect(try await nodes.writer.loadDirectory().app(clientID: "fresh")?.isBlocked == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func aGapInTheChangeLogFallsBackToAFullLoadAndRecovers(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            _ = try await deactivate("alice", on: nodes)
            // Pruned past this node's version: the log no longer holds the change it missed.
            try await nodes.writer.pruneDirectoryChanges(before: Date().addingTimeInterval(60))
            let version = try await deactivate("bob", on: nodes)
            await nodes.watcher.refreshIfChanged()
            #expect(nodes.live.version == version)
            #expect(nodes.live.users.count == 0, "the cached users are dropped: what they missed is not known")
            #expect(try await nodes.live.users.user(named: "alice")?.isActive == false)
            #expect(try await nodes.live.users.user(named: "bob")?.isActive == false)
            #expect(nodes.live.updates == LiveDirectory.Counts(fullLoads: 1, deltasApplied: 0))
            try await expectServedMatchesDatabase(nodes)

            let base = try await nodes.writer.loadDirectory()
            let alice = try #require(base.user(named: "alice"))
            var active = alice
            active.isActive = true
            try await nodes.writer.commit(
                [.updateUser(before: alice, after: active)], basedOn: base, actor: Self.actor, at: Date())
            await nodes.watcher.refreshIfChanged()
            #expect(try await nodes.live.users.user(named: "alice")?.isActive == true)
            #expect(nodes.live.updates == LiveDirectory.Counts(fullLoads: 1, deltasApplied: 1))
        }
    }

    /// A rotation of signing keys moves its own counter, not the directory version: a user change reloads no keys,
    /// and the directory is not reloaded for a key change.
    @Test(arguments: TestBackend.available)
    func aUserChangeReloadsNoSigningKeys(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let keys = SigningKeyStore(store: store, masterKey: testMasterKey)
            _ = try await keys.ensureKeys(at: Date())
            let live = try await LiveDirectory(loadingFrom: store)
            let reloads = Live(0)
            let watcher = DirectoryWatcher(
                store: store, live: live, logger: Logger(label: "test"),
                counterReloads: [SigningKeyStore.counter: { reloads.modify { $0 += 1 } }])
            await watcher.refreshIfChanged()
            #expect(reloads.current == 1)  // the first look at the counter
            let base = try await store.loadDirectory()
            let admin = try #require(base.profile(named: Profile.systemAdministratorName))
            try await store.commit(
                [.createUser(User(username: "carol", email: "c@example.com", profile: admin.id))], basedOn: base,
                actor: Self.actor, at: Date())
            await watcher.refreshIfChanged()
            #expect(reloads.current == 1)
            #expect(live.updates.deltasApplied == 1)
            #expect(try await live.users.user(named: "carol") != nil)
            let versionBefore = live.version
            let ring = try await keys.load()
            try await keys.save([], updating: [try #require(ring.keys.first)])
            await watcher.refreshIfChanged()
            #expect(reloads.current == 2)
            #expect(live.version == versionBefore)
        }
    }

    /// A command about one user reads only that user (and the apps' run-as users), with the versions a commit
    /// checks; committing from that partial read is as safe as from a whole one.
    @Test(arguments: TestBackend.available)
    func aDirectoryOfNamedUsersHoldsThoseAndTheRunAsUsersOnly(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            var whole = try await nodes.writer.loadDirectory()
            let app = try #require(whole.app(clientID: "deduper"))
            var runAs = app
            runAs.runAsUser = try #require(whole.user(named: "bob")).id
            try await nodes.writer.commit(
                [.updateApp(before: app, after: runAs)], basedOn: whole, actor: Self.actor, at: Date())
            whole = try await nodes.writer.loadDirectory()

            let partial = try await nodes.writer.loadDirectory(usersNamed: ["ALICE", "nobody"])
            #expect(Set(partial.users.values.map(\.username)) == ["alice", "bob"])
            #expect(partial.sortedApps == whole.sortedApps)
            #expect(partial.sortedProfiles == whole.sortedProfiles)
            #expect(partial.version == whole.version)
            #expect(partial.integrityIssues().isEmpty)
            let alice = try #require(partial.user(named: "alice"))
            #expect(partial.version(of: .user(alice.id)) == whole.version(of: .user(alice.id)))

            var inactive = alice
            inactive.isActive = false
            try await nodes.writer.commit(
                [.updateUser(before: alice, after: inactive)], basedOn: partial, actor: Self.actor, at: Date())
            await #expect(throws: StorageError.self) {  // the same stale read again: refused
                try await nodes.writer.commit(
                    [.updateUser(before: alice, after: inactive)], basedOn: partial, actor: Self.actor, at: Date())
            }
        }
    }

    /// A delete whose cascade would take away what another admin gave meanwhile is refused (the first admin's
    /// preview never showed it), and so is a change that refers to something deleted meanwhile.
    @Test(arguments: TestBackend.available)
    func concurrentGrantsAndDeletesConflictInsteadOfUndoingEachOther(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            var base = try await nodes.writer.loadDirectory()
            let set = PermissionSet(
                name: "Deduper Users", connectedApps: [try #require(base.app(clientID: "deduper")).id])
            try await nodes.writer.commit([.createPermissionSet(set)], basedOn: base, actor: Self.actor, at: Date())
            let stale = try await nodes.writer.loadDirectory()
            // Another admin gives the set to bob…
            let bob = try #require(stale.user(named: "bob"))
            var holder = bob
            holder.permissionSets = [set.id]
            try await nodes.writer.commit(
                [.updateUser(before: bob, after: holder)], basedOn: stale, actor: Self.actor, at: Date())
            // …so deleting the set from the earlier read would silently take it from him: refused.
            await #expect(throws: StorageError.self) {
                try await nodes.writer.commit(
                    [.deletePermissionSet(try #require(stale.permissionSets[set.id]))], basedOn: stale,
                    actor: Self.actor, at: Date())
            }
            #expect(try await nodes.writer.loadDirectory().user(named: "bob")?.permissionSets == [set.id])

            // The other way round: the set is deleted first (from a fresh read), then alice is given it from the
            // earlier read: a conflict with a sentence, not a foreign-key failure at COMMIT.
            base = try await nodes.writer.loadDirectory()
            var unassigned = try #require(base.user(named: "bob"))
            unassigned.permissionSets = []
            try await nodes.writer.commit(
                [.updateUser(before: try #require(base.user(named: "bob")), after: unassigned)], basedOn: base,
                actor: Self.actor, at: Date())
            base = try await nodes.writer.loadDirectory()
            try await nodes.writer.commit(
                [.deletePermissionSet(try #require(base.permissionSets[set.id]))], basedOn: base, actor: Self.actor,
                at: Date())
            let alice = try #require(stale.user(named: "alice"))
            var given = alice
            given.permissionSets = [set.id]
            await #expect(throws: StorageError.self) {
                try await nodes.writer.commit(
                    [.updateUser(before: alice, after: given)], basedOn: stale, actor: Self.actor, at: Date())
            }
            await nodes.watcher.refreshIfChanged()
            try await expectServedMatchesDatabase(nodes)
        }
    }

    /// A rename and a new entity taking the old name, applied in one delta in either order: lookups by name and by
    /// client id find the right entity (the index entry of the old name is not dropped from under the new one).
    @Test(arguments: TestBackend.available)
    func aRenameAndANameReusedInOneDeltaKeepNameLookupsRight(backend: TestBackend) async throws {
        try await withTwoNodes(backend) { nodes in
            var base = try await nodes.writer.loadDirectory()
            let alice = try #require(base.user(named: "alice"))
            var renamed = alice
            renamed.username = "alice.old"
            try await nodes.writer.commit(
                [.updateUser(before: alice, after: renamed)], basedOn: base, actor: Self.actor, at: Date())
            base = try await nodes.writer.loadDirectory()
            let admin = try #require(base.profile(named: Profile.systemAdministratorName))
            let newcomer = User(username: "alice", email: "alice2@example.com", profile: admin.id)
            let app = try #require(base.app(clientID: "deduper"))
            var movedApp = app
            movedApp.clientID = "deduper-old"
            movedApp.name = "Deduper Old"
            let successor = ConnectedApp(name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"])
            try await nodes.writer.commit(
                [.createUser(newcomer), .updateApp(before: app, after: movedApp), .createApp(successor)], basedOn: base,
                actor: Self.actor, at: Date())
            await nodes.watcher.refreshIfChanged()  // both versions in one delta
            let directory = nodes.live.current
            #expect(nodes.live.updates.fullLoads == 0)
            #expect(try await nodes.live.users.user(named: "alice")?.id == newcomer.id)
            #expect(try await nodes.live.users.user(named: "alice.old")?.id == alice.id)
            #expect(directory.app(clientID: "deduper")?.id == successor.id)
            #expect(directory.app(clientID: "deduper-old")?.id == app.id)
            #expect(directory.app(named: "Deduper")?.id == successor.id)
        }
    }
}
