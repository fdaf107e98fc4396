import Foundation
import GatehouseStorage
import GatehouseTestSupport
import SQLKit
import Testing

/// Many concurrent transactions (grouped into batches on SQLite): each caller gets exactly its own outcome,
/// and a failing transaction takes nothing else with it.
@Suite struct TransactionTests {
    struct Refused: Error {}

    @Test(arguments: TestBackend.available)
    func concurrentTransactionsEachSeeTheirOwnOutcome(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            let written = try await store.sql.transaction { db -> Int in
                                try await db.raw(
                                    "INSERT INTO settings (key, value) VALUES (\(bind: "k\(index)"), \(bind: "v\(index)"))"
                                ).run()
                                if index % 7 == 0 { throw Refused() }
                                return index
                            }
                            return (written, true)
                        } catch is Refused {
                            return (index, false)
                        }
                    }
                }
                var all: [(Int, Bool)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.count == 60)
            for (index, succeeded) in outcomes { #expect(succeeded == (index % 7 != 0), "transaction \(index)") }
            let keys = try await store.sql.read { db in
                try await db.raw("SELECT key FROM settings WHERE key LIKE 'k%'").all().map {
                    try $0.decode(column: "key", as: String.self)
                }
            }
            #expect(Set(keys) == Set((0..<60).filter { $0 % 7 != 0 }.map { "k\($0)" }))
        }
    }
}
