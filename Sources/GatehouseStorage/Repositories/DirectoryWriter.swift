import Foundation
import GatehouseCore
import SQLKit

/// Writes ``DirectoryChange``s as SQL, inside a transaction the caller owns. The caller has checked that the
/// directory version is the one the changes were computed from, so every row an update names exists.
struct DirectoryWriter {
    let db: any SQLDatabase
    let now: Int64

    func write(_ change: DirectoryChange) async throws {
        switch change {
        case .createProfile(let profile):
            try await db.raw(
                """
                INSERT INTO profiles (id, name, name_key, is_builtin, admin_permissions, created_at, updated_at)
                VALUES (\(bind: profile.id.rawValue), \(bind: profile.name), \(bind: uniquenessKey(profile.name)),
                \(bind: profile.isBuiltIn), \(bind: encode(profile.adminPermissions)), \(bind: now), \(bind: now))
                """
            ).run()
            try await replaceLinks(
                "profile_connected_apps", "profile_id", profile.id.rawValue, "app_id", profile.connectedApps)
        case .updateProfile(_, let profile):
            try await db.raw(
                """
                UPDATE profiles SET name = \(bind: profile.name), name_key = \(bind: uniquenessKey(profile.name)),
                admin_permissions = \(bind: encode(profile.adminPermissions)), updated_at = \(bind: now)
                WHERE id = \(bind: profile.id.rawValue)
                """
            ).run()
            try await replaceLinks(
                "profile_connected_apps", "profile_id", profile.id.rawValue, "app_id", profile.connectedApps)
        case .deleteProfile(let profile):
            try await db.raw("DELETE FROM profiles WHERE id = \(bind: profile.id.rawValue)").run()
        case .createPermissionSet(let set):
            try await db.raw(
                """
                INSERT INTO permission_sets (id, name, name_key, admin_permissions, created_at, updated_at)
                VALUES (\(bind: set.id.rawValue), \(bind: set.name), \(bind: uniquenessKey(set.name)),
                \(bind: encode(set.adminPermissions)), \(bind: now), \(bind: now))
                """
            ).run()
            try await replaceLinks(
                "permission_set_connected_apps", "permission_set_id", set.id.rawValue, "app_id", set.connectedApps)
        case .updatePermissionSet(_, let set):
            try await db.raw(
                """
                UPDATE permission_sets SET name = \(bind: set.name), name_key = \(bind: uniquenessKey(set.name)),
                admin_permissions = \(bind: encode(set.adminPermissions)), updated_at = \(bind: now)
                WHERE id = \(bind: set.id.rawValue)
                """
            ).run()
            try await replaceLinks(
                "permission_set_connected_apps", "permission_set_id", set.id.rawValue, "app_id", set.connectedApps)
        case .deletePermissionSet(let set):
            try await db.raw("DELETE FROM permission_sets WHERE id = \(bind: set.id.rawValue)").run()
        case .createUser(let user):
            try await db.raw(
                """
                INSERT INTO users (id, username, username_key, email, display_name, is_active, password_hash, profile_id,
                created_at, updated_at)
                VALUES (\(bind: user.id.rawValue), \(bind: user.username), \(bind: uniquenessKey(user.username)),
                \(bind: user.email), \(bind: user.displayName), \(bind: user.isActive), \(bind: user.passwordHash),
                \(bind: user.profile.rawValue), \(bind: now), \(bind: now))
                """
            ).run()
            try await replaceLinks(
                "user_permission_sets", "user_id", user.id.rawValue, "permission_set_id", user.permissionSets)
        case .updateUser(let before, let user):
            if user.endsSessions(comparedTo: before) {
                // In the same transaction, so every node's next look-up of a session finds it gone: a reactivation
                // later revives nothing.
                try await db.raw("DELETE FROM browser_sessions WHERE user_id = \(bind: user.id.rawValue)").run()
            }
            try await db.raw(
                """
                UPDATE users SET username = \(bind: user.username), username_key = \(bind: uniquenessKey(user.username)),
                email = \(bind: user.email), display_name = \(bind: user.displayName), is_active = \(bind: user.isActive),
                password_hash = \(bind: user.passwordHash), profile_id = \(bind: user.profile.rawValue),
                updated_at = \(bind: now)
                WHERE id = \(bind: user.id.rawValue)
                """
            ).run()
            try await replaceLinks(
                "user_permission_sets", "user_id", user.id.rawValue, "permission_set_id", user.permissionSets)
        case .deleteUser(let user):
            try await db.raw("DELETE FROM users WHERE id = \(bind: user.id.rawValue)").run()
        case .createApp(let app):
            try await db.raw(
                """
                INSERT INTO connected_apps (id, name, name_key, client_id, is_public, callback_urls, scopes, grant_types,
                permitted_users, refresh_token_policy, refresh_token_rotation, run_as_user_id, access_token_format,
                access_token_lifetime, id_token_lifetime, requires_pkce, is_blocked, enforcement, assertion_keys,
                tokens_not_before, introspect_all_tokens, created_at, updated_at)
                VALUES (\(bind: app.id.rawValue), \(bind: app.name), \(bind: uniquenessKey(app.name)), \(bind: app.clientID),
                \(bind: app.isPublic), \(bind: ListColumn.encode(app.callbackURLs)), \(bind: ListColumn.encode(app.scopes)),
                \(bind: ListColumn.encode(app.grantTypes.sorted().map(\.rawValue))), \(bind: app.permittedUsers.rawValue),
                \(bind: app.refreshTokenPolicy.description), \(bind: app.isRefreshTokenRotationEnabled),
                \(bind: app.runAsUser?.rawValue), \(bind: app.accessTokenFormat.rawValue),
                \(bind: app.accessTokenLifetime.seconds), \(bind: app.idTokenLifetime.seconds), \(bind: app.requiresPKCE),
                \(bind: app.isBlocked), \(bind: app.enforcement.rawValue), \(bind: ListColumn.encode(app.assertionKeys)),
                \(bind: app.tokensNotBefore.map(Timestamp.milliseconds)), \(bind: app.introspectsAllTokens), \(bind: now),
                \(bind: now))
                """
            ).run()
            try await replaceSecrets(of: app)
        case .updateApp(_, let app):
            try await db.raw(
                """
                UPDATE connected_apps SET name = \(bind: app.name), name_key = \(bind: uniquenessKey(app.name)),
                client_id = \(bind: app.clientID), is_public = \(bind: app.isPublic),
                callback_urls = \(bind: ListColumn.encode(app.callbackURLs)), scopes = \(bind: ListColumn.encode(app.scopes)),
                grant_types = \(bind: ListColumn.encode(app.grantTypes.sorted().map(\.rawValue))),
                permitted_users = \(bind: app.permittedUsers.rawValue),
                refresh_token_policy = \(bind: app.refreshTokenPolicy.description),
                refresh_token_rotation = \(bind: app.isRefreshTokenRotationEnabled),
                run_as_user_id = \(bind: app.runAsUser?.rawValue), access_token_format = \(bind: app.accessTokenFormat.rawValue),
                access_token_lifetime = \(bind: app.accessTokenLifetime.seconds),
                id_token_lifetime = \(bind: app.idTokenLifetime.seconds), requires_pkce = \(bind: app.requiresPKCE),
                is_blocked = \(bind: app.isBlocked), enforcement = \(bind: app.enforcement.rawValue),
                assertion_keys = \(bind: ListColumn.encode(app.assertionKeys)),
                tokens_not_before = \(bind: app.tokensNotBefore.map(Timestamp.milliseconds)),
                introspect_all_tokens = \(bind: app.introspectsAllTokens), updated_at = \(bind: now)
                WHERE id = \(bind: app.id.rawValue)
                """
            ).run()
            try await replaceSecrets(of: app)
        case .deleteApp(let app):
            try await db.raw("DELETE FROM connected_apps WHERE id = \(bind: app.id.rawValue)").run()
        }
    }

    private func encode(_ permissions: Set<AdminPermission>) -> String {
        ListColumn.encode(permissions.sorted().map(\.rawValue))
    }

    private func replaceLinks<Item: EntityIdentifier>(
        _ table: String, _ ownerColumn: String, _ owner: String, _ itemColumn: String, _ items: Set<Item>
    ) async throws {
        try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE \(unsafeRaw: ownerColumn) = \(bind: owner)").run()
        for item in items.sorted() {
            try await db.raw(
                "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: ownerColumn), \(unsafeRaw: itemColumn)) VALUES (\(bind: owner), \(bind: item.rawValue))"
            ).run()
        }
    }

    private func replaceSecrets(of app: ConnectedApp) async throws {
        try await db.raw("DELETE FROM client_secrets WHERE app_id = \(bind: app.id.rawValue)").run()
        for secret in app.secrets {
            try await db.raw(
                """
                INSERT INTO client_secrets (id, app_id, secret_hash, created_at)
                VALUES (\(bind: secret.id.rawValue), \(bind: app.id.rawValue), \(bind: secret.hash),
                \(bind: Timestamp.milliseconds(secret.createdAt)))
                """
            ).run()
        }
    }
}
