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
            let live = LiveDirectory(try await store.loadDirectory())
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
        }
    }
}
