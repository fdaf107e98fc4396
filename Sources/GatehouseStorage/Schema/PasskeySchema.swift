extension Migrations {
    /// Version 17: passkeys as second factors (and passwordless sign-ins), and the WebAuthn challenges answered.
    /// A passkey keeps its credential id (unique across users: a passwordless sign-in names only that), its COSE
    /// public key, its signature counter (a counter that does not grow is refused on every node) and whether it
    /// may be synced, the transports it was reached by, and the fingerprint of the password it last proved itself
    /// beside (a sign-in with it alone needs that password to be in force still). A challenge answered is kept until it expires, so a response replayed is refused.
    static let passkeySchema = Migration(version: 17, name: "passkeys") { _ in
        [
            "ALTER TABLE second_factors ADD COLUMN credential_id TEXT",
            "ALTER TABLE second_factors ADD COLUMN public_key TEXT",
            "ALTER TABLE second_factors ADD COLUMN sign_count BIGINT",
            "ALTER TABLE second_factors ADD COLUMN backup_eligible BOOLEAN",
            "ALTER TABLE second_factors ADD COLUMN transports TEXT",
            "ALTER TABLE second_factors ADD COLUMN password_fingerprint TEXT",
            "CREATE UNIQUE INDEX second_factors_by_credential ON second_factors (credential_id)",
            "CREATE TABLE webauthn_challenges (challenge_hash TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)",
            "CREATE INDEX webauthn_challenges_by_expiry ON webauthn_challenges (expires_at)",
        ]
    }
}
