import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// JSON responses of the OAuth endpoints: always `Cache-Control: no-store` (RFC 6749 §5.1), errors in RFC 6749
/// §5.2's shape plus Gatehouse's `reason` and `trace_id`.
enum OAuthResponse {
    static func json(_ object: JSONObject, status: HTTPResponse.Status = .ok) -> Response {
        // Pragma for HTTP/1.0 caches; the header name is validated once (HTML.swift), not per response.
        let headers: HTTPFields = [
            .contentType: "application/json;charset=UTF-8", .cacheControl: "no-store", .pragma: "no-cache",
        ]
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: object.serialized)))
    }

    /// The error body of the token, introspection and revocation endpoints. `invalid_client` is 401 with a
    /// `WWW-Authenticate` challenge (RFC 6749 §5.2).
    static func error(_ error: OAuthError, traceID: String) -> Response {
        var response = json(body(error, traceID: traceID), status: .init(code: error.tokenEndpointStatus))
        if error.code == .invalidClient {
            response.headers[.wwwAuthenticate] = #"Basic realm="gatehouse", charset="UTF-8""#
        }
        if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
        return response
    }

    static func body(_ error: OAuthError, traceID: String) -> JSONObject {
        var object: JSONObject = ["error": .string(error.code.rawValue), "error_description": .string(error.message)]
        if let reason = error.reason { object["reason"] = .string(reason.rawValue) }
        object["trace_id"] = .string(traceID)
        return object
    }

    /// Runs `body`; what it throws becomes its RFC response through ``Failure``.
    static func handling(
        _ context: some RequestContext, _ body: () async throws -> Response
    ) async -> Response {
        do {
            return try await body()
        } catch {
            return self.error(Failure.refusal(for: error, logger: context.logger), traceID: context.id)
        }
    }

    /// Answers every method but POST on the POST-only endpoints with 405 and `Allow: POST` (RFC 9110 §15.5.6), in
    /// the endpoints' JSON error shape, instead of a bare 404.
    static func allowOnlyPost(_ paths: [RouterPath], on router: Router<some RequestContext>) {
        for path in paths {
            for method in [HTTPRequest.Method.get, .head, .put, .delete, .patch] {
                router.on(path, method: method) { _, context in
                    var response = error(
                        OAuthError(.invalidRequest, "use POST: this endpoint accepts form posts only"),
                        traceID: context.id)
                    response.status = .methodNotAllowed
                    response.headers[.allow] = "POST"
                    return response
                }
            }
        }
    }
}
