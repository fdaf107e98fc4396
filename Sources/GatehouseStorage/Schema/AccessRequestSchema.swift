extension Migrations {
    /// Version 11: users' requests for access to admin-approved apps (``AccessRequest``). The partial unique index
    /// keeps one pending request per user and app, whatever races; a request goes with its user or app. An
    /// authorization request remembers the trace id of the refusal its access-request page showed.
    static let accessRequestSchema = Migration(version: 11, name: "access requests") { _ in
        [
            """
            CREATE TABLE access_requests (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                note TEXT,
                state TEXT NOT NULL,
                requested_at BIGINT NOT NULL,
                decided_at BIGINT,
                decided_by TEXT,
                decision_note TEXT,
                granted_through_kind TEXT,
                granted_through_name TEXT
            )
            """,
            "CREATE UNIQUE INDEX access_requests_one_pending ON access_requests (user_id, app_id) WHERE state = 'pending'",
            "CREATE INDEX access_requests_by_state ON access_requests (state, requested_at, id)",
            "CREATE INDEX access_requests_by_time ON access_requests (requested_at, id)",
            "CREATE INDEX access_requests_by_user ON access_requests (user_id, requested_at)",
            "CREATE INDEX access_requests_by_app ON access_requests (app_id)",
            "ALTER TABLE authorization_requests ADD COLUMN refusal_trace_id TEXT",
        ]
    }
}
