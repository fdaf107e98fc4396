import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

/// A burst of one-user changes through the admin library, one commit each, as fast as one client can make them (what
/// the admin API and SCIM will do): flips the active flag of `u2`…, and last of `u1`, so that a watcher of `u1` (the
/// dataset's `bench-app` runs as it) sees when the last change is enforced. Prints the throughput as JSON.
struct BurstBenchmark {
    let location: String
    let changes: Int

    func run() async throws {
        let store = try await GatehouseStore.open(try DatabaseLocation(parsing: location))
        let key = try MasterKey(base64: ProcessInfo.processInfo.environment["GATEHOUSE_MASTER_KEY"] ?? "")
        let admin = Admin(store: store, actor: .cli(osUser: "bench"), permissions: .all, masterKey: key)
        let usernames = (0..<changes).map { $0 == changes - 1 ? "u1" : "u\($0 + 2)" }
        let started = nanoseconds()
        for username in usernames {  // each user's active flag flipped: a second burst undoes the first
            let user = try await admin.user(named: username)
            _ = try await admin.commit(try await admin.setActive(username, !user.summary.active))
        }
        let seconds = Double(nanoseconds() - started) / 1e9
        await store.close()
        print(
            #"{"changes": \#(changes), "seconds": \#(String(format: "%.3f", seconds)), "perSecond": \#(String(format: "%.1f", Double(changes) / seconds))}"#
        )
    }
}
