import Foundation
import GatehouseCore
import GatehouseStorage
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// How `gatehouse serve` listens and names itself.
/// An issuer that is not an `http` or `https` URL with a host: no OAuth client, and no passkey, could use it.
public struct InvalidIssuer: Error, CustomStringConvertible {
    public var issuer: String
    public var description: String { "the issuer \(issuer) is not an http or https URL with a host" }
}

public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The public base URL, used as the OAuth `iss` (RFC 8414 §2), without a trailing slash.
    public var issuer: String
    /// How often the in-memory directory checks the database for changes made elsewhere (the CLI, another node).
    /// nil: 50 ms on SQLite, where polling is the only way to see another process's commit (two reads on kept
    /// statements, nothing measurable), and 200 ms on PostgreSQL, where it backs up NOTIFY.
    public var directoryPollInterval: Duration?
    /// How often expired rows are purged.
    public var housekeepingInterval: Duration
    /// A browser session ends after this long without use…
    public var sessionIdleTimeout: TimeInterval = 30 * 60
    /// …and after this long in any case.
    public var sessionAbsoluteTimeout: TimeInterval = 12 * 3_600
    /// The password KDF's parameters for new hashes (stored hashes carry their own).
    public var passwordHasher = PasswordHasher.standard
    /// Login events are kept this long, then purged by housekeeping.
    public var loginHistoryRetention: TimeInterval = 180 * 86_400
    /// How often buffered login events are written.
    public var loginHistoryFlushInterval: Duration = .milliseconds(100)
    /// Proxies whose `Forwarded` / `X-Forwarded-For` headers are believed (`--trusted-proxies`); none by default.
    public var trustedProxies: [IPRange] = []
    /// The header the trusted proxies write the client's address to.
    public var proxyHeader: ClientAddressResolver.Header = .xForwardedFor
    /// A connection that sends nothing for this long is closed: an idle keep-alive, or one that never finishes its
    /// request's head.
    public var idleTimeout: Duration = .seconds(15)
    /// A request must have arrived whole this long after its head, or its connection is closed (a body trickled a
    /// byte at a time).
    public var requestReadTimeout: Duration = .seconds(30)
    /// At most this many connections at once; more wait in the listen backlog. Below the file-descriptor limit, so
    /// that a flood of idle connections cannot take the database's and the log's descriptors.
    public var maximumConnections = 4_096
    /// At most this many users are held in memory (ADR 8); others are read by primary key when a request needs them.
    public var userCacheCapacity = LiveUsers.defaultCapacity
    /// Once a graceful shutdown has begun, the process exits after this long even with work unfinished
    /// (``ShutdownDeadline``); nil (in-process tests) waits for all of it.
    public var shutdownLimit: Duration?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, issuer: String = "http://127.0.0.1:8080",
        directoryPollInterval: Duration? = nil, housekeepingInterval: Duration = .seconds(60)
    ) {
        self.host = host
        self.port = port
        self.issuer = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.directoryPollInterval = directoryPollInterval
        self.housekeepingInterval = housekeepingInterval
    }
}

