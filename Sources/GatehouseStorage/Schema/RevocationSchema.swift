extension Migrations {
    /// Version 4: when an admin last revoked one user's grants of an app, so that every node refuses that user's
    /// tokens for the app issued before then, JWT access tokens included.
    static let revocationSchema = Migration(version: 4, name: "grant-revocations") { _ in
        [
            """
            CREATE TABLE grant_revocations (
                user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                app_id TEXT NOT NULL REFERENCES connected_apps (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                revoked_at BIGINT NOT NULL, PRIMARY KEY (user_id, app_id))
            """
        ]
    }
}
