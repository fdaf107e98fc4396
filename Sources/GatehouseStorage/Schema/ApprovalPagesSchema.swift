extension Migrations {
    /// Version 12: approvals a page at a time by index (the console's Approvals page and the admin API's
    /// `/approvals`), in (app, user) order; the index by app alone sorted each app's approvals for every page, which an
    /// app approved by most of the directory pays in full. On PostgreSQL in the byte order ("C") that pages use;
    /// `approvals_by_app` stays there for the impact preview's lookups, which compare in the database's collation.
    static let approvalPagesSchema = Migration(version: 12, name: "approvals paged by index") { dialect in
        switch dialect.kind {
        case .sqlite:
            ["CREATE INDEX approvals_by_app_and_user ON approvals (app_id, user_id)", "DROP INDEX approvals_by_app"]
        case .postgres:
            [#"CREATE INDEX approvals_by_app_and_user ON approvals (app_id COLLATE "C", user_id COLLATE "C")"#]
        }
    }
}
