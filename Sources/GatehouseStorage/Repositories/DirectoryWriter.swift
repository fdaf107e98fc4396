import Foundation
import GatehouseCore
import SQLKit

/// Writes ``DirectoryChange``s as SQL, inside a transaction the caller owns and that holds the `directory_version`
/// row lock (so no other directory writer commits meanwhile, and every check here sees everything committed). An
/// update or delete names the entity's version it was computed from and is refused with
/// ``StorageError/conflict(_:)`` if the entity has moved on since; a name taken meanwhile is
/// ``StorageError/nameTaken(_:)``.
struct DirectoryWriter {
    let db: any SQLDatabase
    let now: Int64
    /// The directory version being written: every row written carries it as its own version.
    let version: Int64
    /// What the changes were computed from: an entity a delete's cascade would change must still be as it was
    /// there, or the admin's preview did not show what the delete takes with it.
    let base: Directory
    /// Entities the same batch creates: a reference to one is resolved at COMMIT (the batch may come in any order).
    let creates: Set<EntityRef>

    /// Writes `change`, computed from the entity at version `expected` (nil: a base that holds no version for it,
    /// such as an entity created earlier in the same batch), and returns every entity whose stored state it changed,
    /// cascades included, for the change log.
    func write(_ change: DirectoryChange, expected: Int64?) async throws -> Set<EntityRef> {
        let ref = change.ref
        var touched: Set<EntityRef> = [ref]
        if expected == nil, !change.isCreation, !creates.contains(ref) {
            // Without the version it was computed from, a change cannot be checked against what moved on since.
            throw StorageError.conflict(
                "\(change.subject) was changed from a read that did not include it; read it again and retry")
        }
        try await checkNameFree(change)
        try await checkReferencesExist(change)
        switch change {
        case .createProfile(let profile):
            try await db.raw(
                """
                INSERT INTO profiles (id, name, name_key, is_builtin, admin_permissions, login_ip_ranges, login_hours,
                require_second_factor, created_at, updated_at, version)
                VALUES (\(bind: profile.id.rawValue), \(bind: profile.name), \(bind: uniquenessKey(profile.name)),
                \(bind: profile.isBuiltIn), \(bind: encode(profile.adminPermissions)),
                \(bind: ListColumn.encode(profile.loginIPRanges.map(\.description))), \(bind: profile.loginHours?.stored),
                \(bind: profile.requireSecondFactor), \(bind: now), \(bind: now), \(bind: version))
                """
            ).run()
            try await replaceLinks(
                "profile_connected_apps", "profile_id", profile.id.rawValue, "app_id", profile.connectedApps)
        case .updateProfile(_, let profile):
            try await db.raw(
                """
                UPDATE profiles SET name = \(bind: profile.name), name_key = \(bind: uniquenessKey(profile.name)),
                admin_permissions = \(bind: encode(profile.adminPermissions)),
                login_ip_ranges = \(bind: ListColumn.encode(profile.loginIPRanges.map(\.description))),
                login_hours = \(bind: profile.loginHours?.stored),
                require_second_factor = \(bind: profile.requireSecondFactor), updated_at = \(bind: now),
                version = \(bind: version)
                WHERE id = \(bind: profile.id.rawValue) \(versionIs(expected)) RETURNING id
                """
            ).first().orConflict(change.subject)
            try await replaceLinks(
                "profile_connected_apps", "profile_id", profile.id.rawValue, "app_id", profile.connectedApps)
        case .deleteProfile(let profile):
            if try await db.raw("SELECT id FROM users WHERE profile_id = \(bind: profile.id.rawValue) LIMIT 1").first()
                != nil
            {
                throw StorageError.conflict(
                    "profile '\(profile.name)' was given to a user since this change was prepared; run it again")
            }
            try await delete(ref, expected: expected, subject: change.subject)
        case .createPermissionSet(let set):
            try await db.raw(
                """
                INSERT INTO permission_sets (id, name, name_key, admin_permissions, created_at, updated_at, version)
                VALUES (\(bind: set.id.rawValue), \(bind: set.name), \(bind: uniquenessKey(set.name)),
                \(bind: encode(set.adminPermissions)), \(bind: now), \(bind: now), \(bind: version))
                """
            ).run()
            try await replaceLinks(
                "permission_set_connected_apps", "permission_set_id", set.id.rawValue, "app_id", set.connectedApps)
        case .updatePermissionSet(_, let set):
            try await db.raw(
                """
                UPDATE permission_sets SET name = \(bind: set.name), name_key = \(bind: uniquenessKey(set.name)),
                admin_permissions = \(bind: encode(set.adminPermissions)), updated_at = \(bind: now), version = \(bind: version)
                WHERE id = \(bind: set.id.rawValue) \(versionIs(expected)) RETURNING id
                """
            ).first().orConflict(change.subject)
            try await replaceLinks(
                "permission_set_connected_apps", "permission_set_id", set.id.rawValue, "app_id", set.connectedApps)
        case .deletePermissionSet(let set):
            // Its holders lose it (ON DELETE CASCADE): their stored state changes too.
            touched.formUnion(
                try await cascade(
                    """
                    SELECT u.id, u.version FROM user_permission_sets l JOIN users u ON u.id = l.user_id
                    WHERE l.permission_set_id = \(bind: set.id.rawValue)
                    """, change
                ) { .user(UserID(rawValue: $0)) })
            try await delete(ref, expected: expected, subject: change.subject)
        case .createUser(let user):
            try await db.raw(
                """
                INSERT INTO users (id, username, username_key, email, display_name, is_active, password_hash, profile_id,
                created_at, updated_at, version)
                VALUES (\(bind: user.id.rawValue), \(bind: user.username), \(bind: uniquenessKey(user.username)),
                \(bind: user.email), \(bind: user.displayName), \(bind: user.isActive), \(bind: user.passwordHash),
                \(bind: user.profile.rawValue), \(bind: now), \(bind: now), \(bind: version))
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
                updated_at = \(bind: now), version = \(bind: version)
                WHERE id = \(bind: user.id.rawValue) \(versionIs(expected)) RETURNING id
                """
            ).first().orConflict(change.subject)
            try await replaceLinks(
                "user_permission_sets", "user_id", user.id.rawValue, "permission_set_id", user.permissionSets)
        case .deleteUser(let user):
            // Apps that ran as the user lose their run-as user (ON DELETE SET NULL).
            touched.formUnion(
                try await cascade(
                    "SELECT id, version FROM connected_apps WHERE run_as_user_id = \(bind: user.id.rawValue)", change
                ) { .app(ConnectedAppID(rawValue: $0)) })
            try await delete(ref, expected: expected, subject: change.subject)
        case .createApp(let app):
            try await db.raw(
                """
                INSERT INTO connected_apps (id, name, name_key, client_id, is_public, callback_urls, scopes, grant_types,
                permitted_users, refresh_token_policy, refresh_token_rotation, run_as_user_id, access_token_format,
                access_token_lifetime, id_token_lifetime, session_timeout, high_assurance, custom_attributes, requires_pkce,
                is_blocked, enforcement,
                ip_relaxation, trusted_ip_ranges, assertion_keys, tokens_not_before, introspect_all_tokens, is_builtin,
                created_at, updated_at, version)
                VALUES (\(bind: app.id.rawValue), \(bind: app.name), \(bind: uniquenessKey(app.name)), \(bind: app.clientID),
                \(bind: app.isPublic), \(bind: ListColumn.encode(app.callbackURLs)), \(bind: ListColumn.encode(app.scopes)),
                \(bind: ListColumn.encode(app.grantTypes.sorted().map(\.rawValue))), \(bind: app.permittedUsers.rawValue),
                \(bind: app.refreshTokenPolicy.description), \(bind: app.isRefreshTokenRotationEnabled),
                \(bind: app.runAsUser?.rawValue), \(bind: app.accessTokenFormat.rawValue),
                \(bind: app.accessTokenLifetime.seconds), \(bind: app.idTokenLifetime.seconds),
                \(bind: app.sessionTimeout?.seconds), \(bind: app.highAssurance.rawValue),
                \(bind: CustomAttributeColumn.encode(app.customAttributes)), \(bind: app.requiresPKCE),
                \(bind: app.isBlocked), \(bind: app.enforcement.rawValue), \(bind: app.ipRelaxation.rawValue),
                \(bind: ListColumn.encode(app.trustedIPRanges.map(\.description))),
                \(bind: ListColumn.encode(app.assertionKeys)),
                \(bind: app.tokensNotBefore.map(Timestamp.milliseconds)), \(bind: app.introspectsAllTokens),
                \(bind: app.isBuiltIn), \(bind: now), \(bind: now), \(bind: version))
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
                id_token_lifetime = \(bind: app.idTokenLifetime.seconds), session_timeout = \(bind: app.sessionTimeout?.seconds),
                high_assurance = \(bind: app.highAssurance.rawValue),
                custom_attributes = \(bind: CustomAttributeColumn.encode(app.customAttributes)),
                requires_pkce = \(bind: app.requiresPKCE),
                is_blocked = \(bind: app.isBlocked), enforcement = \(bind: app.enforcement.rawValue),
                ip_relaxation = \(bind: app.ipRelaxation.rawValue),
                trusted_ip_ranges = \(bind: ListColumn.encode(app.trustedIPRanges.map(\.description))),
                assertion_keys = \(bind: ListColumn.encode(app.assertionKeys)),
                tokens_not_before = \(bind: app.tokensNotBefore.map(Timestamp.milliseconds)),
                introspect_all_tokens = \(bind: app.introspectsAllTokens), updated_at = \(bind: now), version = \(bind: version)
                WHERE id = \(bind: app.id.rawValue) \(versionIs(expected)) RETURNING id
                """
            ).first().orConflict(change.subject)
            try await replaceSecrets(of: app)
        case .deleteApp(let app):
            // Profiles and permission sets that granted it lose it (ON DELETE CASCADE).
            touched.formUnion(
                try await cascade(
                    """
                    SELECT p.id, p.version FROM profile_connected_apps l JOIN profiles p ON p.id = l.profile_id
                    WHERE l.app_id = \(bind: app.id.rawValue)
                    """, change
                ) { .profile(ProfileID(rawValue: $0)) })
            touched.formUnion(
                try await cascade(
                    """
                    SELECT s.id, s.version FROM permission_set_connected_apps l
                    JOIN permission_sets s ON s.id = l.permission_set_id WHERE l.app_id = \(bind: app.id.rawValue)
                    """, change
                ) { .permissionSet(PermissionSetID(rawValue: $0)) })
            try await delete(ref, expected: expected, subject: change.subject)
        }
        return touched
    }

