import Foundation
import GatehouseCore
import SQLKit

/// ``SecondFactorStore`` on SQLite and PostgreSQL. A code's single use is one conditional `UPDATE`, so two nodes
/// that receive the same code at once accept it once between them.
public struct SQLSecondFactorStore: SecondFactorStore {
    let sql: any SQLStore

    public init(store: GatehouseStore) { sql = store.sql }

    public func secondFactors(of user: UserID) async throws -> [SecondFactor] {
        try await sql.read { db in
            try await db.raw(
                "SELECT * FROM second_factors WHERE user_id = \(bind: user.rawValue) ORDER BY created_at, id"
            ).all().map(Self.factor)
        }
    }

    public func totpFactors(of user: UserID) async throws -> [StoredTOTP] {
        try await sql.read { db in
            try await db.raw(
                """
                SELECT * FROM second_factors WHERE user_id = \(bind: user.rawValue) AND kind = 'totp'
                AND sealed_secret IS NOT NULL ORDER BY created_at, id
                """
            ).all().map { row in
                StoredTOTP(
                    factor: try Self.factor(row), sealedSecret: try row.value("sealed_secret"),
                    lastStep: try row.value("last_step", as: Int64?.self))
            }
        }
    }

    public func passkeys(of user: UserID) async throws -> [StoredPasskey] {
        try await sql.read { db in
            try await db.raw(
                """
                SELECT * FROM second_factors WHERE user_id = \(bind: user.rawValue) AND kind = 'passkey'
                AND credential_id IS NOT NULL ORDER BY created_at, id
                """
            ).all().map(Self.passkey)
        }
    }

    public func passkey(credentialID: String) async throws -> StoredPasskey? {
        try await sql.read { db in
            try await db.raw(
                "SELECT * FROM second_factors WHERE credential_id = \(bind: credentialID) AND kind = 'passkey'"
            ).first().map(Self.passkey)
        }
    }

    public func addFactor(
        _ factor: SecondFactor, secret: FactorSecret, recoveryCodeHashes: [String], keptSession: String?,
        actor: AuditActor
    ) async throws -> AddedFactor {
        let kind = sql.kind
        return try await sql.transaction { db in
            // Two enrolments of one user at once: one at a time (SQLite has one writer), so one of them is first. An
            // advisory lock of its own, not the user's row: the directory writer locks sessions, then users.
            if kind == .postgres {
                try await db.raw(
                    "SELECT pg_advisory_xact_lock(hashtextextended(\(bind: factor.user.rawValue), 7240514))"
                ).run()
            }
            let existing = Int(
                try await db.raw(
                    "SELECT COUNT(*) AS n FROM second_factors WHERE user_id = \(bind: factor.user.rawValue)"
                ).first()?.value("n", as: Int64.self) ?? 0)
            guard existing < SecondFactor.maximumPerUser else { return .tooMany }
            let created = Timestamp.milliseconds(factor.createdAt)
            let inserted: SQLQueryString
            switch secret {
            case .totp(let sealedSecret, let firstStep):
                inserted = """
                    INSERT INTO second_factors (id, user_id, kind, name, sealed_secret, last_step, created_at,
                    last_used_at)
                    VALUES (\(bind: factor.id), \(bind: factor.user.rawValue), \(bind: factor.kind.rawValue),
                    \(bind: factor.name), \(bind: sealedSecret), \(bind: firstStep), \(bind: created), \(bind: created))
                    ON CONFLICT DO NOTHING RETURNING id
                    """
            case .passkey(let credential):
                // A credential id already registered (by anyone) conflicts too: it names one passkey of one user.
                inserted = """
                    INSERT INTO second_factors (id, user_id, kind, name, credential_id, public_key, sign_count,
                    backup_eligible, transports, password_fingerprint, created_at)
                    VALUES (\(bind: factor.id), \(bind: factor.user.rawValue), \(bind: factor.kind.rawValue),
                    \(bind: factor.name), \(bind: credential.id), \(bind: credential.publicKey),
                    \(bind: credential.signCount), \(bind: credential.backupEligible),
                    \(bind: ListColumn.encode(credential.transports)), \(bind: credential.passwordFingerprint),
                    \(bind: created))
                    ON CONFLICT DO NOTHING RETURNING id
                    """
            }
            guard try await db.raw(inserted).first() != nil else { return .exists }
            if existing == 0 {
                try await Self.replaceCodes(of: factor.user, with: recoveryCodeHashes, at: factor.createdAt, in: db)
                try await db.raw(
                    """
                    DELETE FROM browser_sessions WHERE user_id = \(bind: factor.user.rawValue)
                    AND id_hash <> \(bind: keptSession ?? "")
                    """
                ).run()
            }
            try await Self.audit(
                .userSecondFactorAdded, user: factor.user, detail: #"{"kind":"\#(factor.kind.rawValue)"}"#,
                actor: actor, at: factor.createdAt, in: db)
            return .added(first: existing == 0)
        }
    }

    public func acceptTOTP(factor: String, step: Int64, at time: Date) async throws -> Bool {
        try await sql.write { db in
            try await db.raw(
                """
                UPDATE second_factors SET last_step = \(bind: step), last_used_at = \(bind: Timestamp.milliseconds(time))
                WHERE id = \(bind: factor) AND (last_step IS NULL OR last_step < \(bind: step)) RETURNING id
                """
            ).first() != nil
        }
    }

