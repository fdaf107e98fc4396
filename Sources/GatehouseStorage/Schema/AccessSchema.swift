extension Migrations {
    /// Version 3: report-only enforcement, assertion keys and revoke-all on apps; JWT bearer replay records; login
    /// history; the approvals counter that tells other nodes to reload approvals.
    static let accessSchema = Migration(version: 3, name: "access") { dialect in
        [
            "ALTER TABLE connected_apps ADD COLUMN enforcement TEXT NOT NULL DEFAULT 'enforce'",
            "ALTER TABLE connected_apps ADD COLUMN assertion_keys TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE connected_apps ADD COLUMN tokens_not_before BIGINT",
            """
            CREATE TABLE jwt_assertions (
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                jti TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (app_id, jti))
            """,
            "CREATE INDEX jwt_assertions_by_expiry ON jwt_assertions (expires_at)",
            """
            CREATE TABLE login_events (
                id \(dialect.autoIncrementPrimaryKey), occurred_at BIGINT NOT NULL, user_id TEXT, username TEXT,
                app_id TEXT, app_name TEXT, flow TEXT NOT NULL, result TEXT NOT NULL, reason TEXT,
                description TEXT, client_ip TEXT, trace_id TEXT NOT NULL, checks TEXT)
            """,
            "CREATE INDEX login_events_by_time ON login_events (occurred_at)",
            "CREATE INDEX login_events_by_trace ON login_events (trace_id)",
            "CREATE INDEX login_events_by_user ON login_events (user_id, occurred_at)",
            "CREATE INDEX login_events_by_app ON login_events (app_id, occurred_at)",
            "CREATE TABLE change_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO change_counters (name, value) VALUES ('approvals', 0)",
        ]
    }
}
