import Foundation
import GatehouseAdmin
import GatehouseCore
import Hummingbird

/// `/access/explain` (the access decision for a user and an app now, every check, the fixes) and `/approvals`.
struct AccessAPI: Sendable {
    let api: AdminAPI

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        routes.on(.get, "access/explain", query: ["user", "app", "flow", "ip", "at"]) { request in
            guard let user = request.query["user"], let app = request.query["app"] else {
                throw APIProblem.badRequest(
                    "name the user (username or id) and the app (name, client id or id): ?user=…&app=…",
                    path: request.query["user"] == nil ? "user" : "app")
            }
            var flow = AccessFlow.authorize
            if let text = request.query["flow"] {
                guard let named = AccessFlow(rawValue: text) else {
                    throw APIProblem.badRequest(
                        "flow must be one of \(AccessFlow.allCases.map(\.rawValue).joined(separator: ", "))",
                        path: "flow")
                }
                flow = named
            }
            var time: Date?
            if let text = request.query["at"] {
                guard let parsed = AdminTime.instant(text) else {
                    throw APIProblem.badRequest("at must be an ISO 8601 time, such as 2027-01-12T09:30:00Z", path: "at")
                }
                time = parsed
            }
            if let ip = request.query["ip"], IPAddress(ip) == nil {
                throw APIProblem.badRequest("ip must be an IPv4 or IPv6 address", path: "ip")
            }
            return try request.json(
                ExplanationView(
                    try await request.admin.explain(
                        user: user, app: app, flow: flow, ip: request.query["ip"], at: time)))
        }
        routes.on(.get, "approvals", query: ["user", "app", "limit", "cursor"]) { request in
            let (after, limit) = try request.paging()
            return try request.page(
                try await request.admin.approvals(
                    user: request.query["user"], app: request.query["app"], after: after, limit: limit))
        }
    }
}
