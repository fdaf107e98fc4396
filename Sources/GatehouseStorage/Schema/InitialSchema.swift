/// The schema's migrations, oldest first. A released migration never changes; add a new one instead.
enum Migrations {
    /// Version 1: the directory (users, profiles, permission sets, connected apps), approvals, the audit trail.
    /// Foreign keys are checked at commit, so one admin batch may create an app, the profile that grants it and the
    /// user it runs as, in any order.
    static let initialSchema = Migration(version: 1, name: "initial schema") { dialect in
        [
            "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE directory_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
            "INSERT INTO directory_version (id, version) VALUES (1, 0)",
            """
            CREATE TABLE profiles (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, is_builtin BOOLEAN NOT NULL,
                admin_permissions TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE permission_sets (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE,
                admin_permissions TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, username TEXT NOT NULL, username_key TEXT NOT NULL UNIQUE, email TEXT NOT NULL,
                display_name TEXT NOT NULL, is_active BOOLEAN NOT NULL, password_hash TEXT,
                profile_id TEXT NOT NULL REFERENCES profiles (id) DEFERRABLE INITIALLY DEFERRED,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX users_by_profile ON users (profile_id)",
            """
            CREATE TABLE user_permission_sets (
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                permission_set_id TEXT NOT NULL REFERENCES permission_sets (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                PRIMARY KEY (user_id, permission_set_id))
            """,
            "CREATE INDEX user_permission_sets_by_set ON user_permission_sets (permission_set_id)",
            """
            CREATE TABLE connected_apps (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, client_id TEXT NOT NULL UNIQUE,
                is_public BOOLEAN NOT NULL, callback_urls TEXT NOT NULL, scopes TEXT NOT NULL, grant_types TEXT NOT NULL,
                permitted_users TEXT NOT NULL, refresh_token_policy TEXT NOT NULL, refresh_token_rotation BOOLEAN NOT NULL,
                run_as_user_id TEXT REFERENCES users (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
                access_token_format TEXT NOT NULL, access_token_lifetime BIGINT NOT NULL, id_token_lifetime BIGINT NOT NULL,
                requires_pkce BOOLEAN NOT NULL, is_blocked BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE client_secrets (
                id TEXT PRIMARY KEY, app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX client_secrets_by_app ON client_secrets (app_id)",
            """
            CREATE TABLE profile_connected_apps (
                profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                PRIMARY KEY (profile_id, app_id))
            """,
            """
            CREATE TABLE permission_set_connected_apps (
                permission_set_id TEXT NOT NULL REFERENCES permission_sets (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                PRIMARY KEY (permission_set_id, app_id))
            """,
            """
            CREATE TABLE approvals (
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                scopes TEXT NOT NULL, approved_at BIGINT NOT NULL,
                PRIMARY KEY (user_id, app_id))
            """,
            """
            CREATE TABLE audit_events (
                id \(dialect.autoIncrementPrimaryKey), occurred_at BIGINT NOT NULL, actor TEXT NOT NULL,
                action TEXT NOT NULL, target_type TEXT NOT NULL, target TEXT NOT NULL,
                before_state TEXT, after_state TEXT, source_ip TEXT)
            """,
            "CREATE INDEX audit_events_by_time ON audit_events (occurred_at)",
        ] + dialect.appendOnly("audit_events")
    }
}
