import Foundation
import SQLKit

/// Which SQL database Gatehouse stores in. SQL branches on this only where the dialects really differ.
public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// A connection source for Gatehouse's storage: reads, and writes that run in one transaction.
public protocol SQLStore: Sendable {
    var kind: DatabaseKind { get }

    /// Runs `body` with a connection for reads that need no transaction.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws
        -> Result

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws. On SQLite the
    /// transaction may share its `BEGIN` and `COMMIT` with others (``GroupCommit``), so `body` must touch nothing
    /// but the database it is given.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result

    /// Runs `body`, which makes exactly one write statement: atomic by itself, so PostgreSQL runs it without the
    /// `BEGIN` and `COMMIT` round trips of ``transaction(_:)`` (a third of the round trips of storing a token). On
    /// SQLite it is a transaction like any other, sharing a group commit. A statement whose connection is lost is not
    /// retried: it may have been committed.
    func write<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result

    /// Closes every connection. The store is unusable afterwards.
    func close() async
}

extension SQLStore {
    public func write<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result)
        async throws -> Result
    {
        try await transaction(body)
    }
}

/// Where to store: parsed from `--database` (`sqlite:PATH` or `postgres://user:password@host:port/database`).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// The default: an embedded SQLite file in the working directory.
    public static let defaultLocation = DatabaseLocation.sqlite(path: "./gatehouse.sqlite")

    public init(parsing text: String) throws(StorageError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else {
                throw .invalidLocation("sqlite: needs a file path, e.g. sqlite:./gatehouse.sqlite")
            }
            self = .sqlite(path: path)
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(try PostgresLocation(url: text))
        } else {
            throw .invalidLocation(
                "\"\(text)\" is not a database location: use sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            )
        }
    }

    /// A form safe to print: the PostgreSQL password is masked.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.redacted
        }
    }
}

/// The parts of a PostgreSQL URL.
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `sslmode=require` in the URL asks for TLS; the default is a plain connection (loopback, sockets).
    public var requiresTLS: Bool

    public init(url text: String) throws(StorageError) {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw .invalidLocation("\"\(Self.redact(text))\" is not a PostgreSQL URL")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? self.username : path
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        self.requiresTLS = sslMode == "require" || sslMode == "verify-full"
    }

    public var redacted: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    private static func redact(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgres://…"
    }
}

/// Opens the store for a location; the caller closes it.
public func openStore(_ location: DatabaseLocation) async throws -> any SQLStore {
    switch location {
    case .sqlite(let path): try await SQLiteStore.open(path: path)
    case .postgres(let postgres): try await PostgresStore.open(postgres)
    }
}
