extension Migrations {
    /// Version 7: changes travel as changes (ADR 7).
    /// - `directory_changes`: for every directory version, the entities it wrote (cascades included), so that every
    ///   node re-reads just those by primary key instead of the whole directory. Versions are taken under the
    ///   `directory_version` row lock, so they commit in order and a node that holds version N applies exactly the
    ///   rows above N; a missing version (pruned, or a node away too long) falls back to a full load.
    /// - `version` on each entity: the directory version that last wrote it. A change names the version it was
    ///   computed from, per entity, so writers of unrelated entities no longer refuse each other.
    /// - the `signing_keys` change counter: a key rotation reloads the keys, a user change does not.
    static let changeLogSchema = Migration(version: 7, name: "directory change log") { _ in
        [
            """
            CREATE TABLE directory_changes (
                version BIGINT NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT NOT NULL,
                committed_at BIGINT NOT NULL, PRIMARY KEY (version, entity_type, entity_id))
            """,
            "CREATE INDEX directory_changes_by_time ON directory_changes (committed_at)",
            "ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE profiles ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE permission_sets ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE connected_apps ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
            "INSERT INTO change_counters (name, value) VALUES ('signing_keys', 0)",
        ]
    }
}
