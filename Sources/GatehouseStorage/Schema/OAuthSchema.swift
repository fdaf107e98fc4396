extension Migrations {
    /// Version 2: signing keys, grants and the tokens that hang from them, browser sessions. Tokens, codes and
    /// session ids are stored only as hashes.
    static let oauthSchema = Migration(version: 2, name: "oauth") { _ in
        [
            """
            CREATE TABLE signing_keys (
                kid TEXT PRIMARY KEY, algorithm TEXT NOT NULL, sealed_private_key TEXT NOT NULL,
                created_at BIGINT NOT NULL, activates_at BIGINT NOT NULL, retired_at BIGINT, expires_at BIGINT)
            """,
            """
            CREATE TABLE grants (
                id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                user_id TEXT REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                scopes TEXT NOT NULL, flow TEXT NOT NULL, created_at BIGINT NOT NULL, auth_time BIGINT,
                revoked_at BIGINT)
            """,
            "CREATE INDEX grants_by_app_user ON grants (app_id, user_id)",
            "CREATE INDEX grants_by_user ON grants (user_id)",
            """
            CREATE TABLE authorization_codes (
                code_hash TEXT PRIMARY KEY,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                redirect_uri TEXT NOT NULL, scopes TEXT NOT NULL, code_challenge TEXT, nonce TEXT,
                auth_time BIGINT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
                consumed_at BIGINT, grant_id TEXT)
            """,
            "CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at)",
            """
            CREATE TABLE refresh_tokens (
                token_hash TEXT PRIMARY KEY,
                grant_id TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                created_at BIGINT NOT NULL, expires_at BIGINT, last_used_at BIGINT NOT NULL, retired_at BIGINT)
            """,
            "CREATE INDEX refresh_tokens_by_grant ON refresh_tokens (grant_id)",
            """
            CREATE TABLE access_tokens (
                token_hash TEXT PRIMARY KEY,
                grant_id TEXT REFERENCES grants (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                jti TEXT NOT NULL, app_id TEXT NOT NULL, user_id TEXT, scopes TEXT NOT NULL,
                issued_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at)",
            "CREATE INDEX access_tokens_by_grant ON access_tokens (grant_id)",
            """
            CREATE TABLE browser_sessions (
                id_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                auth_time BIGINT NOT NULL, created_at BIGINT NOT NULL,
                last_seen_at BIGINT NOT NULL)
            """,
            "CREATE INDEX browser_sessions_by_user ON browser_sessions (user_id)",
        ]
    }
}
