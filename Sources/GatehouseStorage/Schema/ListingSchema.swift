extension Migrations {
    /// Version 9: listings a page at a time by index (the admin API's `?limit=&cursor=`): the users of one profile in
    /// username order, and on PostgreSQL the byte order ("C") that pages use, which the unique index on
    /// `username_key` (in the database's collation) does not give.
    static let listingSchema = Migration(version: 9, name: "listings by index") { dialect in
        switch dialect.kind {
        case .sqlite: ["CREATE INDEX users_by_profile_and_name ON users (profile_id, username_key)"]
        case .postgres:
            [
                #"CREATE INDEX users_by_name_bytes ON users (username_key COLLATE "C")"#,
                #"CREATE INDEX users_by_profile_and_name ON users (profile_id, username_key COLLATE "C")"#,
            ]
        }
    }
}
