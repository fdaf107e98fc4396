import Foundation
import GatehouseCore
import SQLKit

/// Reads the directory: whole, in a fixed number of queries (one per table) whatever its size, or just the entities a
/// change touched, by primary key.
enum DirectoryReader {
    /// The whole directory; with `usernames`, all of it but the users: only those named (that exist) and, unless
    /// `runAsUsers` is false, the apps' run-as users, by index (what a command about one user needs, whatever the user
    /// count). A server holds it with no users at all (ADR 8).
    static func load(_ db: any SQLDatabase, usernames: [String]? = nil, runAsUsers: Bool = true) async throws
        -> Directory
    {
        let version = try await currentVersion(db)
        var rows = try await entities(nil, db, userIDs: usernames == nil ? nil : [])
        if let usernames, !usernames.isEmpty || runAsUsers {
            var wanted = Set(rows.apps.compactMap(\.runAsUser?.rawValue))
            for chunk in chunks(usernames.map(uniquenessKey).sorted()) {
                guard let chunk else { continue }
                for row in try await db.raw("SELECT id FROM users WHERE username_key IN (\(list(chunk)))").all() {
                    wanted.insert(try row.value("id"))
                }
            }
            let users = try await entities(Set(wanted.map { .user(UserID(rawValue: $0)) }), db)
            rows.users = users.users
            rows.versions.merge(users.versions) { _, new in new }
        }
        return Directory(
            users: rows.users, profiles: rows.profiles, permissionSets: rows.permissionSets, apps: rows.apps,
            version: version, entityVersions: rows.versions)
    }

    /// What the directory holds of some entities, with their versions: every entity when `refs` is nil.
    struct Entities {
        var users: [User] = []
        var profiles: [Profile] = []
        var permissionSets: [PermissionSet] = []
        var apps: [ConnectedApp] = []
        var versions: [EntityRef: Int64] = [:]
    }

    /// `userIDs` narrows the users of a whole read (`refs` nil): an empty list reads none.
    static func entities(_ refs: Set<EntityRef>?, _ db: any SQLDatabase, userIDs: [String]? = nil) async throws
        -> Entities
    {
        func ids(_ kind: EntityKind) -> [String]? {
            if kind == .user, refs == nil, let userIDs { return userIDs }
            return refs.map { $0.filter { $0.kind == kind }.map(\.id).sorted() }
        }
        var result = Entities()
        // Each kind in chunks, so that a statement never binds more parameters than either database allows.
        for chunk in chunks(ids(.profile)) {
            let profileApps = try await links(
                db, "SELECT profile_id AS owner, app_id AS item FROM profile_connected_apps", "profile_id", chunk)
            for row in try await db.raw(
                """
                SELECT id, name, is_builtin, admin_permissions, login_ip_ranges, login_hours, require_second_factor, version \
                FROM profiles \
                \(whereID(chunk))
                """
            ).all() {
                let id: String = try row.value("id")
                result.profiles.append(
                    Profile(
                        id: ProfileID(rawValue: id), name: try row.value("name"),
                        isBuiltIn: try row.value("is_builtin"),
                        adminPermissions: try permissions(row),
                        connectedApps: Set(profileApps[id, default: []].map(ConnectedAppID.init)),
                        loginIPRanges: try ranges(row, "login_ip_ranges"), loginHours: try hours(row),
                        requireSecondFactor: try row.value("require_second_factor")))
                result.versions[.profile(ProfileID(rawValue: id))] = try row.value("version")
            }
        }
        for chunk in chunks(ids(.permissionSet)) {
            let setApps = try await links(
                db, "SELECT permission_set_id AS owner, app_id AS item FROM permission_set_connected_apps",
                "permission_set_id", chunk)
            for row in try await db.raw(
                "SELECT id, name, admin_permissions, version FROM permission_sets \(whereID(chunk))"
            ).all() {
                let id: String = try row.value("id")
                result.permissionSets.append(
                    PermissionSet(
                        id: PermissionSetID(rawValue: id), name: try row.value("name"),
                        adminPermissions: try permissions(row),
                        connectedApps: Set(setApps[id, default: []].map(ConnectedAppID.init))))
                result.versions[.permissionSet(PermissionSetID(rawValue: id))] = try row.value("version")
            }
        }
        for chunk in chunks(ids(.user)) {
            let userSets = try await links(
                db, "SELECT user_id AS owner, permission_set_id AS item FROM user_permission_sets", "user_id", chunk)
            for row in try await db.raw(
                """
                SELECT id, username, email, display_name, is_active, password_hash, profile_id, version FROM users
                \(whereID(chunk))
                """
            ).all() {
                let id: String = try row.value("id")
                result.users.append(try user(row, permissionSets: userSets[id, default: []]))
                result.versions[.user(UserID(rawValue: id))] = try row.value("version")
            }
        }
        for chunk in chunks(ids(.connectedApp)) {
            var secrets: [String: [ClientSecret]] = [:]
            let secretFilter: SQLQueryString = chunk.map { "WHERE app_id IN (\(list($0)))" } ?? ""
            for row in try await db.raw(
                "SELECT id, app_id, secret_hash, created_at FROM client_secrets \(secretFilter)"
            ).all() {
                let secret = ClientSecret(
                    id: ClientSecretID(rawValue: try row.value("id")), hash: try row.value("secret_hash"),
                    createdAt: try row.date("created_at"))
                secrets[try row.value("app_id", as: String.self), default: []].append(secret)
            }
            for row in try await db.raw("SELECT * FROM connected_apps \(whereID(chunk))").all() {
                let id: String = try row.value("id")
                result.apps.append(try app(row, secrets: secrets[id, default: []]))
                result.versions[.app(ConnectedAppID(rawValue: id))] = try row.value("version")
            }
        }
        return result
    }

