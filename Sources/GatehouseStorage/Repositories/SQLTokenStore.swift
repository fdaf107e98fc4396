import Foundation
import GatehouseCore
import SQLKit

/// ``TokenStore`` on SQLite and PostgreSQL. Single-use rules (codes, rotated refresh tokens) are enforced by
/// one conditional UPDATE each, so two concurrent requests can never both win.
public struct SQLTokenStore: TokenStore {
    let sql: any SQLStore

    public init(store: GatehouseStore) { sql = store.sql }

    private func ms(_ date: Date) -> Int64 { Timestamp.milliseconds(date) }

    // MARK: Grants

    public func createGrant(_ grant: Grant) async throws {
        try await sql.transaction { db in
            try await db.raw(
                """
                INSERT INTO grants (id, app_id, user_id, scopes, flow, created_at, auth_time, revoked_at)
                VALUES (\(bind: grant.id.rawValue), \(bind: grant.app.rawValue), \(bind: grant.user?.rawValue),
                \(bind: grant.scopes.description), \(bind: grant.flow.rawValue), \(bind: ms(grant.createdAt)),
                \(bind: grant.authTime.map(ms)), \(bind: grant.revokedAt.map(ms)))
                """
            ).run()
        }
    }

    public func grant(_ id: GrantID) async throws -> Grant? {
        try await sql.read { db in
            try await db.raw("SELECT * FROM grants WHERE id = \(bind: id.rawValue)").first().map { row in
                Grant(
                    id: GrantID(rawValue: try row.value("id")), app: ConnectedAppID(rawValue: try row.value("app_id")),
                    user: try row.value("user_id", as: String?.self).map(UserID.init),
                    scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
                    flow: try storedEnum(try row.value("flow"), column: "flow"), createdAt: try row.date("created_at"),
                    authTime: try row.value("auth_time", as: Int64?.self).map(Timestamp.date),
                    revokedAt: try row.value("revoked_at", as: Int64?.self).map(Timestamp.date))
            }
        }
    }

    public func revokeGrant(_ id: GrantID, at time: Date) async throws {
        try await sql.transaction { db in
            try await db.raw(
                "UPDATE grants SET revoked_at = \(bind: ms(time)) WHERE id = \(bind: id.rawValue) AND revoked_at IS NULL"
            ).run()
            try await db.raw("DELETE FROM access_tokens WHERE grant_id = \(bind: id.rawValue)").run()
        }
    }

    // MARK: Opaque access tokens

    public func saveAccessToken(_ token: OpaqueAccessToken) async throws {
        try await sql.transaction { db in
            try await db.raw(
                """
                INSERT INTO access_tokens (token_hash, grant_id, jti, app_id, user_id, scopes, issued_at, expires_at)
                VALUES (\(bind: token.tokenHash), \(bind: token.grant?.rawValue), \(bind: token.jti),
                \(bind: token.app.rawValue), \(bind: token.user?.rawValue), \(bind: token.scopes.description),
                \(bind: ms(token.issuedAt)), \(bind: ms(token.expiresAt)))
                """
            ).run()
        }
    }

