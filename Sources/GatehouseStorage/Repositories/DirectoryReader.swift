import Foundation
import GatehouseCore
import SQLKit

/// Reads the whole directory in a fixed number of queries (one per table), whatever its size.
enum DirectoryReader {
    static func load(_ db: any SQLDatabase) async throws -> Directory {
        let version = try await currentVersion(db)
        let profileApps = try await links(db, "SELECT profile_id AS owner, app_id AS item FROM profile_connected_apps")
        let setApps = try await links(
            db, "SELECT permission_set_id AS owner, app_id AS item FROM permission_set_connected_apps")
        let userSets = try await links(
            db, "SELECT user_id AS owner, permission_set_id AS item FROM user_permission_sets")
        var secrets: [String: [ClientSecret]] = [:]
        for row in try await db.raw("SELECT id, app_id, secret_hash, created_at FROM client_secrets").all() {
            let secret = ClientSecret(
                id: ClientSecretID(rawValue: try row.value("id")), hash: try row.value("secret_hash"),
                createdAt: try row.date("created_at"))
            secrets[try row.value("app_id", as: String.self), default: []].append(secret)
        }

        let profiles = try await db.raw("SELECT id, name, is_builtin, admin_permissions FROM profiles").all().map {
            row in
            let id: String = try row.value("id")
            return Profile(
                id: ProfileID(rawValue: id), name: try row.value("name"), isBuiltIn: try row.value("is_builtin"),
                adminPermissions: try permissions(row),
                connectedApps: Set(profileApps[id, default: []].map(ConnectedAppID.init)))
        }
        let permissionSets = try await db.raw("SELECT id, name, admin_permissions FROM permission_sets").all().map {
            row in
            let id: String = try row.value("id")
            return PermissionSet(
                id: PermissionSetID(rawValue: id), name: try row.value("name"), adminPermissions: try permissions(row),
                connectedApps: Set(setApps[id, default: []].map(ConnectedAppID.init)))
        }
        let users = try await db.raw(
            "SELECT id, username, email, display_name, is_active, password_hash, profile_id FROM users"
        ).all().map { row in
            let id: String = try row.value("id")
            return User(
                id: UserID(rawValue: id), username: try row.value("username"), email: try row.value("email"),
                displayName: try row.value("display_name"), isActive: try row.value("is_active"),
                passwordHash: try row.value("password_hash", as: String?.self),
                profile: ProfileID(rawValue: try row.value("profile_id")),
                permissionSets: Set(userSets[id, default: []].map(PermissionSetID.init)))
        }
        let apps = try await db.raw("SELECT * FROM connected_apps").all().map { row in
            try app(row, secrets: secrets[try row.value("id", as: String.self), default: []])
        }
        return Directory(
            users: users, profiles: profiles, permissionSets: permissionSets, apps: apps, version: version)
    }

    static func currentVersion(_ db: any SQLDatabase) async throws -> Int64 {
        guard let row = try await db.raw("SELECT version FROM directory_version WHERE id = 1").first() else {
            throw StorageError.notFound("the directory_version row is missing: the schema was not migrated")
        }
        return try row.value("version")
    }

    private static func links(_ db: any SQLDatabase, _ query: String) async throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for row in try await db.raw(SQLQueryString(query)).all() {
            result[try row.value("owner", as: String.self), default: []].append(try row.value("item"))
        }
        return result
    }

    private static func permissions(_ row: any SQLRow) throws -> Set<AdminPermission> {
        Set(try row.list("admin_permissions").map { try storedEnum($0, column: "admin_permissions") })
    }

    private static func app(_ row: any SQLRow, secrets: [ClientSecret]) throws -> ConnectedApp {
        let policyText: String = try row.value("refresh_token_policy")
        guard let refreshTokenPolicy = RefreshTokenPolicy(parsing: policyText) else {
            throw UnknownStoredValue(column: "refresh_token_policy", value: policyText)
        }
        return ConnectedApp(
            id: ConnectedAppID(rawValue: try row.value("id")), name: try row.value("name"),
            clientID: try row.value("client_id"), secrets: secrets.sorted { $0.createdAt < $1.createdAt },
            isPublic: try row.value("is_public"), callbackURLs: try row.list("callback_urls"),
            scopes: try row.list("scopes"),
            grantTypes: Set(try row.list("grant_types").map { try storedEnum($0, column: "grant_types") }),
            permittedUsers: try storedEnum(try row.value("permitted_users"), column: "permitted_users"),
            refreshTokenPolicy: refreshTokenPolicy,
            isRefreshTokenRotationEnabled: try row.value("refresh_token_rotation"),
            runAsUser: try row.value("run_as_user_id", as: String?.self).map(UserID.init),
            accessTokenFormat: try storedEnum(try row.value("access_token_format"), column: "access_token_format"),
            accessTokenLifetime: PolicyDuration(seconds: try row.value("access_token_lifetime")),
            idTokenLifetime: PolicyDuration(seconds: try row.value("id_token_lifetime")),
            requiresPKCE: try row.value("requires_pkce"), isBlocked: try row.value("is_blocked"),
            enforcement: try storedEnum(try row.value("enforcement"), column: "enforcement"),
            assertionKeys: try row.list("assertion_keys"),
            tokensNotBefore: try row.value("tokens_not_before", as: Int64?.self).map(Timestamp.date),
            introspectsAllTokens: try row.value("introspect_all_tokens"))
    }
}
