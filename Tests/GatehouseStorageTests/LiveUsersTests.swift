import Foundation
import GatehouseCore
import GatehouseTestSupport
import Logging
import Testing

@testable import GatehouseStorage

/// The users a server holds (ADR 8): read by primary key on a miss, then served from memory; a read that raced a
/// change is not kept, so a change applied on this node is never undone by an older read.
@Suite struct LiveUsersTests {
    @Test(arguments: TestBackend.available)
    func aMissIsOneReadThenHitsAndAnUnknownUserIsNil(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let (alice, _) = try await seedAliceAndDeduper(store)
            let live = try await LiveDirectory(loadingFrom: store, userCapacity: 10)
            #expect(live.current.users.isEmpty, "a server holds no users whole")
            #expect(try await live.users.user(alice.id) == alice)
            #expect(try await live.users.user(named: "ALICE") == alice)
            #expect(try await live.users.user(alice.id) == alice)
            #expect(try await live.users.user(named: "nobody") == nil)
            #expect(live.users.counts == LiveUsers.Counts(hits: 2, reads: 2, refreshed: 0))
            #expect(live.users.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aReadUnderWayWhileAChangeIsAppliedIsServedButNotKept(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let (alice, _) = try await seedAliceAndDeduper(store)
            let live = try await LiveDirectory(loadingFrom: store)
            let watcher = DirectoryWatcher(store: store, live: live, logger: Logger(label: "test"))
            // The read of alice returns her row as it was before a deactivation that this node applies meanwhile.
            let served = try await live.users.lookup({ $0.user(alice.id) }) { store in
                let before = try await store.user(alice.id)
                let base = try await store.loadDirectory()
                var inactive = alice
                inactive.isActive = false
                try await store.commit(
                    [.updateUser(before: alice, after: inactive)], basedOn: base, actor: AuditActor(name: "t"),
                    at: Date())
                await watcher.refreshIfChanged()
                return before
            }
            #expect(served?.isActive == true, "the request that read it is answered with what it read")
            #expect(live.users.cachedVersion(of: alice.id) == nil, "but the older read is not kept")
            #expect(try await live.users.user(alice.id)?.isActive == false)
            #expect(live.updates.deltasApplied == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func aFullReloadDropsTheHeldUsers(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let (alice, _) = try await seedAliceAndDeduper(store)
            let live = try await LiveDirectory(loadingFrom: store)
            _ = try await live.users.user(alice.id)
            #expect(live.users.count == 1)
            live.replace(with: try await store.loadDirectory())
            #expect(live.users.count == 0)
            #expect(live.current.users.isEmpty, "a whole load given to a server keeps no users either")
        }
    }
}
