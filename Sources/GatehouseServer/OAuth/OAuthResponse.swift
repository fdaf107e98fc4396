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
        if error.code == .temporarilyUnavailable { response.headers[.retryAfter] = "1" }
        return response
    }

    /// The refusal an error stands for: itself, `temporarily_unavailable` when the database is out of reach, and
    /// otherwise nil (a defect: logged, answered `server_error` without internals).
    static func refusal(for error: any Error) -> OAuthError? {
        if let error = error as? OAuthError { return error }
        if let error = error as? StorageError, error.isUnavailable { return .storageUnavailable }
        return nil
    }

    static func body(_ error: OAuthError, traceID: String) -> JSONObject {
        var object: JSONObject = ["error": .string(error.code.rawValue), "error_description": .string(error.message)]
        if let reason = error.reason { object["reason"] = .string(reason) }
        object["trace_id"] = .string(traceID)
        return object
    }

    /// Runs `body`; an ``OAuthError`` becomes its RFC response, anything else a logged `server_error` that
    /// shows no internals.
    static func handling(
        _ context: some RequestContext, _ body: () async throws -> Response
    ) async -> Response {
        do {
            return try await body()
        } catch {
            if let refusal = refusal(for: error) {
                if refusal == .storageUnavailable {
                    context.logger.warning("database unavailable", metadata: ["error": "\(error)"])
                }
                return self.error(refusal, traceID: context.id)
            }
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return self.error(
                OAuthError(.serverError, "the server could not complete the request"), traceID: context.id)
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
