import Foundation
import GatehouseCore
import GatehouseStorage

/// The access decision as a server makes it on a real database (ADR 8): the directory's shared part loaded whole,
/// the user from the cache, and on a miss by one indexed read. `samples` users never asked for before are decided
/// cold (each a read), then the same users again warm (each a hit); latencies include the lookup.
struct StoredDecisionBenchmark {
    let location: String
    let samples: Int

    func run() async throws {
        let store = try await GatehouseStore.open(try DatabaseLocation(parsing: location))
        let started = nanoseconds()
        let live = try await LiveDirectory(loadingFrom: store, userCapacity: max(samples, 1))
        let loadSeconds = Double(nanoseconds() - started) / 1e9
        let directory = live.current
        let apps = directory.sortedApps
        guard !apps.isEmpty else { throw ValidationFailure("the database has no apps: run scripts/dataset.py first") }

        // Users spread over the whole directory: every other page of 1,000, so that neighbours in the index are
        // not all read together.
        var ids: [UserID] = []
        var after: String?
        while ids.count < samples {
            let page = try await store.users(after: after, limit: 1_000)
            guard let last = page.last else { break }
            ids += page.prefix(samples - ids.count).map(\.id)
            after = last.username
            if let skip = try await store.users(after: after, limit: 1_000).last { after = skip.username }
        }
        ids.shuffle()
        let now = Date()

        func pass() async throws -> (latencies: [UInt64], allowed: Int) {
            var latencies: [UInt64] = []
            latencies.reserveCapacity(ids.count)
            var allowed = 0
            for (index, id) in ids.enumerated() {
                let app = apps[index % apps.count]
                let start = nanoseconds()
                let user = try await live.users.user(id)
                let decision = AccessPolicy.decide(
                    user: user, app: app, context: AccessContext(flow: .refresh, time: now), in: directory)
                latencies.append(nanoseconds() - start)
                if decision.isAllowed { allowed += 1 }
            }
            return (latencies.sorted(), allowed)
        }
        let cold = try await pass()
        let reads = live.users.counts.reads
        let warm = try await pass()
        let hits = live.users.counts.hits
        await store.close()

        func line(_ name: String, _ sorted: [UInt64]) -> String {
            func micro(_ fraction: Double) -> String { String(format: "%.1f", percentile(sorted, fraction) / 1_000) }
            return "\(name) (µs): p50 \(micro(0.5)), p99 \(micro(0.99)), p99.9 \(micro(0.999))"
        }
        print(
            """
            database: \(store.kind.rawValue), \(apps.count) apps, \(directory.profiles.count) profiles, \(directory.permissionSets.count) permission sets; shared part loaded in \(String(format: "%.2f", loadSeconds)) s
            samples: \(ids.count) users (\(cold.allowed) allowed); reads \(reads), then hits \(hits)
            \(line("decision with a cold cache (one indexed read)", cold.latencies))
            \(line("decision with a warm cache", warm.latencies))
            """)
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
