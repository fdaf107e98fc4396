import Foundation
import GatehouseCore
import GatehouseStorage
import Logging
import PostgresKit

/// A backend a storage test runs on. PostgreSQL runs when `GATEHOUSE_TEST_POSTGRES_URL` names a server
/// (scripts/test starts one); otherwise only SQLite runs, and scripts/test says so loudly.
public enum TestBackend: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    /// The backends available on this machine.
    public static var available: [TestBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// Read once: the CLI tests launch processes, and Foundation's launch on Linux is not safe beside readers of the
    /// environment on other threads.
    static let postgresURL = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_POSTGRES_URL"]

    public var description: String { rawValue }
}

/// A fresh, empty database for one test: a temp SQLite file, or a new PostgreSQL database. Dropped by `remove()`.
public struct ScratchDatabase: Sendable {
    public let location: DatabaseLocation
    /// The `--database` argument for the CLI.
    public let argument: String
    private let cleanup: @Sendable () async -> Void

    public static func create(_ backend: TestBackend) async throws -> ScratchDatabase {
        let name = "gh_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(String(name))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("gatehouse.sqlite").path
            return ScratchDatabase(location: .sqlite(path: path), argument: "sqlite:\(path)") {
                try? FileManager.default.removeItem(at: directory)
            }
        case .postgres:
            guard let adminURL = TestBackend.postgresURL else {
                throw StorageError.invalidLocation("GATEHOUSE_TEST_POSTGRES_URL is not set")
            }
            let admin = try PostgresLocation(url: adminURL)
            try await Self.execute("CREATE DATABASE \(name)", on: admin)
            var location = admin
            location.database = String(name)
            let url = "postgres://\(admin.username)@\(admin.host):\(admin.port)/\(name)"
            return ScratchDatabase(location: .postgres(location), argument: url) {
                try? await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: admin)
            }
        }
    }

    public func remove() async { await cleanup() }

    private static func execute(_ statement: String, on location: PostgresLocation) async throws {
        let store = try await PostgresStore.open(location)
        do {
            try await store.read { db in try await db.raw(SQLQueryString(statement)).run() }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// Runs `body` with an opened, migrated store on a fresh database of `backend`, and cleans up after.
public func withScratchStore<Result: Sendable>(
    _ backend: TestBackend, _ body: (GatehouseStore, ScratchDatabase) async throws -> Result
) async throws -> Result {
    try await PostgresTestGate.shared.withPermit(for: backend) { try await withOpenedScratchStore(backend, body) }
}

private func withOpenedScratchStore<Result: Sendable>(
    _ backend: TestBackend, _ body: (GatehouseStore, ScratchDatabase) async throws -> Result
) async throws -> Result {
    let database = try await ScratchDatabase.create(backend)
    let store: GatehouseStore
    do {
        store = try await GatehouseStore.open(database.location)
    } catch {
        await database.remove()
        throw error
    }
    do {
        let result = try await body(store, database)
        await store.close()
        await database.remove()
        return result
    } catch {
        await store.close()
        await database.remove()
        throw error
    }
}

/// A master key fixed for tests.
public let testMasterKey: MasterKey = {
    guard let key = try? MasterKey(bytes: [UInt8](repeating: 7, count: 32)) else { preconditionFailure("test key") }
    return key
}()

/// The base64 form of ``testMasterKey``, for `GATEHOUSE_MASTER_KEY`.
public let testMasterKeyBase64 = Data([UInt8](repeating: 7, count: 32)).base64EncodedString()

/// One RS256 and one ES256 key, generated once per test process (RSA generation is slow), for seeding stores.
public enum TestKeys {
    public static let shared: [SigningKey] = {
        guard let rsa = try? SigningKey.generate(.rs256), let ec = try? SigningKey.generate(.es256) else {
            preconditionFailure("cannot generate test keys")
        }
        return [rsa, ec]
    }()

    /// Stores the shared keys, active from `time`, so that the server finds keys and generates none.
    @discardableResult
    public static func seed(_ store: GatehouseStore, at time: Date = Date(timeIntervalSince1970: 0)) async throws
        -> KeyRing
    {
        let keyStore = SigningKeyStore(store: store, masterKey: testMasterKey)
        try await keyStore.save(
            shared.map { ScheduledSigningKey(key: $0, createdAt: time, activatesAt: time) }, updating: [])
        return try await keyStore.load()
    }
}