/// The composition root: every component of the server is created and wired here, and nowhere else.
public func buildApplication(
    configuration: ServerConfiguration, store: GatehouseStore, masterKey: MasterKey, logger: Logger,
    now: @escaping @Sendable () -> Date = { Date() }
) async throws -> some ApplicationProtocol {
    let keyStore = SigningKeyStore(store: store, masterKey: masterKey)
    // Keys first: creating them moves the directory version, which the snapshot below must include.
    let keys = Live(try await keyStore.ensureKeys(at: now()))
    let live = try await LiveDirectory(loadingFrom: store, userCapacity: configuration.userCacheCapacity)
    let (approvalBook, approvalsVersion) = try await store.loadApprovals()
    let approvals = LiveApprovals(book: approvalBook, version: approvalsVersion)
    let revocations = LiveRevocations()
    let (revoked, revocationsVersion) = try await store.loadRevocations(after: revocations.version, at: now())
    revocations.merge(revoked, version: revocationsVersion, at: now())
    let tokens = SQLTokenStore(store: store, revocations: revocations)
    let loginHistory = LoginRecorder()
    let services = OAuthServices(
        directory: live, approvals: approvals, revocations: revocations, keys: keys, tokens: tokens,
        issuer: TokenIssuer(issuer: configuration.issuer),
        authenticator: ClientAuthenticator(hasher: SecretHasher(masterKey: masterKey)), loginHistory: loginHistory,
        now: now)

    guard let relyingParty = RelyingParty(issuer: configuration.issuer) else {
        throw InvalidIssuer(issuer: configuration.issuer)
    }
    let web = WebServices(
        oauth: services, sessions: SQLSessionStore(store: store),
        pendingAuthorizations: SQLPendingAuthorizationStore(store: store), accessRequests: store,
        throttle: LoginThrottle(),
        passwordHasher: configuration.passwordHasher, secureCookies: configuration.issuer.hasPrefix("https://"),
        idleTimeout: configuration.sessionIdleTimeout, absoluteTimeout: configuration.sessionAbsoluteTimeout,
        passwordVerifications: PasswordVerifications(),
        dummyPasswordHash: try configuration.passwordHasher.hash(TokenValue.generate(prefix: "")),
        secondFactors: SecondFactorServices(
            store: SQLSecondFactorStore(store: store), masterKey: masterKey, relyingParty: relyingParty))

    let watcher = DirectoryWatcher(
        store: store, live: live, approvals: approvals, revocations: revocations,
        pollInterval: configuration.directoryPollInterval
            ?? (store.sql.kind == .sqlite ? .milliseconds(50) : .milliseconds(200)),
        logger: logger, now: now,
        counterReloads: [SigningKeyStore.counter: { keys.replace(with: try await keyStore.load()) }])

    let router = Router(context: GatehouseRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    if !configuration.trustedProxies.isEmpty {  // otherwise the context's client address is the peer's already
        router.add(
            middleware: ClientAddressMiddleware(
                resolver: ClientAddressResolver(
                    trustedProxies: configuration.trustedProxies, header: configuration.proxyHeader)))
    }
    router.add(middleware: LogRequestsMiddleware(.debug))
    HealthController(store: store, live: live).addRoutes(to: router)
    TokenController(services: services).addRoutes(to: router)
    IntrospectionController(services: services).addRoutes(to: router)
    UserinfoController(services: services).addRoutes(to: router)
    OAuthResponse.allowOnlyPost(["token", "introspect", "revoke"], on: router)
    AuthorizeController(web: web).addRoutes(to: router)
    AccountController(web: web, store: store).addRoutes(to: router)
    SecondFactorController(web: web).addRoutes(to: router)
    PasskeyController(web: web).addRoutes(to: router)
    PasskeyScript.addRoute(to: router)
    AccountSecurityController(web: web).addRoutes(to: router)
    LogoutController(web: web).addRoutes(to: router)
    DiscoveryController(
        services: services, endpoints: SupportedEndpoints(hasAuthorization: true, hasUserinfo: true, hasLogout: true)
    ).addRoutes(to: router)
    AdminAPI(
        services: services, store: store, masterKey: masterKey, passwordHasher: configuration.passwordHasher,
        catchUp: { await watcher.refreshIfChanged() }
    ).addRoutes(to: router)
    Console(
        web: web, store: store, masterKey: masterKey, passwordHasher: configuration.passwordHasher,
        catchUp: { await watcher.refreshIfChanged() }
    ).addRoutes(to: router)

    let housekeeping = Housekeeping(
        tokens: tokens, keys: keyStore, store: store, loginHistoryRetention: configuration.loginHistoryRetention,
        interval: configuration.housekeepingInterval, now: now, logger: logger)
    let historyWriter = LoginHistoryWriter(
        recorder: loginHistory, store: store, interval: configuration.loginHistoryFlushInterval, logger: logger)
    var serverConfiguration = ApplicationConfiguration(
        address: .hostname(configuration.host, port: configuration.port), serverName: "Gatehouse")
    serverConfiguration.availableConnectionsDelegate = MaximumAvailableConnections(configuration.maximumConnections)
    let readTimeout = TimeAmount(configuration.requestReadTimeout)
    var app = Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestReadDeadline(timeout: readTimeout)],
                idleTimeout: TimeAmount(configuration.idleTimeout))),
        configuration: serverConfiguration,
        logger: logger)
    app.addServices(watcher, housekeeping, historyWriter)
    if let limit = configuration.shutdownLimit { app.addServices(ShutdownDeadline(limit: limit, logger: logger)) }
    return app
}

/// The request context: Hummingbird's basics plus the peer address and the client address worked out from it
/// (``ClientAddressMiddleware``).
struct GatehouseRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?
    /// The client's address: the peer's, or behind a trusted proxy the forwarded one.
    var clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        clientAddress = remoteAddress?.ipAddress
    }
}
