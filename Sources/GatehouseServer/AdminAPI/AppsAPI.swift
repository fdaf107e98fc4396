import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import Hummingbird

/// `/apps`: list (by name, client id), read, register (its secret returned once), change its policies (JSON merge
/// patch: permitted users, blocked, refresh policy, …), delete; rotate and retire secrets; its grants.
struct AppsAPI: Sendable {
    let api: AdminAPI

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        routes.on(.get, "apps", query: ["limit", "cursor", "name", "clientId"]) { request in
            let (after, limit) = try request.paging()
            let query = AppQuery(name: request.query["name"], clientID: request.query["clientId"])
            return try request.page(try await request.admin.apps(query, after: after, limit: limit))
        }
        routes.on(.post, "apps", query: ["dryRun"]) { request in
            try request.mayChange(.manageConnectedApps)
            let spec = try ConfigReader.app(json: try await request.jsonBody())
            let created = try await request.admin.createApp(spec)
            let id = created.change.changes.first?.ref.id ?? ""
            return try await request.change(
                created.change, item: { after, version in Self.item(ConnectedAppID(rawValue: id), after, version) },
                location: "\(AdminAPI.base)/apps/\(id)", secret: (created.clientID, created.secret))
        }
        routes.on(.get, "apps/{id}") { request in
            try request.entity(try await request.admin.app(id: ConnectedAppID(rawValue: request.parameter("id"))))
        }
        routes.on(.patch, "apps/{id}", query: ["dryRun"]) { request in
            try request.mayChange(.manageConnectedApps)
            let id = ConnectedAppID(rawValue: request.parameter("id"))
            let condition = try request.ifMatch()
            let spec = try ConfigReader.app(json: try await request.jsonBody(), patch: true)
            let prepared = try await request.admin.editApp(id, spec, from: condition)
            return try await request.change(prepared) { after, version in Self.item(id, after, version) }
        }
        routes.on(.delete, "apps/{id}", query: ["dryRun"]) { request in
            try request.mayChange(.manageConnectedApps)
            let prepared = try await request.admin.deleteApp(
                ConnectedAppID(rawValue: request.parameter("id")), from: try request.ifMatch())
            return try await request.change(prepared) { _, _ -> Versioned<AppView>? in nil }
        }
        routes.on(.post, "apps/{id}/secrets", query: ["dryRun"]) { request in
            try request.mayChange(.manageConnectedApps)
            let id = ConnectedAppID(rawValue: request.parameter("id"))
            let rotated = try await request.admin.rotateSecret(id, from: try request.ifMatch())
            return try await request.change(
                rotated.change, item: { after, version in Self.item(id, after, version) },
                secret: (rotated.clientID, rotated.secret))
        }
        routes.on(.delete, "apps/{id}/secrets/{secretId}", query: ["dryRun"]) { request in
            try request.mayChange(.manageConnectedApps)
            let id = ConnectedAppID(rawValue: request.parameter("id"))
            let prepared = try await request.admin.retireSecret(
                ClientSecretID(rawValue: request.parameter("secretId")), of: id, from: try request.ifMatch())
            return try await request.change(prepared) { after, version in Self.item(id, after, version) }
        }
        routes.on(.get, "apps/{id}/grants", query: ["limit", "cursor", "user"]) { request in
            let (after, limit) = try request.paging()
            return try request.page(
                try await request.admin.grants(
                    app: ConnectedAppID(rawValue: request.parameter("id")),
                    user: request.query["user"].map(UserID.init), after: after, limit: limit))
        }
        routes.on(.delete, "apps/{id}/grants", query: ["user", "dryRun"]) { request in
            let dryRun = try request.isDryRun
            let revoked = try await request.admin.revokeGrants(
                ofApp: ConnectedAppID(rawValue: request.parameter("id")), user: request.query["user"].map(UserID.init),
                dryRun: dryRun)
            if !dryRun { await api.catchUp() }
            return try request.json(RevokedBody(dryRun: dryRun, revoked: revoked))
        }
    }

    static func item(_ id: ConnectedAppID, _ after: Directory, _ version: Int64?) -> Versioned<AppView>? {
        guard let app = after.apps[id] else { return nil }
        return Versioned(
            id: id.rawValue, version: version ?? after.version(of: .app(id)) ?? 0, view: AppView(app, in: after))
    }
}
