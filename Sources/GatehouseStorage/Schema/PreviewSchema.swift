extension Migrations {
    /// Version 13: the impact preview reads a profile's holders from one index, as the decision sees them (activity,
    /// id, name), without a lookup in `users` for each: a change to an app granted to ten profiles reads ten thousand
    /// users. It replaces the index by profile alone, which both indexes beginning with the profile serve.
    static let previewSchema = Migration(version: 13, name: "profile holders by index") { dialect in
        switch dialect.kind {
        case .sqlite:
            [
                "CREATE INDEX users_by_profile_for_access ON users (profile_id, is_active, id, username)",
                "DROP INDEX users_by_profile",
            ]
        case .postgres:
            [
                "CREATE INDEX users_by_profile_for_access ON users (profile_id) INCLUDE (is_active, id, username)",
                "DROP INDEX users_by_profile",
            ]
        }
    }
}