    /// `AND version = expected`, or nothing when there is no expectation.
    private func versionIs(_ expected: Int64?) -> SQLQueryString {
        expected.map { "AND version = \(bind: $0)" } ?? ""
    }

    private func delete(_ ref: EntityRef, expected: Int64?, subject: String) async throws {
        try await db.raw(
            """
            DELETE FROM \(unsafeRaw: DirectoryLog.table(ref.kind)) WHERE id = \(bind: ref.id) \(versionIs(expected))
            RETURNING id
            """
        ).first().orConflict(subject)
    }

    /// Creates users in bulk, with the checks ``write(_:expected:)`` makes for each: no username taken meanwhile, and
    /// every profile and permission set they refer to still there (or created in the same batch). A few statements
    /// per hundred users instead of ten per user: what loading a large directory or a provisioning burst costs.
    func createUsers(_ users: [User]) async throws -> Set<EntityRef> {
        guard !users.isEmpty else { return [] }
        var byKey: [String: User] = [:]
        for user in users {
            guard byKey.updateValue(user, forKey: uniquenessKey(user.username)) == nil else {
                throw StorageError.nameTaken("the change creates two users named '\(user.username)'")
            }
        }
        for chunk in Self.chunks(byKey.keys.sorted()) {
            if let row = try await db.raw(
                "SELECT username_key FROM users WHERE username_key IN (\(Self.list(chunk))) LIMIT 1"
            ).first(), let user = byKey[try row.value("username_key", as: String.self)] {
                throw StorageError.nameTaken(
                    "a user named '\(user.username)' was created by someone else since this change was prepared"
                )
            }
        }
        let references = Set(users.flatMap { [.profile($0.profile)] + $0.permissionSets.map { .permissionSet($0) } })
            .subtracting(creates)
        for kind in [EntityKind.profile, .permissionSet] {
            let wanted = references.filter { $0.kind == kind }.map(\.id).sorted()
            var found: Set<String> = []
            for chunk in Self.chunks(wanted) {
                for row in try await db.raw(
                    "SELECT id FROM \(unsafeRaw: DirectoryLog.table(kind)) WHERE id IN (\(Self.list(chunk)))"
                ).all() {
                    found.insert(try row.value("id"))
                }
            }
            if let missing = wanted.first(where: { !found.contains($0) }),
                let user = users.first(where: {
                    $0.profile.rawValue == missing || $0.permissionSets.contains(PermissionSetID(rawValue: missing))
                })
            {
                throw StorageError.conflict(
                    "user '\(user.username)' refers to a \(kind.rawValue) that was deleted since this change was prepared; run it again"
                )
            }
        }
        try await BulkInsert.insert(
            into: "users",
            columns: [
                "id", "username", "username_key", "email", "display_name", "is_active", "password_hash", "profile_id",
                "created_at", "updated_at", "version",
            ],
            rows: users.map { user in
                [
                    user.id.rawValue, user.username, uniquenessKey(user.username), user.email, user.displayName,
                    user.isActive, user.passwordHash, user.profile.rawValue, now, now, version,
                ]
            }, in: db)
        try await BulkInsert.insert(
            into: "user_permission_sets", columns: ["user_id", "permission_set_id"],
            rows: users.flatMap { user in user.permissionSets.sorted().map { [user.id.rawValue, $0.rawValue] } },
            in: db)
        return Set(users.map { .user($0.id) })
    }

