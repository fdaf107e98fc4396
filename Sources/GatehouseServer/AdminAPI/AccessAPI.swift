import Foundation
import GatehouseAdmin
import GatehouseCore
import Hummingbird

/// `/access/explain` (the access decision for a user and an app now, every check, the fixes) and `/approvals`.
struct AccessAPI: Sendable {
    let api: AdminAPI

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        routes.on(.get, "access/explain", query: ["user", "app"]) { request in
            guard let user = request.query["user"], let app = request.query["app"] else {
                throw APIProblem.badRequest(
                    "name the user (username or id) and the app (name, client id or id): ?user=…&app=…",
                    path: request.query["user"] == nil ? "user" : "app")
            }
            return try request.json(ExplanationView(try await request.admin.explain(user: user, app: app)))
        }
        routes.on(.get, "approvals", query: ["user", "app", "limit", "cursor"]) { request in
            let (after, limit) = try request.paging()
            return try request.page(
                try await request.admin.approvals(
                    user: request.query["user"], app: request.query["app"], after: after, limit: limit))
        }
    }
}
