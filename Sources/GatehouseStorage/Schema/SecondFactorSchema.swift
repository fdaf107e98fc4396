extension Migrations {
    /// Version 16: users' second factors and recovery codes, profiles that require a second factor, and apps' high
    /// assurance and custom attributes (a JSON array of `{name, value}` and `{name, field}`).
    /// A TOTP factor keeps its secret sealed under the master key (a copy of the database alone cannot make codes)
    /// and the last time step it accepted (a code is accepted once, on every node). Recovery codes are kept as
    /// SHA-256 hashes, each usable once.
    static let secondFactorSchema = Migration(version: 16, name: "second factors") { _ in
        [
            """
            CREATE TABLE second_factors (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                sealed_secret TEXT,
                last_step BIGINT,
                created_at BIGINT NOT NULL,
                last_used_at BIGINT
            )
            """,
            "CREATE INDEX second_factors_by_user ON second_factors (user_id)",
            """
            CREATE TABLE recovery_codes (
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                code_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                used_at BIGINT,
                PRIMARY KEY (user_id, code_hash)
            )
            """,
            "ALTER TABLE profiles ADD COLUMN require_second_factor BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE connected_apps ADD COLUMN high_assurance TEXT NOT NULL DEFAULT 'none'",
            "ALTER TABLE connected_apps ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '[]'",
        ]
    }
}
