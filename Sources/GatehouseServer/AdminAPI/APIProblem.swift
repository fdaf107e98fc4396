import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// An admin API error as RFC 9457 problem details (`application/problem+json`): `type`, `title`, `status`,
/// `detail`, `traceId`, and members of its own (`reason`, `permission`, `errors`).
struct APIProblem: Error, Sendable {
    var status: HTTPResponse.Status
    var type: String
    var title: String
    var detail: String
    /// Members beside the standard ones.
    var members: JSONObject = [:]
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ type: String, _ title: String, _ detail: String) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
    }

    /// Problem types are URNs of Gatehouse's own: stable names a client can switch on.
    private static func type(_ name: String) -> String { "urn:gatehouse:problem:\(name)" }

    func response(traceID: String) -> Response {
        var body: JSONObject = [
            "type": .string(type), "title": .string(title), "status": .integer(Int64(status.code)),
            "detail": .string(detail), "traceId": .string(traceID),
        ]
        for (key, value) in members.members { body[key] = value }
        var response = Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.serialized)))
        response.headers[.contentType] = "application/problem+json"
        response.headers[.cacheControl] = "no-store"
        return response
    }

    // MARK: The problems

    /// RFC 6750 §3.1: no credentials → a bare challenge; a bad token → `invalid_token`.
    static func unauthorized(_ detail: String, error: String?, reason: RefusalReason? = nil) -> APIProblem {
        var problem = APIProblem(.unauthorized, type("unauthorized"), "Unauthorized", detail)
        var challenge = #"Bearer realm="gatehouse", scope="\#(AdminAPI.scope)""#
        if let error { challenge += #", error="\#(error)", error_description="\#(detail)""# }
        problem.headers[.wwwAuthenticate] = challenge
        if let reason { problem.members["reason"] = .string(reason.rawValue) }
        return problem
    }

    static func insufficientScope() -> APIProblem {
        var problem = APIProblem(
            .forbidden, type("insufficient-scope"), "Insufficient scope",
            "the access token does not carry the scope \(AdminAPI.scope): ask for it (the app's scopes must include it)"
        )
        problem.headers[.wwwAuthenticate] =
            #"Bearer realm="gatehouse", error="insufficient_scope", scope="\#(AdminAPI.scope)""#
        problem.members["reason"] = .string("insufficient_scope")
        return problem
    }

    static func noActingUser(app: String) -> APIProblem {
        var problem = APIProblem(
            .forbidden, type("no-acting-user"), "No admin acts through this token",
            "the token acts for the app \"\(app)\" itself, not for a user: give the app a run-as user whose profile or permission sets hold the admin permissions it needs"
        )
        problem.members["reason"] = .string("no_acting_user")
        return problem
    }

    static func permissionMissing(_ permission: AdminPermission, _ detail: String) -> APIProblem {
        var problem = APIProblem(.forbidden, type("admin-permission-missing"), "Admin permission missing", detail)
        problem.members["reason"] = .string("admin_permission_missing")
        problem.members["permission"] = .string(permission.rawValue)
        return problem
    }

    static func notFound(_ detail: String) -> APIProblem {
        APIProblem(.notFound, type("not-found"), "Not found", detail)
    }

    static func conflict(_ detail: String) -> APIProblem {
        APIProblem(.conflict, type("conflict"), "Conflict", detail)
    }

    static func preconditionRequired() -> APIProblem {
        APIProblem(
            .init(code: 428), type("precondition-required"), "If-Match required",
            "a change to an existing entity needs If-Match with the ETag it was read at (or *), so that no admin overwrites another's change unseen"
        )
    }

    static func preconditionFailed(_ detail: String, current: Int64?) -> APIProblem {
        var problem = APIProblem(.preconditionFailed, type("precondition-failed"), "Changed since read", detail)
        if let current { problem.headers[.eTag] = AdminAPI.etag(current) }
        return problem
    }

    /// A body that does not pass the config contract's checks: every problem with its path (RFC 9457 §3 extension).
    static func invalid(_ issues: [ValidationIssue]) -> APIProblem {
        var problem = APIProblem(
            .unprocessableContent, type("validation"), "Invalid",
            issues.count == 1
                ? issues[0].description
                : "\(issues.count) problems: "
                    + issues.map(\.description)
                    .joined(separator: "; "))
        problem.members["errors"] = .objects(
            issues.map { ["path": .string($0.path), "message": .string($0.message)] })
        return problem
    }

    /// A query parameter, header or body that cannot be read at all.
    static func badRequest(_ detail: String, path: String? = nil) -> APIProblem {
        var problem = APIProblem(.badRequest, type("bad-request"), "Bad request", detail)
        if let path {
            problem.members["errors"] = .objects([["path": .string(path), "message": .string(detail)]])
        }
        return problem
    }

    static func unsupportedMediaType(_ detail: String) -> APIProblem {
        APIProblem(.unsupportedMediaType, type("unsupported-media-type"), "Unsupported media type", detail)
    }

    static func unavailable() -> APIProblem {
        var problem = APIProblem(
            .serviceUnavailable, type("unavailable"), "Temporarily unavailable",
            "the database cannot be reached; try again shortly")
        problem.headers[.retryAfter] = "1"
        return problem
    }

    static let serverError = APIProblem(
        .internalServerError, type("server-error"), "Server error", "the server could not complete the request")

    /// What a use case threw, as the problem that says why; anything unforeseen is logged once and answered 500.
    static func from(_ error: any Error, ifMatch: Bool, logger: Logger) -> APIProblem {
        switch error {
        case let problem as APIProblem: return problem
        case let failure as AdminFailure:
            switch failure.kind {
            case .notFound: return .notFound(failure.description)
            case .conflict: return .conflict(failure.description)
            case .invalid: return .invalid([ValidationIssue(path: "", message: failure.description)])
            case .permissionMissing(let permission): return .permissionMissing(permission, failure.description)
            case .stale(let current): return .preconditionFailed(failure.description, current: current)
            }
        case let failure as ValidationFailure: return .invalid(failure.issues)
        case let error as StorageError where error.isUnavailable:
            logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return .unavailable()
        case StorageError.conflict(let message):
            // Another change to the same entity committed between this request's read and its commit.
            return ifMatch ? .preconditionFailed(message, current: nil) : .conflict(message)
        case StorageError.nameTaken(let message):
            // Another admin took the name meanwhile: the entity's version is not what stands in the way.
            return .conflict(message)
        default:
            logger.error("admin API request failed", metadata: ["error": "\(String(reflecting: error))"])
            return .serverError
        }
    }
}
