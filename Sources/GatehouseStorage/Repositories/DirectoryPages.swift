import GatehouseCore
import SQLKit

/// What a page of users is narrowed to; nil fields do not narrow.
public struct UserFilter: Sendable, Equatable {
    public var profile: ProfileID?
    public var permissionSet: PermissionSetID?
    public var isActive: Bool?
    /// Usernames that start with this (compared as usernames are: case-folded), by a range of the index.
    public var usernamePrefix: String?

    public init(
        profile: ProfileID? = nil, permissionSet: PermissionSetID? = nil, isActive: Bool? = nil,
        usernamePrefix: String? = nil
    ) {
        self.profile = profile
        self.permissionSet = permissionSet
        self.isActive = isActive
        self.usernamePrefix = usernamePrefix
    }
}

extension GatehouseStore {
    /// One page of users in username order, after `username` (exclusive), narrowed by `filter`, by index: a listing
    /// of a million users reads only the page it shows.
    public func users(after username: String?, limit: Int, filter: UserFilter = UserFilter()) async throws -> [User] {
        // Byte order on both databases (SQLite's default; PostgreSQL's "C"), so that the page boundary a cursor
        // names is the same boundary whatever the server's locale (migration 9 indexes it).
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        var conditions: [SQLQueryString] = []
        if let username { conditions.append("username_key \(collate) > \(bind: uniquenessKey(username))") }
        if let profile = filter.profile { conditions.append("profile_id = \(bind: profile.rawValue)") }
        if let set = filter.permissionSet {
            conditions.append(
                "id IN (SELECT user_id FROM user_permission_sets WHERE permission_set_id = \(bind: set.rawValue))")
        }
        if let isActive = filter.isActive { conditions.append("is_active = \(bind: isActive)") }
        if let prefix = filter.usernamePrefix.map(uniquenessKey), !prefix.isEmpty {
            // [prefix, the next string after every one that starts with it): in byte order, the code point order.
            conditions.append("username_key \(collate) >= \(bind: prefix)")
            if let end = Self.successor(ofEveryStringStartingWith: prefix) {
                conditions.append("username_key \(collate) < \(bind: end)")
            }
        }
        let condition = Self.whereAll(conditions)
        return try await sql.read { db in
            let ids = try await db.raw(
                "SELECT id FROM users \(condition) ORDER BY username_key \(collate) LIMIT \(bind: max(1, limit))"
            ).all().map { UserID(rawValue: try $0.value("id")) }
            let found = try await DirectoryReader.entities(Set(ids.map(EntityRef.user)), db).users
            let byID = Dictionary(uniqueKeysWithValues: found.map { ($0.id, $0) })
            return ids.compactMap { byID[$0] }
        }
    }

    /// One page of profiles, permission sets or apps in name order after `name` (exclusive): their references.
    public func page(of kind: EntityKind, after name: String?, limit: Int) async throws -> [EntityRef] {
        let table =
            switch kind {
            case .profile: "profiles"
            case .permissionSet: "permission_sets"
            case .connectedApp: "connected_apps"
            case .user: "users"
            }
        let key = kind == .user ? "username_key" : "name_key"
        let collate: SQLQueryString = sql.kind == .postgres ? #"COLLATE "C""# : ""
        let condition: SQLQueryString =
            name.map { "WHERE \(unsafeRaw: key) \(collate) > \(bind: uniquenessKey($0))" } ?? ""
        return try await sql.read { db in
            try await db.raw(
                """
                SELECT id FROM \(unsafeRaw: table) \(condition) ORDER BY \(unsafeRaw: key) \(collate) \
                LIMIT \(bind: max(1, limit))
                """
            ).all().map { EntityRef(kind: kind, id: try $0.value("id")) }
        }
    }

    /// The least string greater than every string that starts with `prefix` (the last scalar that can be moved up,
    /// moved up by one); nil when there is none.
    static func successor(ofEveryStringStartingWith prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var value = last.value + 1
            if value == 0xD800 { value = 0xE000 }  // past the surrogates, which are no scalars
            if let next = Unicode.Scalar(value) {
                scalars.append(next)
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                return String(view)
            }
        }
        return nil
    }

    private static func whereAll(_ conditions: [SQLQueryString]) -> SQLQueryString {
        guard var joined = conditions.first else { return "" }
        for condition in conditions.dropFirst() { joined = "\(joined) AND \(condition)" }
        return "WHERE \(joined)"
    }
}

extension UserFilter {
    /// Whether `user` is one the filter lets through.
    public func admits(_ user: User) -> Bool {
        (profile.map { user.profile == $0 } ?? true)
            && (permissionSet.map { user.permissionSets.contains($0) } ?? true)
            && (isActive.map { user.isActive == $0 } ?? true)
            && (usernamePrefix.map { uniquenessKey(user.username).hasPrefix(uniquenessKey($0)) } ?? true)
    }
}
