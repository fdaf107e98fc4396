import GatehouseCore
import HTTPTypes
import Hummingbird

/// Works out each request's client address once (``ClientAddressResolver``: the socket's peer, or behind a trusted
/// proxy the forwarded address) and keeps it in the context, for throttling, login history and IP policies.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = GatehouseRequestContext
    let resolver: ClientAddressResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.clientAddress = resolver.resolve(
            peer: context.remoteAddress?.ipAddress, forwarded: request.headers[values: .forwarded],
            forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// RFC 7239.
    static let forwarded = known("Forwarded")
    /// The de-facto header most proxies send.
    static let xForwardedFor = known("X-Forwarded-For")
}
