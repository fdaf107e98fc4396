import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// The admin API under `/admin/api/v1`: the admin library's use cases as JSON over HTTP. A resource server of this
/// same Gatehouse: a request carries one of its access tokens with the scope `gatehouse.admin`, the acting admin is
/// the token's user (or the client-credentials app's run-as user), and that user's profile and permission sets give
/// the admin permissions the library checks. A change is applied to this node's directory before it is answered.
struct AdminAPI: Sendable {
    static let scope = ConnectedApp.adminScope
    static let base = "/admin/api/v1"

    let services: OAuthServices
    let store: GatehouseStore
    let masterKey: MasterKey
    let passwordHasher: PasswordHasher
    /// Brings this node's directory, approvals and revocations up to the database's (after a change made here).
    let catchUp: @Sendable () async -> Void

    /// The ETag of an entity version (strong: versions are exact).
    static func etag(_ version: Int64) -> String { "\"\(version)\"" }

    func addRoutes(to router: Router<some RequestContext>) {
        // The document describing the API is public: it holds no data, and clients and tools read it first.
        router.get("admin/api/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        let routes = AdminRoutes(router: router, api: self)
        UsersAPI(api: self).addRoutes(to: routes)
        BundlesAPI(api: self, kind: .profile).addRoutes(to: routes)
        BundlesAPI(api: self, kind: .permissionSet).addRoutes(to: routes)
        AppsAPI(api: self).addRoutes(to: routes)
        AccessAPI(api: self).addRoutes(to: routes)
        AccessRequestsAPI(api: self).addRoutes(to: routes)
        OperationsAPI(api: self).addRoutes(to: routes)
        routes.finish()
    }

    /// The admin acting through the request's bearer token, after every check of the token (RFC 6750 §3).
    func actingAdmin(_ request: Request, traceID: String, clientIP: String?) async throws -> Admin {
        let header = request.headers[.authorization] ?? ""
        guard header.lowercased().hasPrefix("bearer "), header.count > 7 else {
            throw APIProblem.unauthorized(
                "send an access token of this Gatehouse with the scope \(Self.scope): Authorization: Bearer <token>",
                // Another scheme is no authentication at all (RFC 6750 §3.1: no error code); a Bearer header
                // without a token is a malformed request.
                error: header.lowercased().hasPrefix("bearer") ? "invalid_request" : nil)
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let inspection = try await TokenInspector(services: services).inspect(
            token, hint: "access_token", flow: .adminAPI, traceID: traceID, clientIP: clientIP)
        if case .refused(let found, let refusal) = inspection, found.kind == .access {
            throw APIProblem.unauthorized(refusal.description, error: "invalid_token", reason: refusal.reason)
        }
        guard let active = inspection.activeToken, active.kind == .access else {
            throw APIProblem.unauthorized(
                "the access token is invalid, expired or revoked", error: "invalid_token", reason: .tokenInactive)
        }
        guard active.scopes.contains(Self.scope) else { throw APIProblem.insufficientScope() }
        guard let user = active.user else { throw APIProblem.noActingUser(app: active.app.name) }
        return Admin(
            store: store,
            actor: AuditActor(name: "api:\(user.username) via \(active.app.clientID)", sourceIP: clientIP),
            permissions: services.directory.current.adminPermissions(of: user), masterKey: masterKey,
            passwordHasher: passwordHasher, now: services.now)
    }
}

/// Registers the admin API's routes: each path's methods, `405` with `Allow` for the others, and problem details
/// for every path under the API that names nothing.
final class AdminRoutes<Context: RequestContext>: @unchecked Sendable {
    typealias Handler = @Sendable (AdminRequest) async throws -> Response

    private let router: Router<Context>
    private let api: AdminAPI
    private var methods: [String: [HTTPRequest.Method]] = [:]
    private var order: [String] = []

    init(router: Router<Context>, api: AdminAPI) {
        self.router = router
        self.api = api
    }

    /// `path` below `/admin/api/v1` (`users/{id}`), with its query parameters (any other is refused).
    func on(_ method: HTTPRequest.Method, _ path: String, query: [String] = [], _ handler: @escaping Handler) {
        let full = AdminAPI.base + (path.isEmpty ? "" : "/" + path)
        if methods[full] == nil { order.append(full) }
        methods[full, default: []].append(method)
        let api = self.api
        router.on(RouterPath(Self.routerPath(full)), method: method) { request, context in
            await AdminRequest.respond(request, context, api: api, accepted: query, handler)
        }
        if method == .get {  // HEAD: the GET's status and headers, without its body (RFC 9110 §9.3.2)
            router.on(RouterPath(Self.routerPath(full)), method: .head) { request, context in
                var response = await AdminRequest.respond(request, context, api: api, accepted: query, handler)
                response.body = .init()
                return response
            }
        }
    }

    /// Every method a path may be asked with: those it serves answer, the others are refused with `405`.
    private static var methods: [HTTPRequest.Method] {
        [.get, .post, .put, .patch, .delete, .options, .trace] + (HTTPRequest.Method("QUERY").map { [$0] } ?? [])
    }

    /// `405 Method Not Allowed` for the methods a path does not serve, and `404` problems below the API.
    func finish() {
        for path in order {
            let allowed = methods[path] ?? []
            let allow = (allowed + (allowed.contains(.get) ? [.head] : [])).map(\.rawValue).joined(separator: ", ")
            for method in Self.methods where !allowed.contains(method) {
                router.on(RouterPath(Self.routerPath(path)), method: method) { _, context in
                    var problem = APIProblem(
                        .methodNotAllowed, "urn:gatehouse:problem:method-not-allowed", "Method not allowed",
                        "\(path) accepts \(allow)")
                    problem.headers[.allow] = allow
                    return problem.response(traceID: context.id)
                }
            }
        }
        for method in Self.methods + [.head] {
            for path in ["/admin/api", "/admin/api/**"] {
                router.on(RouterPath(path), method: method) { request, context in
                    APIProblem.notFound("no admin API resource at \(request.uri.path)").response(traceID: context.id)
                }
            }
        }
    }

    /// `users/{id}` → Hummingbird's `users/:id`.
    private static func routerPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? ":" + part.dropFirst().dropLast() : String(part)
        }.joined(separator: "/")
    }
}
