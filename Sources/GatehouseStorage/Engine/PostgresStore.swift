import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// PostgreSQL, for several Gatehouse nodes sharing one database. A `PostgresClient` pool runs in a task owned
/// by the store; a dedicated connection (see ``DirectoryWatcher``) listens for change notifications.
public final class PostgresStore: SQLStore {
    public let kind = DatabaseKind.postgres
    let client: PostgresClient
    let location: PostgresLocation
    private let runTask: Task<Void, Never>
    private let deadlines: OperationDeadlines
    private let sweepTask: Task<Void, Never>

    private init(client: PostgresClient, location: PostgresLocation, runTask: Task<Void, Never>) {
        self.client = client
        self.location = location
        self.runTask = runTask
        let deadlines = OperationDeadlines(connectionWait: Self.connectionWait)
        self.deadlines = deadlines
        self.sweepTask = Task { await deadlines.run() }
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
        let base = Logger(label: "gatehouse.postgres").handler
        var logger = Logger(label: "gatehouse.postgres") { _ in NotYetRunningFilter(base: base) }
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

    /// A read whose connection is lost is retried once on a fresh one; if that fails too, the error is
    /// ``StorageError/unavailable(_:)``.
    public func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws
        -> Result
    {
        do {
            return try await withConnection { connection in try await body(connection.sql()) }
        } catch  where StorageAvailability.isConnectionLoss(error) {
            do {
                return try await withConnection { connection in try await body(connection.sql()) }
            } catch {
                throw StorageAvailability.unavailable(error) ?? error
            }
        }
    }

    public func write<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result
    {
        do {
            return try await withConnection { connection in try await body(connection.sql()) }
        } catch {
            throw StorageAvailability.unavailable(error) ?? error
        }
    }

    /// A transaction whose connection was lost before its COMMIT was sent is retried once on a fresh connection
    /// (nothing of it was committed). A loss during COMMIT is not retried — the commit may have happened — and,
    /// like a second loss, is ``StorageError/unavailable(_:)``.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws
        -> Result
    {
        do {
            return try await attempt(body)
        } catch let failure as CommitFailure {
            throw StorageAvailability.unavailable(failure.error) ?? failure.error
        } catch  where StorageAvailability.isConnectionLoss(error) {
            do {
                return try await attempt(body)
            } catch let failure as CommitFailure {
                throw StorageAvailability.unavailable(failure.error) ?? failure.error
            } catch {
                throw StorageAvailability.unavailable(error) ?? error
            }
        }
    }

    /// A COMMIT that failed: whether anything was committed is unknown.
    private struct CommitFailure: Error {
        let error: any Error
    }

    private func attempt<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result
    {
        try await withConnection { connection in
            let sql = connection.sql()
            try await sql.raw("BEGIN").run()
            let result: Result
            do {
                result = try await body(sql)
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
            do {
                try await sql.raw("COMMIT").run()
            } catch {
                throw CommitFailure(error: error)
            }
            return result
        }
    }

    /// How long a request waits for a pooled connection: while PostgreSQL is down the pool would queue it until it
    /// comes back, holding the request (and its client) for as long; after this it is ``StorageError/unavailable(_:)``.
    static let connectionWait: Duration = .seconds(10)
    /// How long an operation may run once it has its connection, unless the caller gave it more work
    /// (``StorageDeadlines/operationLimit``). A query on a connection that died under it can wait without end and
    /// without heeding cancellation; the request is answered 503 then, and the operation left to fail on its own.
    static let operationLimit: Duration = .seconds(20)

    /// A pooled connection for `body`, or ``StorageError/unavailable(_:)`` if none comes within ``connectionWait``
    /// or `body` has not finished its operation limit after that (``OperationDeadlines``: the caller is answered
    /// and the work cancelled; a query on a dead connection may not heed the cancellation, and is left to fail on its
    /// own).
    private func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let race = Race<Result>()
        let work = Mutex<Task<Void, Never>?>(nil)
        let ticket = deadlines.begin(
            operationLimit: StorageDeadlines.operationLimit ?? Self.operationLimit,
            expiry: .init(
                fail: { error in race.finish(with: .failure(error)) },
                cancel: { work.withLock { $0 }?.cancel() }))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let task = Task {
                    do {
                        let result = try await self.client.withConnection { connection in
                            self.deadlines.acquired(ticket)
                            return try await body(connection)
                        }
                        race.finish(with: .success(result))
                    } catch {
                        race.finish(with: .failure(error))
                    }
                    // Not when the caller goes: work it no longer waits for stays bounded by its deadline.
                    self.deadlines.end(ticket)
                }
                work.withLock { $0 = task }
            }
        } onCancel: {
            race.finish(with: .failure(CancellationError()))
        }
    }

    /// One operation racing its deadlines: whichever finishes first resumes the caller, once.
    private final class Race<Result: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Result, any Error>?
            var pending: Swift.Result<Result, any Error>?
            var isDone = false
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<Result, any Error>) {
            let early: Swift.Result<Result, any Error>? = state.withLock { state in
                if let pending = state.pending { return pending }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        func finish(with result: Swift.Result<Result, any Error>) {
            let continuation: CheckedContinuation<Result, any Error>? = state.withLock { state in
                guard !state.isDone else { return nil }
                state.isDone = true
                guard let continuation = state.continuation else {
                    state.pending = result
                    return nil
                }
                state.continuation = nil
                return continuation
            }
            continuation?.resume(with: result)
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
        sweepTask.cancel()
        runTask.cancel()
        _ = await runTask.value
    }
}

/// The pool's background log without its warning that a lease came before `run()` was entered: ``start(_:)``
/// waits only until the run task executes, the lease then waits for the pool, and the warning (printed on a
/// command's standard error) says nothing an operator could act on.
private struct NotYetRunningFilter: LogHandler {
    var base: any LogHandler

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }
    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard !event.message.description.hasPrefix("Trying to lease connection from `PostgresClient`") else { return }
        base.log(event: event)
    }
}
