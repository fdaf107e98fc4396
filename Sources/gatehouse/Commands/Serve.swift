import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import Hummingbird
import Logging

/// `gatehouse serve`: runs the server until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the Gatehouse server.",
        discussion: """
            Opens (and migrates) the database, creates the built-in "System Administrator" profile and, on a
            database with no admin yet, the user "admin": its password comes from GATEHOUSE_ADMIN_PASSWORD or is
            generated and printed once. Serves GET /healthz and GET /readyz. Stops gracefully on SIGINT or SIGTERM.
            Changes made by other gatehouse commands or nodes on the same database are picked up within a second.
            """)

    @OptionGroup var storage: StorageOptions

    @Option(
        help: ArgumentHelp("Address to listen on. Defaults to $GATEHOUSE_HOST, then 127.0.0.1.", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on. Defaults to $GATEHOUSE_PORT, then 8080.", valueName: "port"))
    var port: Int?

    @Option(
        help: ArgumentHelp(
            "The public base URL of this server, used as the OAuth issuer. Defaults to $GATEHOUSE_ISSUER, then http://127.0.0.1:8080.",
            valueName: "url"))
    var issuer: String?

    @Option(
        help: ArgumentHelp(
            "How long login history is kept (e.g. 180d, 30d). Defaults to $GATEHOUSE_LOGIN_HISTORY_RETENTION, then 180d.",
            valueName: "duration"))
    var loginHistoryRetention: PolicyDuration?

    @Option(
        help: ArgumentHelp(
            "Reverse proxies (CIDR blocks or addresses, comma-separated) whose Forwarded / X-Forwarded-For headers name the client's address; without it those headers are ignored. Defaults to $GATEHOUSE_TRUSTED_PROXIES, then none.",
            valueName: "cidrs"))
    var trustedProxies: String?

    @Option(
        help: ArgumentHelp(
            "The header the trusted proxies write the client's address to: x-forwarded-for or forwarded (RFC 7239); the other is ignored. Defaults to $GATEHOUSE_PROXY_HEADER, then x-forwarded-for.",
            valueName: "header"))
    var proxyHeader: String?

    @Option(
        help: ArgumentHelp(
            "Close a connection that sends nothing (or never finishes a request's head) for this long. Defaults to $GATEHOUSE_IDLE_TIMEOUT, then 15s.",
            valueName: "duration"))
    var idleTimeout: PolicyDuration?

    @Option(
        help: ArgumentHelp(
            "Close a connection whose request has not arrived whole this long after its head. Defaults to $GATEHOUSE_READ_TIMEOUT, then 30s.",
            valueName: "duration"))
    var readTimeout: PolicyDuration?

    @Option(
        help: ArgumentHelp(
            "On SIGTERM or SIGINT, exit after this long even if work is unfinished (a database operation that is not answering). Defaults to $GATEHOUSE_SHUTDOWN_TIMEOUT, then 5s.",
            valueName: "duration"))
    var shutdownTimeout: PolicyDuration?

    @Option(
        help: ArgumentHelp(
            "At most this many connections at once; more wait to be accepted. Defaults to $GATEHOUSE_MAX_CONNECTIONS, then 4096 or three quarters of the open-files limit, whichever is lower.",
            valueName: "count"))
    var maxConnections: Int?

    @Option(
        help: ArgumentHelp(
            "Hold at most this many users in memory; others are read from the database when a request needs them. Defaults to $GATEHOUSE_USER_CACHE_SIZE, then 100000.",
            valueName: "count"))
    var userCacheSize: Int?

    func run() async throws {
        if storage.server != nil {
            throw ValidationError("serve runs on a database: --server is for the admin commands")
        }
        let environment = ProcessInfo.processInfo.environment
        let host = host ?? environment["GATEHOUSE_HOST"] ?? "127.0.0.1"
        let port = port ?? environment["GATEHOUSE_PORT"].map { Int($0) ?? -1 } ?? 8080
        guard (1...65_535).contains(port) else { throw ValidationError("the port must be a number from 1 to 65535") }
        let issuer = issuer ?? environment["GATEHOUSE_ISSUER"] ?? "http://127.0.0.1:8080"
        guard RelyingParty(issuer: issuer) != nil else {
            throw ValidationError("the issuer must be an http or https URL with a host, like https://id.example.com")
        }
        var configuration = ServerConfiguration(host: host, port: port, issuer: issuer)
        if let retention = try loginHistoryRetention
            ?? Self.duration(environment, "GATEHOUSE_LOGIN_HISTORY_RETENTION")
        {
            configuration.loginHistoryRetention = TimeInterval(retention.seconds)
        }
        if let idle = try idleTimeout ?? Self.duration(environment, "GATEHOUSE_IDLE_TIMEOUT") {
            configuration.idleTimeout = .seconds(max(1, idle.seconds))
        }
        if let read = try readTimeout ?? Self.duration(environment, "GATEHOUSE_READ_TIMEOUT") {
            configuration.requestReadTimeout = .seconds(max(1, read.seconds))
        }
        let shutdown = try shutdownTimeout ?? Self.duration(environment, "GATEHOUSE_SHUTDOWN_TIMEOUT")
        configuration.shutdownLimit = .seconds(max(1, shutdown?.seconds ?? 5))
        configuration.maximumConnections =
            try maxConnections
            ?? environment["GATEHOUSE_MAX_CONNECTIONS"].map {
                guard let count = Int($0), count > 0 else {
                    throw ValidationError("GATEHOUSE_MAX_CONNECTIONS must be a positive number")
                }
                return count
            } ?? Self.defaultMaximumConnections()
        guard configuration.maximumConnections > 0 else { throw ValidationError("--max-connections must be positive") }
        configuration.userCacheCapacity =
            try userCacheSize
            ?? environment["GATEHOUSE_USER_CACHE_SIZE"].map {
                guard let count = Int($0), count > 0 else {
                    throw ValidationError("GATEHOUSE_USER_CACHE_SIZE must be a positive number")
                }
                return count
            } ?? LiveUsers.defaultCapacity
        guard configuration.userCacheCapacity > 0 else { throw ValidationError("--user-cache-size must be positive") }
        if let list = trustedProxies ?? environment["GATEHOUSE_TRUSTED_PROXIES"] {
            switch ClientAddressResolver.parse(list) {
            case .success(let resolver): configuration.trustedProxies = resolver.trustedProxies
            case .failure(let failure):
                throw ValidationError("--trusted-proxies: \"\(failure.entry)\" is not an IP address or CIDR block")
            }
        }
        if let name = proxyHeader ?? environment["GATEHOUSE_PROXY_HEADER"] {
            guard let header = ClientAddressResolver.Header(rawValue: name.lowercased()) else {
                throw ValidationError("--proxy-header must be x-forwarded-for or forwarded")
            }
            configuration.proxyHeader = header
        }
        LoggingSystem.bootstrap(EscapingLogHandler.init)
        var logger = Logger(label: "gatehouse")
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info

        let location = try storage.location()
        let key = try storage.masterKey(for: location)
        let store = try await GatehouseStore.open(location)
        do {
            try await store.checkMasterKey(key)
            try await AdminBootstrap(store: store, environment: environment).run()
            logger.info("storage ready", metadata: ["database": "\(location)"])
            let app = try await buildApplication(
                configuration: configuration, store: store, masterKey: key, logger: logger)
            try await app.runService()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

extension Serve {
    /// A duration from the environment, or a clear error naming the variable.
    static func duration(_ environment: [String: String], _ name: String) throws -> PolicyDuration? {
        try environment[name].map {
            guard let parsed = PolicyDuration(parsing: $0) else {
                throw ValidationError("\(name) must be a duration such as 15s or 2m")
            }
            return parsed
        }
    }

    /// 4,096 connections, or three quarters of the open-files limit when that is lower: the rest stay for the
    /// database, the log and the key file.
    static func defaultMaximumConnections() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < UInt64(Int32.max) else {
            return 4_096
        }
        return max(64, min(4_096, Int(limit.rlim_cur) * 3 / 4))
    }
}

/// Creates the first admin on a database that has never had one.
struct AdminBootstrap {
    let store: GatehouseStore
    let environment: [String: String]

    func run() async throws {
        guard try await store.setting("admin_bootstrapped") == nil else { return }
        let directory = try await store.loadDirectory(
            DirectorySelection(usernames: ["admin"], profiles: [Profile.systemAdministratorName]))
        if directory.user(named: "admin") == nil,
            let profile = directory.profile(named: Profile.systemAdministratorName)
        {
            let given = environment["GATEHOUSE_ADMIN_PASSWORD"]
            let password = given ?? ClientSecretGenerator.generate().prefix(24).description
            try ValidationFailure.check { PasswordRules.check(password, at: "GATEHOUSE_ADMIN_PASSWORD", into: &$0) }
            let admin = User(
                username: "admin", email: "admin@localhost.invalid", displayName: "Administrator",
                passwordHash: try PasswordHasher.standard.hash(password), profile: profile.id)
            do {
                try await store.commit([.createUser(admin)], basedOn: directory, actor: .system, at: Date())
            } catch let error as StorageError {
                // Another node starting at the same moment created it first: one admin, and this node goes on.
                guard error.isRace,
                    try await store.loadDirectory(DirectorySelection(usernames: ["admin"])).user(named: "admin") != nil
                else { throw error }
                return
            }
            if given == nil {
                // Written unbuffered: the server runs on, and the password must not wait in a buffer.
                FileHandle.standardOutput.write(
                    Data(
                        """
                        Created user "admin" with password: \(password)
                        This password is shown once. Change it with: gatehouse users set-password admin

                        """.utf8))
            } else {
                emit("Created user \"admin\" with the password from GATEHOUSE_ADMIN_PASSWORD.")
            }
        }
        _ = try await store.setSettingOnce("admin_bootstrapped", to: ISO8601DateFormatter().string(from: Date()))
    }
}
