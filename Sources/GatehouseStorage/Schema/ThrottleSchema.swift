extension Migrations {
    /// Version 5: failed sign-ins, counted per hashed account and per hashed client address by every node (the
    /// login throttle). Rows older than a day are purged by housekeeping.
    static let throttleSchema = Migration(version: 5, name: "sign-in-failures") { _ in
        [
            "CREATE TABLE sign_in_failures (throttle_key TEXT NOT NULL, failed_at BIGINT NOT NULL)",
            "CREATE INDEX sign_in_failures_by_key ON sign_in_failures (throttle_key, failed_at)",
            "CREATE INDEX sign_in_failures_by_time ON sign_in_failures (failed_at)",
        ]
    }
}
