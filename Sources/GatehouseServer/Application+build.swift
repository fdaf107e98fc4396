import GatehouseCore
import GatehouseStorage
import Hummingbird
import Logging

/// How `gatehouse serve` listens and names itself.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The public base URL, used as the OAuth `iss` (RFC 8414 §2).
    public var issuer: String

    public init(host: String = "127.0.0.1", port: Int = 8080, issuer: String = "http://127.0.0.1:8080") {
        self.host = host
        self.port = port
        self.issuer = issuer
    }
}

/// The composition root: every component of the server is created and wired here, and nowhere else.
public func buildApplication(
    configuration: ServerConfiguration, store: GatehouseStore, logger: Logger,
    directoryPollInterval: Duration = .milliseconds(200)
) async throws -> some ApplicationProtocol {
    let live = LiveDirectory(try await store.loadDirectory())
    let watcher = DirectoryWatcher(store: store, live: live, pollInterval: directoryPollInterval, logger: logger)

    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    HealthController(store: store, live: live).addRoutes(to: router)

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Gatehouse"),
        logger: logger)
    app.addServices(watcher)
    return app
}