    public func accessToken(hash: String) async throws -> OpaqueAccessToken? {
        try await sql.read { db in
            // A token whose grant was revoked is gone already (revokeGrant deletes it); the join is a backstop.
            try await db.raw(
                """
                SELECT t.* FROM access_tokens t LEFT JOIN grants g ON g.id = t.grant_id
                WHERE t.token_hash = \(bind: hash) AND g.revoked_at IS NULL
                """
            ).first().map { row in
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
        try await sql.transaction { db in
            try await db.raw("DELETE FROM access_tokens WHERE token_hash = \(bind: hash)").run()
        }
    }

    // MARK: Authorization codes

    public func saveCode(_ code: AuthorizationCodeRecord) async throws {
        try await sql.transaction { db in
            try await db.raw(
                """
                INSERT INTO authorization_codes (code_hash, app_id, user_id, redirect_uri, scopes, code_challenge, nonce,
                auth_time, created_at, expires_at)
                VALUES (\(bind: code.codeHash), \(bind: code.app.rawValue), \(bind: code.user.rawValue),
                \(bind: code.redirectURI), \(bind: code.scopes.description), \(bind: code.codeChallenge),
                \(bind: code.nonce), \(bind: ms(code.authTime)), \(bind: ms(code.createdAt)), \(bind: ms(code.expiresAt)))
                """
            ).run()
        }
    }

    public func consumeCode(hash: String, at time: Date) async throws -> CodeConsumption {
        try await sql.transaction { db in
            let consumed = try await db.raw(
                """
                UPDATE authorization_codes SET consumed_at = \(bind: ms(time))
                WHERE code_hash = \(bind: hash) AND consumed_at IS NULL RETURNING *
                """
            ).first()
            if let consumed { return .consumed(try Self.code(consumed)) }
            guard
                let existing = try await db.raw("SELECT * FROM authorization_codes WHERE code_hash = \(bind: hash)")
                    .first()
            else { return .notFound }
            return .replayed(try Self.code(existing))
        }
    }

    public func attachGrant(_ grant: GrantID, toCode hash: String) async throws {
        try await sql.transaction { db in
            try await db.raw(
                "UPDATE authorization_codes SET grant_id = \(bind: grant.rawValue) WHERE code_hash = \(bind: hash)"
            ).run()
        }
    }

    private static func code(_ row: any SQLRow) throws -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: try row.value("code_hash"), app: ConnectedAppID(rawValue: try row.value("app_id")),
            user: UserID(rawValue: try row.value("user_id")), redirectURI: try row.value("redirect_uri"),
            scopes: Scopes(parameter: try row.value("scopes")) ?? Scopes([]),
            codeChallenge: try row.value("code_challenge"), nonce: try row.value("nonce"),
            authTime: try row.date("auth_time"), createdAt: try row.date("created_at"),
            expiresAt: try row.date("expires_at"),
            consumedAt: try row.value("consumed_at", as: Int64?.self).map(Timestamp.date),
            grant: try row.value("grant_id", as: String?.self).map(GrantID.init))
    }

    // MARK: Refresh tokens

    public func saveRefreshToken(_ token: RefreshTokenRecord) async throws {
        try await sql.transaction { db in
            try await db.raw(
                """
                INSERT INTO refresh_tokens (token_hash, grant_id, created_at, expires_at, last_used_at, retired_at)
                VALUES (\(bind: token.tokenHash), \(bind: token.grant.rawValue), \(bind: ms(token.createdAt)),
                \(bind: token.expiresAt.map(ms)), \(bind: ms(token.lastUsedAt)), \(bind: token.retiredAt.map(ms)))
                """
            ).run()
        }
    }

    public func useRefreshToken(hash: String, retire: Bool, at time: Date) async throws -> RefreshRotation {
        try await sql.transaction { db in
            // Returns the row as it was before this use, so the caller can apply expire-if-unused to the old
            // last-use time.
            guard let before = try await db.raw("SELECT * FROM refresh_tokens WHERE token_hash = \(bind: hash)").first()
            else { return .notFound }
            let record = try Self.refresh(before)
            let retiredAt: SQLQueryString = retire ? "\(bind: ms(time))" : "NULL"
            let updated = try await db.raw(
                """
                UPDATE refresh_tokens SET last_used_at = \(bind: ms(time)), retired_at = \(retiredAt)
                WHERE token_hash = \(bind: hash) AND retired_at IS NULL RETURNING token_hash
                """
            ).first()
            return updated == nil ? .reused(record) : .current(record)
        }
    }

    public func refreshToken(hash: String) async throws -> RefreshTokenRecord? {
        try await sql.read { db in
            try await db.raw("SELECT * FROM refresh_tokens WHERE token_hash = \(bind: hash)").first().map(Self.refresh)
        }
    }

    private static func refresh(_ row: any SQLRow) throws -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: try row.value("token_hash"), grant: GrantID(rawValue: try row.value("grant_id")),
            createdAt: try row.date("created_at"),
            expiresAt: try row.value("expires_at", as: Int64?.self).map(Timestamp.date),
            lastUsedAt: try row.date("last_used_at"),
            retiredAt: try row.value("retired_at", as: Int64?.self).map(Timestamp.date))
    }

    // MARK: Housekeeping

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
                "DELETE FROM browser_sessions WHERE last_seen_at < \(bind: cutoff - 86_400_000) RETURNING id_hash",
            ] {
                removed += try await db.raw(statement).all().count
            }
            return removed
        }
    }
}
