import Foundation
import GatehouseCore
import SQLKit

/// ``TokenStore`` on SQLite and PostgreSQL. Single-use rules (codes, rotated refresh tokens) are enforced by
/// one conditional UPDATE each, so two concurrent requests can never both win.
public struct SQLTokenStore: TokenStore {
    let sql: any SQLStore
    /// This node's revocations in memory, updated as soon as a revocation made here commits.
    let revocations: LiveRevocations?

    public init(store: GatehouseStore, revocations: LiveRevocations? = nil) {
        sql = store.sql
        self.revocations = revocations
    }

    private func ms(_ date: Date) -> Int64 { Timestamp.milliseconds(date) }

    // MARK: Grants

    private static func insert(_ grant: Grant, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO grants (id, app_id, user_id, scopes, flow, created_at, auth_time, amr, revoked_at)
            VALUES (\(bind: grant.id.rawValue), \(bind: grant.app.rawValue), \(bind: grant.user?.rawValue),
            \(bind: grant.scopes.description), \(bind: grant.flow.rawValue), \(bind: Timestamp.milliseconds(grant.createdAt)),
            \(bind: grant.authTime.map(Timestamp.milliseconds)), \(bind: grant.amr.map { ListColumn.encode($0.amr) }),
            \(bind: grant.revokedAt.map(Timestamp.milliseconds)))
            """
        ).run()
    }

    /// Stores what a token response issued, inside the caller's transaction.
    private static func insert(_ issued: IssuedTokenRecords, in db: any SQLDatabase) async throws {
        if let token = issued.accessToken { try await insert(token, in: db) }
        if let token = issued.refreshToken {
            try await db.raw(
                """
                INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at, last_used_at, retired_at)
                VALUES (\(bind: token.tokenHash), \(bind: token.grant.rawValue), \(bind: Timestamp.milliseconds(token.createdAt)),
                \(bind: token.expiresAt.map(Timestamp.milliseconds)), \(bind: Timestamp.milliseconds(token.lastUsedAt)),
                \(bind: token.retiredAt.map(Timestamp.milliseconds)))
                """
            ).run()
        }
    }

    private static func insert(_ token: OpaqueAccessToken, in db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO access_tokens (token_hash, grant_id, jti, app_id, user_id, scopes, issued_at, expires_at)
            VALUES (\(bind: token.tokenHash), \(bind: token.grant?.rawValue), \(bind: token.jti),
            \(bind: token.app.rawValue), \(bind: token.user?.rawValue), \(bind: token.scopes.description),
            \(bind: Timestamp.milliseconds(token.issuedAt)), \(bind: Timestamp.milliseconds(token.expiresAt)))
            """
        ).run()
    }

    public func grant(_ id: GrantID) async throws -> Grant? {
        try await sql.read { db in
            try await db.raw("SELECT * FROM grants WHERE id = \(bind: id.rawValue)").first().map { try Self.grant($0) }
        }
    }

    private static func grant(_ row: any SQLRow, prefix: String = "") throws -> Grant {
        Grant(
            id: GrantID(rawValue: try row.value(prefix + "id")),
            app: ConnectedAppID(rawValue: try row.value(prefix + "app_id")),
            user: try row.value(prefix + "user_id", as: String?.self).map(UserID.init),
            scopes: Scopes(parameter: try row.value(prefix + "scopes")) ?? Scopes([]),
            flow: try storedEnum(try row.value(prefix + "flow"), column: "flow"),
            createdAt: try row.date(prefix + "created_at"),
            authTime: try row.value(prefix + "auth_time", as: Int64?.self).map(Timestamp.date),
            amr: try row.authenticationMethods(prefix + "amr"),
            revokedAt: try row.value(prefix + "revoked_at", as: Int64?.self).map(Timestamp.date))
    }

    public func revokeGrant(_ id: GrantID, at time: Date) async throws {
        let kind = sql.kind
        let recorded = try await sql.transaction { db in try await Self.revoke(id, at: time, in: db, kind: kind) }
        revocations?.insert(recorded)
    }

    /// Revokes a grant inside the caller's transaction: marks it, deletes its opaque access tokens, and records the
    /// revocation for every node's JWT checks (only the first time). Returns what was recorded.
    private static func revoke(_ id: GrantID, at time: Date, in db: any SQLDatabase, kind: DatabaseKind)
        async throws -> [TokenRevocation]
    {
        let revoked = try await db.raw(
            """
            UPDATE grants SET revoked_at = \(bind: Timestamp.milliseconds(time))
            WHERE id = \(bind: id.rawValue) AND revoked_at IS NULL RETURNING id
            """
        ).first()
        try await db.raw("DELETE FROM access_tokens WHERE grant_id = \(bind: id.rawValue)").run()
        guard revoked != nil else { return [] }
        let revocation = TokenRevocation.grant(id, revokedAt: time)
        try await RevocationRepository.record([revocation], in: db, kind: kind)
        return [revocation]
    }

    public func revokeAccessToken(jti: String, expiresAt: Date) async throws {
        let revocation = TokenRevocation(.token(jti: jti), keepUntil: expiresAt)
        let kind = sql.kind
        try await sql.transaction { db in try await RevocationRepository.record([revocation], in: db, kind: kind) }
        revocations?.insert([revocation])
    }

    // MARK: Opaque access tokens

    public func saveAccessToken(_ token: OpaqueAccessToken) async throws {
        try await sql.write { db in try await Self.insert(token, in: db) }
    }

    public func accessToken(hash: String) async throws -> OpaqueAccessToken? {
        try await sql.read { db in
            // A primary-key lookup and nothing more: revoking a grant deletes its access tokens in the same
            // transaction, so a token that is still here belongs to a live grant.
            try await db.raw("SELECT * FROM access_tokens WHERE token_hash = \(bind: hash)").first().map { row in
                OpaqueAccessToken(
                    tokenHash: try row.value("token_hash"),
                    grant: try row.value("grant_id", as: String?.self).map(GrantID.init),
                    app: ConnectedAppID(rawValue: try row.value("app_id")),
                    user: try row.value("user_id", as: String?.self).map(UserID.init),
                    scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]), jti: try row.value("jti"),
                    issuedAt: try row.date("issued_at"), expiresAt: try row.date("expires_at"))
            }
        }
    }

    public func deleteAccessToken(hash: String) async throws {
        try await sql.write { db in
            try await db.raw("DELETE FROM access_tokens WHERE token_hash = \(bind: hash)").run()
        }
    }

    // MARK: Authorization codes

    public func saveCode(_ code: AuthorizationCodeRecord) async throws {
        try await sql.write { db in
            try await db.raw(
                """
                INSERT INTO authorization_codes (code_hash, app_id, user_id, redirect_uri, scopes, code_challenge, nonce,
                auth_time, amr, created_at, expires_at)
                VALUES (\(bind: code.codeHash), \(bind: code.app.rawValue), \(bind: code.user.rawValue),
                \(bind: code.redirectURI), \(bind: code.scopes.description), \(bind: code.codeChallenge),
                \(bind: code.nonce), \(bind: ms(code.authTime)), \(bind: ListColumn.encode(code.amr.amr)),
                \(bind: ms(code.createdAt)), \(bind: ms(code.expiresAt)))
                """
            ).run()
        }
    }

    public func consumeCode(hash: String, app: ConnectedAppID, at time: Date) async throws -> CodeConsumption {
        let now = ms(time)
        let kind = sql.kind
        let (outcome, recorded) = try await sql.transaction { db -> (CodeConsumption, [TokenRevocation]) in
            // Only the app the code was issued to can spend it, or replay it (RFC 6749 §4.1.3): another client's
            // attempt finds nothing and changes nothing.
            let consumed = try await db.raw(
                """
                UPDATE authorization_codes SET consumed_at = \(bind: now)
                WHERE code_hash = \(bind: hash) AND app_id = \(bind: app.rawValue) AND consumed_at IS NULL RETURNING *
                """
            ).first()
            if let consumed { return (.consumed(try Self.code(consumed)), []) }
            // A replay. Marking it takes the row's lock, so it is ordered with the first exchange's link to its
            // grant: either that link is seen here and the grant revoked, or the exchange sees the mark and stops.
            guard
                let replayed = try await db.raw(
                    """
                    UPDATE authorization_codes SET replayed_at = COALESCE(replayed_at, \(bind: now))
                    WHERE code_hash = \(bind: hash) AND app_id = \(bind: app.rawValue) RETURNING *
                    """
                ).first()
            else { return (.notFound, []) }
            let record = try Self.code(replayed)
            guard let grant = record.grant else { return (.replayed(record), []) }
            return (.replayed(record), try await Self.revoke(grant, at: time, in: db, kind: kind))
        }
        revocations?.insert(recorded)
        return outcome
    }

    public func completeCodeExchange(grant: Grant, codeHash: String, issued: IssuedTokenRecords) async throws -> Bool {
        try await sql.transaction { db in
            let linked = try await db.raw(
                """
                UPDATE authorization_codes SET grant_id = \(bind: grant.id.rawValue)
                WHERE code_hash = \(bind: codeHash) AND replayed_at IS NULL RETURNING code_hash
                """
            ).first()
            guard linked != nil else { return false }
            try await Self.insert(grant, in: db)
            try await Self.insert(issued, in: db)
            return true
        }
    }

    private static func code(_ row: any SQLRow) throws -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: try row.value("code_hash"), app: ConnectedAppID(rawValue: try row.value("app_id")),
            user: UserID(rawValue: try row.value("user_id")), redirectURI: try row.value("redirect_uri"),
            scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
            codeChallenge: try row.value("code_challenge"), nonce: try row.value("nonce"),
            authTime: try row.date("auth_time"), amr: try row.authenticationMethods("amr") ?? .password,
            createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
            consumedAt: try row.value("consumed_at", as: Int64?.self).map(Timestamp.date),
            grant: try row.value("grant_id", as: String?.self).map(GrantID.init))
    }

    // MARK: Refresh tokens

    public func refreshToken(hash: String) async throws -> (token: RefreshTokenRecord, grant: Grant)? {
        try await sql.read { db in
            try await db.raw(
                """
                SELECT r.token_hash, r.grant_id, r.created_at AS r_created_at, r.expires_at, r.last_used_at, r.retired_at,
                g.id AS g_id, g.app_id AS g_app_id, g.user_id AS g_user_id, g.scopes AS g_scopes, g.flow AS g_flow,
                g.created_at AS g_created_at, g.auth_time AS g_auth_time, g.amr AS g_amr, g.revoked_at AS g_revoked_at
                FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.token_hash = \(bind: hash)
                """
            ).first().map { row in (try Self.refresh(row, createdAt: "r_created_at"), try Self.grant(row, prefix: "g_"))
            }
        }
    }

    public func completeRefresh(hash: String, retire: Bool, issued: IssuedTokenRecords, at time: Date) async throws
        -> RefreshRotation
    {
        let now = ms(time)
        return try await sql.transaction { db in
            // Lock the grant's row first (a no-op update): a revocation racing this refresh then either committed
            // before (the grant is revoked: store nothing) or waits for this commit and then deletes what it stored.
            let live = try await db.raw(
                """
                UPDATE grants SET revoked_at = NULL WHERE revoked_at IS NULL
                AND id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: hash)) RETURNING id
                """
            ).first()
            guard live != nil else {
                let known = try await db.raw("SELECT grant_id FROM refresh_tokens WHERE token_hash = \(bind: hash)")
                    .first()
                return known == nil ? .notFound : .grantRevoked
            }
            let retiredAt: SQLQueryString = retire ? "\(bind: now)" : "NULL"
            let used = try await db.raw(
                """
                UPDATE refresh_tokens SET last_used_at = \(bind: now), retired_at = \(retiredAt)
                WHERE token_hash = \(bind: hash) AND retired_at IS NULL RETURNING *
                """
            ).first()
            guard let used else {
                guard
                    let existing = try await db.raw("SELECT * FROM refresh_tokens WHERE token_hash = \(bind: hash)")
                        .first()
                else { return .notFound }
                return .reused(try Self.refresh(existing))
            }
            try await Self.insert(issued, in: db)
            return .current(try Self.refresh(used))
        }
    }

    private static func refresh(_ row: any SQLRow, createdAt: String = "created_at") throws -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: try row.value("token_hash"), grant: GrantID(rawValue: try row.value("grant_id")),
            createdAt: try row.date(createdAt),
            expiresAt: try row.value("expires_at", as: Int64?.self).map(Timestamp.date),
            lastUsedAt: try row.date("last_used_at"),
            retiredAt: try row.value("retired_at", as: Int64?.self).map(Timestamp.date))
    }

    // MARK: Housekeeping

    public func recordAssertion(app: ConnectedAppID, jti: String, expiresAt: Date) async throws -> Bool {
        try await sql.transaction { db in
            try await db.raw(
                """
                INSERT INTO jwt_assertions (app_id, jti, expires_at)
                VALUES (\(bind: app.rawValue), \(bind: jti), \(bind: ms(expiresAt)))
                ON CONFLICT (app_id, jti) DO NOTHING RETURNING jti
                """
            ).first() != nil
        }
    }

    public func purgeExpired(before time: Date) async throws -> Int {
        let cutoff = ms(time)
        return try await sql.transaction { db in
            var removed = 0
            for statement: SQLQueryString in [
                "DELETE FROM access_tokens WHERE expires_at < \(bind: cutoff) RETURNING token_hash",
                // Codes are kept a while after expiry so that a late replay is still recognised and revokes.
                "DELETE FROM authorization_codes WHERE expires_at < \(bind: cutoff - 86_400_000) RETURNING code_hash",
                "DELETE FROM refresh_tokens WHERE expires_at < \(bind: cutoff) RETURNING token_hash",
                // Revoked grants are kept for 30 days, so that their refresh tokens are refused as "revoked"
                // rather than unknown; deleting the grant deletes its tokens.
                "DELETE FROM grants WHERE revoked_at < \(bind: cutoff - 30 * 86_400_000) RETURNING id",
                "DELETE FROM authorization_requests WHERE expires_at < \(bind: cutoff) RETURNING handle_hash",
                "DELETE FROM browser_sessions WHERE last_seen_at < \(bind: cutoff - 86_400_000) RETURNING id_hash",
                // Failed sign-ins count for the throttle's window (15 minutes); a day is ample.
                "DELETE FROM sign_in_failures WHERE failed_at < \(bind: cutoff - 86_400_000) RETURNING failed_at",
                // A replay record outlives its assertion's expiry by the tolerated clock skew.
                "DELETE FROM jwt_assertions WHERE expires_at < \(bind: cutoff - 120_000) RETURNING jti",
                "DELETE FROM webauthn_challenges WHERE expires_at < \(bind: cutoff) RETURNING challenge_hash",
                // A revocation is kept until every token it covers has expired; each node forgets it then too.
                "DELETE FROM token_revocations WHERE keep_until < \(bind: cutoff) RETURNING id",
            ] {
                removed += try await db.raw(statement).all().count
            }
            return removed
        }
    }
}
