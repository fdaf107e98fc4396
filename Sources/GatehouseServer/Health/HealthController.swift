import Foundation
import GatehouseCore
import GatehouseStorage
import Hummingbird

/// `GET /healthz` (the process is up) and `GET /readyz` (the database answers; the in-memory directory version).
struct HealthController: Sendable {
    let store: GatehouseStore
    let live: LiveDirectory

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("healthz") { _, _ in
            jsonResponse(.ok, ["status": "ok"])
        }
        router.get("readyz") { _, _ in
            do {
                _ = try await store.directoryVersion()
                let directory = live.current
                return jsonResponse(
                    .ok,
                    [
                        "status": "ready", "database": store.kind.rawValue,
                        "directoryVersion": String(directory.version),
                    ])
            } catch {
                return jsonResponse(.serviceUnavailable, ["status": "unavailable", "reason": "database unreachable"])
            }
        }
    }
}

/// A JSON response from a string dictionary, with `Cache-Control: no-store`.
func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = (try? encoder.encode(body)) ?? Data("{}".utf8)
    return Response(
        status: status,
        headers: [.contentType: "application/json", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
