import Foundation
import GatehouseStorage
import GatehouseTestSupport
import SQLKit
import Testing

/// Gatehouse's own SQLite connections: values round-trip, errors are errors (and leave the connection usable),
/// readers cannot write, kept statements stay correct past the cache's size, and a writer waiting for another
/// process's write lock blocks neither reads nor the caller's threads.
@Suite struct SQLiteConnectionTests {
    private func withStore(_ body: (SQLiteStore, String) async throws -> Void) async throws {
        let scratch = try await ScratchDatabase.create(.sqlite)
        guard case .sqlite(let path) = scratch.location else { return }
        let store = try await SQLiteStore.open(path: path)
        do {
            try await store.transaction { db in
                try await db.raw("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT, ratio REAL, data BLOB)").run()
            }
            try await body(store, path)
        } catch {
            await store.close()
            await scratch.remove()
            throw error
        }
        await store.close()
        await scratch.remove()
    }

    struct Row: Codable, Equatable {
        var id: Int
        var label: String?
        var ratio: Double?
        var data: Data?
    }

    @Test func valuesRoundTripThroughBindsAndRows() async throws {
        try await withStore { store, _ in
            let rows = [
                Row(id: 1, label: "plain", ratio: 0.5, data: Data([0, 1, 2, 255])),
                Row(id: 2, label: "ünïcødé — \u{1F510}", ratio: nil, data: nil),
                Row(id: 3, label: nil, ratio: -1e300, data: Data()),
                Row(id: Int(Int64.max), label: "", ratio: 0, data: nil),
            ]
            try await store.transaction { db in
                for row in rows {
                    try await db.raw(
                        "INSERT INTO t VALUES (\(bind: row.id), \(bind: row.label), \(bind: row.ratio), \(bind: row.data))"
                    ).run()
                }
            }
            let read = try await store.read { db in
                try await db.raw("SELECT id, label, ratio, data FROM t ORDER BY id").all(decoding: Row.self)
            }
            // An empty blob reads back as an empty blob or NULL, as in SQLite itself; compare the rest exactly.
            #expect(read.map(\.id) == rows.map(\.id))
            #expect(read.map(\.label) == rows.map(\.label))
            #expect(read.map(\.ratio) == rows.map(\.ratio))
            #expect(read[0].data == rows[0].data)
            #expect(read[1].data == nil)
        }
    }

    @Test func errorsAreThrownAndTheConnectionCarriesOn() async throws {
        try await withStore { store, _ in
            await #expect(throws: SQLiteFailure.self) {
                try await store.read { db in try await db.raw("SELEC nonsense").run() }
            }
            await #expect(throws: SQLiteFailure.self) {
                try await store.transaction { db in
                    try await db.raw("INSERT INTO t (id, label) VALUES (1, 'a')").run()
                    try await db.raw("INSERT INTO t (id, label) VALUES (1, 'again')").run()
                }
            }
            // The failed transaction left nothing behind, and both connections still answer.
            let count = try await store.read { db in
                try await db.raw("SELECT count(*) AS n FROM t").first()?.decode(column: "n", as: Int.self)
            }
            #expect(count == 0)
            try await store.transaction { db in try await db.raw("INSERT INTO t (id) VALUES (7)").run() }
            // Asking a row for a column its statement does not return is an error, not a crash or a nil.
            await #expect(throws: (any Error).self) {
                try await store.read { db in
                    try await db.raw("SELECT id FROM t").first().map { try $0.decode(column: "label", as: String.self) }
                }
            }
        }
    }

    @Test func readersAreQueryOnly() async throws {
        try await withStore { store, _ in
            let failure = await #expect(throws: SQLiteFailure.self) {
                try await store.read { db in try await db.raw("INSERT INTO t (id) VALUES (1)").run() }
            }
            #expect(failure?.message.contains("readonly") == true, "\(String(describing: failure))")
        }
    }

    @Test func keptStatementsStayCorrectPastTheCacheSize() async throws {
        try await withStore { store, _ in
            try await store.transaction { db in
                for id in 0..<300 {
                    try await db.raw("INSERT INTO t (id, label) VALUES (\(unsafeRaw: String(id)), 'x')").run()
                }
            }
            // A different statement text per id and round: 1,200 texts over four readers, each keeping 128.
            for round in 0..<4 {
                for id in 0..<300 {
                    let label = try await store.read { db in
                        try await db.raw(
                            "SELECT label || '\(unsafeRaw: "\(round)-\(id)")' AS l FROM t WHERE id = \(bind: id)"
                        ).first()?.decode(column: "l", as: String.self)
                    }
                    #expect(label == "x\(round)-\(id)")
                }
            }
        }
    }

    /// A long read (a directory reload, a CLI listing) keeps one reader busy; short reads meanwhile go to the
    /// others instead of queueing behind it.
    @Test func aLongReadDoesNotHoldUpShortOnes() async throws {
        try await withStore { store, _ in
            let long = Task.detached {
                let count = try await store.read { db in
                    try await db.raw(
                        """
                        WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000)
                        SELECT count(*) AS n FROM c
                        """
                    ).first()?.decode(column: "n", as: Int.self)
                }
                return (count, ContinuousClock.now)
            }
            try await Task.sleep(for: .milliseconds(200))  // the long read has its reader by now
            for _ in 0..<40 {
                let one = try await store.read { db in
                    try await db.raw("SELECT 1 AS one").first()?.decode(column: "one", as: Int.self)
                }
                #expect(one == 1)
            }
            let shortsDone = ContinuousClock.now
            let (count, longDone) = try await long.value
            #expect(count == 5_000_000)
            #expect(shortsDone < longDone, "the short reads waited for the long one")
        }
    }

    /// Another process holds the write lock: this store's write waits for it (busy_timeout) without failing, and
    /// meanwhile its reads go on and its callers' threads stay free.
    @Test func aWriteWaitsForAnotherWriterWhileReadsGoOn() async throws {
        try await withStore { store, path in
            let other = try await SQLiteStore.open(path: path)
            let holding = Task {
                try await other.transaction { db in
                    try await db.raw("INSERT INTO t (id, label) VALUES (1, 'other')").run()
                    try await Task.sleep(for: .milliseconds(600))
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            let started = ContinuousClock.now
            let waiting = Task {
                try await store.transaction { db in
                    try await db.raw("INSERT INTO t (id, label) VALUES (2, 'mine')").run()
                }
                return ContinuousClock.now - started
            }
            // While the write waits for the lock, reads answer at once, many times over.
            for _ in 0..<50 {
                _ = try await store.read { db in try await db.raw("SELECT count(*) AS n FROM t").run() }
            }
            let readsTook = ContinuousClock.now - started
            try await holding.value
            let waited = try await waiting.value
            #expect(readsTook < .milliseconds(400), "reads took \(readsTook)")
            #expect(waited > .milliseconds(300), "the write waited \(waited)")
            let labels = try await store.read { db in
                try await db.raw("SELECT label FROM t ORDER BY id").all().map {
                    try $0.decode(column: "label", as: String.self)
                }
            }
            #expect(labels == ["other", "mine"])
            await other.close()
        }
    }
}
