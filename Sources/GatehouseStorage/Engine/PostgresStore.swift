import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL, for several Gatehouse nodes sharing one database. A `PostgresClient` pool runs in a task owned
/// by the store; a dedicated connection (see ``DirectoryWatcher``) listens for change notifications.
public final class PostgresStore: SQLStore {
    public let kind = DatabaseKind.postgres
    let client: PostgresClient
    let location: PostgresLocation
    private let runTask: Task<Void, Never>

    private init(client: PostgresClient, location: PostgresLocation, runTask: Task<Void, Never>) {
        self.client = client
        self.location = location
        self.runTask = runTask
    }

    /// Starts `client.run()` and returns once its task is executing, so that the first lease does not find the
    /// pool not yet running.
    private static func start(_ client: PostgresClient) async -> Task<Void, Never> {
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let task = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        return task
    }

    public static func open(_ location: PostgresLocation) async throws -> PostgresStore {
        var logger = Logger(label: "gatehouse.postgres")
        logger.logLevel = .warning
        let client = PostgresClient(configuration: configuration(location), backgroundLogger: logger)
        let store = PostgresStore(client: client, location: location, runTask: await start(client))
        do {
            try await store.read { db in try await db.raw("SELECT 1").run() }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    static func configuration(_ location: PostgresLocation) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: location.requiresTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = 16
        return configuration
    }

    public func read<Result: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result
    {
        try await client.withConnection { connection in try await body(connection.sql()) }
    }

    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws
        -> Result
    {
        try await client.withConnection { connection in
            let sql = connection.sql()
            try await sql.raw("BEGIN").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Opens a connection outside the pool, for LISTEN.
    func makeDedicatedConnection(logger: Logger) async throws -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database,
            tls: location.requiresTLS ? .require(try .init(configuration: .makeClientConfiguration())) : .disable)
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    public func close() async {
        runTask.cancel()
        _ = await runTask.value
    }
}