    public func acceptPasskey(factor: String, signCount: Int64, passwordFingerprint: String?, at time: Date)
        async throws -> Bool
    {
        try await sql.write { db in
            try await db.raw(
                """
                UPDATE second_factors SET sign_count = \(bind: signCount),
                last_used_at = \(bind: Timestamp.milliseconds(time)),
                password_fingerprint = COALESCE(\(bind: passwordFingerprint), password_fingerprint)
                WHERE id = \(bind: factor) AND kind = 'passkey'
                AND ((sign_count = 0 AND \(bind: signCount) = 0) OR sign_count < \(bind: signCount)) RETURNING id
                """
            ).first() != nil
        }
    }

    public func recordSuspectedClone(of passkey: StoredPasskey, signCount: Int64, sourceIP: String?, at time: Date)
        async throws
    {
        try await sql.transaction { db in
            try await Self.audit(
                .userPasskeyCloneSuspected, user: passkey.factor.user,
                detail:
                    #"{"factor":"\#(passkey.factor.id)","storedSignCount":\#(passkey.credential.signCount),"signCount":\#(signCount)}"#,
                actor: AuditActor(name: "gatehouse", sourceIP: sourceIP), at: time, in: db)
        }
    }

    public func useWebAuthnChallenge(_ hash: String, expiresAt: Date) async throws -> Bool {
        try await sql.write { db in
            try await db.raw(
                """
                INSERT INTO webauthn_challenges (challenge_hash, expires_at)
                VALUES (\(bind: hash), \(bind: Timestamp.milliseconds(expiresAt)))
                ON CONFLICT (challenge_hash) DO NOTHING RETURNING challenge_hash
                """
            ).first() != nil
        }
    }

    public func useRecoveryCode(user: UserID, hash: String, at time: Date) async throws -> Bool {
        try await sql.write { db in
            try await db.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: Timestamp.milliseconds(time))
                WHERE user_id = \(bind: user.rawValue) AND code_hash = \(bind: hash) AND used_at IS NULL RETURNING code_hash
                """
            ).first() != nil
        }
    }

    public func remainingRecoveryCodes(of user: UserID) async throws -> Int {
        try await sql.read { db in
            let row = try await db.raw(
                "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = \(bind: user.rawValue) AND used_at IS NULL"
            ).first()
            return Int(try row?.value("n", as: Int64.self) ?? 0)
        }
    }

    public func replaceRecoveryCodes(of user: UserID, hashes: [String], actor: AuditActor, at time: Date)
        async throws
    {
        try await sql.transaction { db in
            try await Self.replaceCodes(of: user, with: hashes, at: time, in: db)
            try await Self.audit(
                .userRecoveryCodesReplaced, user: user, detail: #"{"recoveryCodes":\#(hashes.count)}"#, actor: actor,
                at: time, in: db)
        }
    }

    public func removeSecondFactor(
        _ id: String, of user: UserID, keptSession: String?, actor: AuditActor, at time: Date
    ) async throws -> Bool {
        try await sql.transaction { db in
            guard
                let removed = try await db.raw(
                    """
                    DELETE FROM second_factors WHERE id = \(bind: id) AND user_id = \(bind: user.rawValue)
                    RETURNING kind
                    """
                ).first()
            else { return false }
            let left = try await db.raw(
                "SELECT id FROM second_factors WHERE user_id = \(bind: user.rawValue) LIMIT 1"
            ).first()
            if left == nil {
                try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.rawValue)").run()
            }
            try await db.raw(
                """
                DELETE FROM browser_sessions WHERE user_id = \(bind: user.rawValue)
                AND id_hash <> \(bind: keptSession ?? "")
                """
            ).run()
            try await Self.audit(
                .userSecondFactorRemoved, user: user,
                detail: #"{"kind":"\#(try removed.value("kind", as: String.self))"}"#, actor: actor, at: time, in: db)
            return true
        }
    }

    // MARK: Shared steps

    static func factor(_ row: any SQLRow) throws -> SecondFactor {
        SecondFactor(
            id: try row.value("id"), user: UserID(rawValue: try row.value("user_id")),
            kind: try storedEnum(try row.value("kind"), column: "kind"), name: try row.value("name"),
            createdAt: try row.date("created_at"),
            lastUsedAt: try row.value("last_used_at", as: Int64?.self).map(Timestamp.date))
    }

    static func passkey(_ row: any SQLRow) throws -> StoredPasskey {
        StoredPasskey(
            factor: try factor(row),
            credential: PasskeyCredential(
                id: try row.value("credential_id"), publicKey: try row.value("public_key"),
                signCount: try row.value("sign_count", as: Int64?.self) ?? 0,
                backupEligible: try row.value("backup_eligible", as: Bool?.self) ?? false,
                transports: try ListColumn.decode(
                    try row.value("transports", as: String?.self) ?? "[]", column: "transports"),
                passwordFingerprint: try row.value("password_fingerprint", as: String?.self)))
    }

    private static func replaceCodes(of user: UserID, with hashes: [String], at time: Date, in db: any SQLDatabase)
        async throws
    {
        try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.rawValue)").run()
        for hash in hashes {
            try await db.raw(
                """
                INSERT INTO recovery_codes (user_id, code_hash, created_at)
                VALUES (\(bind: user.rawValue), \(bind: hash), \(bind: Timestamp.milliseconds(time)))
                """
            ).run()
        }
    }

    /// The audit event of a change to the user's factors; its target is the username, looked up in the same
    /// transaction.
    static func audit(
        _ action: AuditAction, user: UserID, detail: String, actor: AuditActor, at time: Date,
        in db: any SQLDatabase
    ) async throws {
        let username =
            try await db.raw("SELECT username FROM users WHERE id = \(bind: user.rawValue)").first()?.value(
                "username", as: String.self) ?? user.rawValue
        try await AuditRepository.append(
            AuditEvent(
                occurredAt: time, actor: actor.name, action: action, target: username, before: nil, after: detail,
                sourceIP: actor.sourceIP), to: db)
    }
}
