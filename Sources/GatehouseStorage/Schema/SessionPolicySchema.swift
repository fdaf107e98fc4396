extension Migrations {
    /// Version 15: an app's session timeout (seconds; null for none), and how each browser session, authorization
    /// code and grant was authenticated (RFC 8176 `amr` values as a JSON array; a grant without a user step, such
    /// as client credentials, has none). Sessions and codes from before were made with a password.
    static let sessionPolicySchema = Migration(version: 15, name: "session policies and authentication methods") {
        _ in
        [
            "ALTER TABLE connected_apps ADD COLUMN session_timeout BIGINT",
            #"ALTER TABLE browser_sessions ADD COLUMN amr TEXT NOT NULL DEFAULT '["pwd"]'"#,
            #"ALTER TABLE authorization_codes ADD COLUMN amr TEXT NOT NULL DEFAULT '["pwd"]'"#,
            "ALTER TABLE grants ADD COLUMN amr TEXT",
        ]
    }
}