    private static func chunks(_ values: [String]) -> [[String]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min($0 + 500, values.count)]) }
    }

    private static func list(_ values: [String]) -> SQLQueryString {
        var query: SQLQueryString = ""
        for (index, value) in values.enumerated() { query = index == 0 ? "\(bind: value)" : "\(query), \(bind: value)" }
        return query
    }

    /// The entities a delete's cascade changes, each still at the version `base` holds: one changed since (a user given
    /// the permission set being deleted, a profile granted the app) is a conflict, since the admin's preview of the
    /// delete did not show it.
    private func cascade(_ query: SQLQueryString, _ change: DirectoryChange, _ ref: (String) -> EntityRef)
        async throws -> [EntityRef]
    {
        try await db.raw(query).all().map { row in
            let victim = ref(try row.value("id"))
            // Unchanged since the read: at the version read, or — for one the read did not hold (a permission set's
            // holders, a user's run-as apps: the read names only what the change is about) — written no later than
            // the directory version the read saw.
            let version = try row.value("version", as: Int64.self)
            guard base.version(of: victim).map({ $0 == version }) ?? (version <= base.version) else {
                throw StorageError.conflict(
                    "\(victim.kind.rawValue) \(victim.id), which deleting \(change.subject) would change, was changed since this change was prepared; run it again"
                )
            }
            return victim
        }
    }

    /// What the change refers to must still exist: a profile, permission set, app or run-as user deleted since the
    /// change was prepared is a conflict, not a foreign-key failure at COMMIT.
    private func checkReferencesExist(_ change: DirectoryChange) async throws {
        var references: [EntityRef] = []
        switch change {
        case .createUser(let user), .updateUser(_, let user):
            references = [.profile(user.profile)] + user.permissionSets.sorted().map { .permissionSet($0) }
        case .createProfile(let profile), .updateProfile(_, let profile):
            references = profile.connectedApps.sorted().map { .app($0) }
        case .createPermissionSet(let set), .updatePermissionSet(_, let set):
            references = set.connectedApps.sorted().map { .app($0) }
        case .createApp(let app), .updateApp(_, let app):
            references = app.runAsUser.map { [.user($0)] } ?? []
        case .deleteProfile, .deletePermissionSet, .deleteUser, .deleteApp:
            return
        }
        for reference in references where !creates.contains(reference) {
            let found = try await db.raw(
                "SELECT id FROM \(unsafeRaw: DirectoryLog.table(reference.kind)) WHERE id = \(bind: reference.id)"
            ).first()
            if found == nil {
                throw StorageError.conflict(
                    "\(change.subject) refers to a \(reference.kind.rawValue) that was deleted since this change was prepared; run it again"
                )
            }
        }
    }

    /// A name (or client id) another writer took since the change was prepared: refused as a conflict, before the
    /// database's unique index would refuse it less clearly.
    private func checkNameFree(_ change: DirectoryChange) async throws {
        let (table, column, value, label): (String, String, String, String)
        var clientID: String?
        switch change {
        case .createProfile(let p), .updateProfile(_, let p):
            (table, column, value, label) = (
                "profiles", "name_key", uniquenessKey(p.name), "a profile named '\(p.name)'"
            )
        case .createPermissionSet(let s), .updatePermissionSet(_, let s):
            (table, column, value, label) = (
                "permission_sets", "name_key", uniquenessKey(s.name), "a permission set named '\(s.name)'"
            )
        case .createUser(let u), .updateUser(_, let u):
            (table, column, value, label) = (
                "users", "username_key", uniquenessKey(u.username), "a user named '\(u.username)'"
            )
        case .createApp(let a), .updateApp(_, let a):
            (table, column, value, label) = (
                "connected_apps", "name_key", uniquenessKey(a.name), "an app named '\(a.name)'"
            )
            clientID = a.clientID
        case .deleteProfile, .deletePermissionSet, .deleteUser, .deleteApp:
            return
        }
        let id = change.ref.id
        var taken: String? =
            try await db.raw(
                "SELECT id FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) = \(bind: value) AND id <> \(bind: id)"
            ).first() != nil ? label : nil
        if taken == nil, let clientID,
            try await db.raw(
                "SELECT id FROM connected_apps WHERE client_id = \(bind: clientID) AND id <> \(bind: id)"
            ).first() != nil
        {
            taken = "an app with client id '\(clientID)'"
        }
        if let taken {
            throw StorageError.nameTaken("\(taken) was created by someone else since this change was prepared")
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

extension Optional where Wrapped == any SQLRow {
    /// No row back from a versioned write: the entity moved on (or went) since the change was prepared.
    fileprivate func orConflict(_ subject: String) throws {
        guard self == nil else { return }
        throw StorageError.conflict(
            "\(subject) was changed by someone else since this change was prepared; run it again")
    }
}