    /// Which user a point read looks for: by primary key, or by the unique username key.
    enum UserKey {
        case id(UserID)
        case username(String)
    }

    /// One user and the version it was read at, by one indexed statement (its permission sets joined in, a row
    /// each): what a request costs for a user the cache does not hold.
    static func user(_ key: UserKey, _ db: any SQLDatabase) async throws -> (user: User, version: Int64)? {
        let condition: SQLQueryString =
            switch key {
            case .id(let id): "u.id = \(bind: id.rawValue)"
            case .username(let name): "u.username_key = \(bind: uniquenessKey(name))"
            }
        let rows = try await db.raw(
            """
            SELECT u.id, u.username, u.email, u.display_name, u.is_active, u.password_hash, u.profile_id, u.version,
            s.permission_set_id FROM users u LEFT JOIN user_permission_sets s ON s.user_id = u.id WHERE \(condition)
            """
        ).all()
        guard let row = rows.first else { return nil }
        let sets = try rows.compactMap { try $0.value("permission_set_id", as: String?.self) }
        return (try user(row, permissionSets: sets), try row.value("version"))
    }

    static func user(_ row: any SQLRow, permissionSets: [String]) throws -> User {
        User(
            id: UserID(rawValue: try row.value("id")), username: try row.value("username"),
            email: try row.value("email"), displayName: try row.value("display_name"),
            isActive: try row.value("is_active"), passwordHash: try row.value("password_hash", as: String?.self),
            profile: ProfileID(rawValue: try row.value("profile_id")),
            permissionSets: Set(permissionSets.map(PermissionSetID.init)))
    }

    /// nil (everything) as one chunk; a list of ids in chunks of at most 500; an empty list as none.
    private static func chunks(_ ids: [String]?) -> [[String]?] {
        guard let ids else { return [nil] }
        return stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) }
    }

    private static func whereID(_ chunk: [String]?) -> SQLQueryString {
        chunk.map { "WHERE id IN (\(list($0)))" } ?? ""
    }

    private static func list(_ ids: [String]) -> SQLQueryString {
        var query: SQLQueryString = ""
        for (index, id) in ids.enumerated() { query = index == 0 ? "\(bind: id)" : "\(query), \(bind: id)" }
        return query
    }

    static func currentVersion(_ db: any SQLDatabase) async throws -> Int64 {
        guard let row = try await db.raw("SELECT version FROM directory_version WHERE id = 1").first() else {
            throw StorageError.notFound("the directory_version row is missing: the schema was not migrated")
        }
        return try row.value("version")
    }

    private static func links(_ db: any SQLDatabase, _ query: String, _ ownerColumn: String, _ owners: [String]?)
        async throws -> [String: [String]]
    {
        var result: [String: [String]] = [:]
        var statement = SQLQueryString(query)
        if let owners { statement = "\(statement) WHERE \(unsafeRaw: ownerColumn) IN (\(list(owners)))" }
        for row in try await db.raw(statement).all() {
            result[try row.value("owner", as: String.self), default: []].append(try row.value("item"))
        }
        return result
    }

    private static func permissions(_ row: any SQLRow) throws -> Set<AdminPermission> {
        Set(try row.list("admin_permissions").map { try storedEnum($0, column: "admin_permissions") })
    }

    private static func ranges(_ row: any SQLRow, _ column: String) throws -> [IPRange] {
        try row.list(column).map { text in
            guard let range = IPRange(text) else { throw UnknownStoredValue(column: column, value: text) }
            return range
        }
    }

    private static func hours(_ row: any SQLRow) throws -> LoginHours? {
        guard let text = try row.value("login_hours", as: String?.self) else { return nil }
        // Hours that do not read here (this machine's time-zone database lacks a zone another node knew) refuse every
        // sign-in of the profile's users rather than stop the whole directory from loading: closed, not open.
        return LoginHours(stored: text) ?? LoginHours.never
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
            sessionTimeout: try row.value("session_timeout", as: Int64?.self).map(PolicyDuration.init(seconds:)),
            highAssurance: try storedEnum(try row.value("high_assurance"), column: "high_assurance"),
            customAttributes: try CustomAttributeColumn.decode(try row.value("custom_attributes")),
            requiresPKCE: try row.value("requires_pkce"), isBlocked: try row.value("is_blocked"),
            enforcement: try storedEnum(try row.value("enforcement"), column: "enforcement"),
            ipRelaxation: try storedEnum(try row.value("ip_relaxation"), column: "ip_relaxation"),
            trustedIPRanges: try ranges(row, "trusted_ip_ranges"),
            assertionKeys: try row.list("assertion_keys"),
            tokensNotBefore: try row.value("tokens_not_before", as: Int64?.self).map(Timestamp.date),
            introspectsAllTokens: try row.value("introspect_all_tokens"), isBuiltIn: try row.value("is_builtin"))
    }
}
