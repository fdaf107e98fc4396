import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import Hummingbird

/// `/users`: list (by username, profile, permission set, active), read, create, change (JSON merge patch), delete,
/// unlock, and the user's grants.
struct UsersAPI: Sendable {
    let api: AdminAPI

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        routes.on(.get, "users", query: ["limit", "cursor", "username", "profile", "permissionSet", "active"]) {
            request in
            let (after, limit) = try request.paging()
            let query = UserQuery(
                username: request.query["username"], profile: request.query["profile"],
                permissionSet: request.query["permissionSet"], isActive: try request.flag("active"))
            return try request.page(try await request.admin.users(query, after: after, limit: limit))
        }
        routes.on(.post, "users", query: ["dryRun"]) { request in
            try request.mayChange(.manageUsers)
            let spec = try ConfigReader.user(json: try await request.jsonBody())
            let prepared = try await request.admin.createUser(spec)
            let id = prepared.changes.first?.ref.id ?? ""
            return try await request.change(
                prepared, item: { after, version in Self.item(UserID(rawValue: id), after, version) },
                location: "\(AdminAPI.base)/users/\(id)")
        }
        routes.on(.get, "users/{id}") { request in
            try request.entity(try await request.admin.user(id: UserID(rawValue: request.parameter("id"))))
        }
        routes.on(.patch, "users/{id}", query: ["dryRun"]) { request in
            try request.mayChange(.manageUsers)
            let id = UserID(rawValue: request.parameter("id"))
            let condition = try request.ifMatch()
            let spec = try ConfigReader.user(json: try await request.jsonBody(), patch: true)
            let prepared = try await request.admin.editUser(id, spec, from: condition)
            return try await request.change(prepared) { after, version in Self.item(id, after, version) }
        }
        routes.on(.delete, "users/{id}", query: ["dryRun"]) { request in
            try request.mayChange(.manageUsers)
            let prepared = try await request.admin.deleteUser(
                UserID(rawValue: request.parameter("id")), from: try request.ifMatch())
            return try await request.change(prepared) { _, _ -> Versioned<UserView>? in nil }
        }
        routes.on(.post, "users/{id}/unlock") { request in
            let (user, cleared) = try await request.admin.unlock(UserID(rawValue: request.parameter("id")))
            return try request.json(UnlockBody(user: user.username, failedSignInsCleared: cleared))
        }
        routes.on(.post, "users/{id}/second-factors/reset") { request in
            let (user, removed) = try await request.admin.resetSecondFactors(UserID(rawValue: request.parameter("id")))
            return try request.json(SecondFactorsResetBody(user: user.username, secondFactorsRemoved: removed))
        }
        routes.on(.get, "users/{id}/grants", query: ["limit", "cursor"]) { request in
            let (after, limit) = try request.paging()
            return try request.page(
                try await request.admin.grants(
                    app: nil, user: UserID(rawValue: request.parameter("id")), after: after, limit: limit))
        }
        routes.on(.delete, "users/{id}/grants", query: ["dryRun"]) { request in
            let dryRun = try request.isDryRun
            let revoked = try await request.admin.revokeGrants(
                ofUser: UserID(rawValue: request.parameter("id")), dryRun: dryRun)
            if !dryRun { await api.catchUp() }
            return try request.json(RevokedBody(dryRun: dryRun, revoked: revoked))
        }
    }

    /// The user as a change leaves them, at the version it was stored under (nil: as read, unchanged).
    static func item(_ id: UserID, _ after: Directory, _ version: Int64?) -> Versioned<UserView>? {
        guard let user = after.users[id] else { return nil }
        return Versioned(
            id: id.rawValue, version: version ?? after.version(of: .user(id)) ?? 0, view: UserView(user, in: after))
    }
}

struct UnlockBody: Encodable {
    var user: String
    var failedSignInsCleared: Int
}

struct SecondFactorsResetBody: Codable {
    var user: String
    var secondFactorsRemoved: Int
}

/// What revoking grants ended, or in a dry run would end.
struct RevokedBody: Encodable {
    var dryRun: Bool
    var revoked: Int
}
