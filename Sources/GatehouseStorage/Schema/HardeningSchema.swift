extension Migrations {
    /// Version 6: what attacking the December build asked for.
    /// - `token_revocations`: grants and single JWTs revoked, kept until every token they cover has expired; every
    ///   node holds them in memory and loads the new ones when the `revocations` counter moves (its value is the
    ///   rows' `seq`, taken under the counter's row lock, so rows become visible in `seq` order).
    /// - `authorization_codes.replayed_at`: a replay seen before the first exchange linked its grant, so that the
    ///   exchange then issues nothing.
    /// - `authorization_requests`: a validated authorization request kept on the server during sign-in and consent
    ///   (the forms carry only a handle), with what it still requires.
    /// - `connected_apps.introspect_all_tokens`: a resource server may introspect every app's access tokens.
    /// - `sign_in_failures.attempt_id`: a sign-in reserves its failure before the password is checked; a correct
    ///   password takes back exactly its own reservation.
    static let hardeningSchema = Migration(version: 6, name: "hardening") { dialect in
        [
            """
            CREATE TABLE token_revocations (
                id \(dialect.autoIncrementPrimaryKey), seq BIGINT NOT NULL, grant_id TEXT, jti TEXT,
                keep_until BIGINT NOT NULL)
            """,
            "CREATE INDEX token_revocations_by_seq ON token_revocations (seq)",
            "CREATE INDEX token_revocations_by_expiry ON token_revocations (keep_until)",
            "INSERT INTO change_counters (name, value) VALUES ('revocations', 0)",
            """
            CREATE TABLE authorization_requests (
                handle_hash TEXT PRIMARY KEY,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                parameters TEXT NOT NULL, browser_binding TEXT NOT NULL, requires_sign_in BOOLEAN NOT NULL,
                signed_in_user_id TEXT REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                signed_in_at BIGINT, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, completed_at BIGINT)
            """,
            "CREATE INDEX authorization_requests_by_expiry ON authorization_requests (expires_at)",
            "ALTER TABLE authorization_codes ADD COLUMN replayed_at BIGINT",
            "ALTER TABLE connected_apps ADD COLUMN introspect_all_tokens BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE sign_in_failures ADD COLUMN attempt_id TEXT",
            "CREATE INDEX sign_in_failures_by_attempt ON sign_in_failures (attempt_id)",
        ]
    }
}
