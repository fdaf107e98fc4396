import Foundation
import GatehouseCore
import SQLKit

/// ``SessionStore`` on SQLite and PostgreSQL.
public struct SQLSessionStore: SessionStore {
    let sql: any SQLStore

    public init(store: GatehouseStore) { sql = store.sql }

    public func saveSession(_ session: BrowserSession) async throws {
        try await sql.write { db in
            try await db.raw(
                """
                INSERT INTO browser_sessions (id_hash, user_id, auth_time, amr, created_at, last_seen_at)
                VALUES (\(bind: session.idHash), \(bind: session.user.rawValue),
                \(bind: Timestamp.milliseconds(session.authTime)), \(bind: ListColumn.encode(session.amr.amr)),
                \(bind: Timestamp.milliseconds(session.createdAt)),
                \(bind: Timestamp.milliseconds(session.lastSeenAt)))
                """
            ).run()
        }
    }

    public func session(idHash: String) async throws -> BrowserSession? {
        try await sql.read { db in
            try await db.raw("SELECT * FROM browser_sessions WHERE id_hash = \(bind: idHash)").first().map { row in
                BrowserSession(
                    idHash: try row.value("id_hash"), user: UserID(rawValue: try row.value("user_id")),
                    authTime: try row.date("auth_time"), amr: try row.authenticationMethods("amr") ?? .password,
                    createdAt: try row.date("created_at"), lastSeenAt: try row.date("last_seen_at"))
            }
        }
    }

    public func touchSession(idHash: String, at time: Date) async throws {
        try await sql.write { db in
            try await db.raw(
                "UPDATE browser_sessions SET last_seen_at = \(bind: Timestamp.milliseconds(time)) WHERE id_hash = \(bind: idHash)"
            ).run()
        }
    }

    public func deleteSession(idHash: String) async throws {
        try await sql.write { db in
            try await db.raw("DELETE FROM browser_sessions WHERE id_hash = \(bind: idHash)").run()
        }
    }

    public func recordApproval(_ approval: Approval) async throws {
        try await ApprovalRepository.record(approval, in: sql)
    }

    // MARK: Sign-in failures (the login throttle, shared by every node)

    public func signInFailures(keys: [String], since cutoff: Date) async throws -> [String: SignInFailures] {
        guard !keys.isEmpty else { return [:] }
        return try await sql.read { db in try await Self.failures(keys: keys, since: cutoff, in: db) }
    }

    private static func failures(keys: [String], since cutoff: Date, in db: any SQLDatabase) async throws
        -> [String: SignInFailures]
    {
        var failures: [String: SignInFailures] = [:]
        for row in try await db.raw(
            """
            SELECT throttle_key, COUNT(*) AS failures, MIN(failed_at) AS oldest FROM sign_in_failures
            WHERE throttle_key IN (\(binds: keys)) AND failed_at > \(bind: Timestamp.milliseconds(cutoff))
            GROUP BY throttle_key
            """
        ).all() {
            failures[try row.value("throttle_key")] = SignInFailures(
                count: Int(try row.value("failures", as: Int64.self)), oldest: try row.date("oldest"))
        }
        return failures
    }

    public func reserveSignIn(keys: [LoginThrottle.Key], attempt: String, throttle: LoginThrottle, at time: Date)
        async throws -> Date?
    {
        let kind = sql.kind
        return try await sql.transaction { db in
            // Count and insert as one step per key. SQLite runs one writer at a time; PostgreSQL takes a lock per
            // key (in one order, so two attempts never wait on each other crosswise), held until commit.
            if kind == .postgres {
                for key in keys.map(\.value).sorted() {
                    try await db.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 7240513))").run()
                }
            }
            let failures = try await Self.failures(keys: keys.map(\.value), since: throttle.cutoff(at: time), in: db)
            if let until = throttle.retryAfter(failures, keys: keys) { return until }
            for key in keys {
                try await db.raw(
                    """
                    INSERT INTO sign_in_failures (throttle_key, failed_at, attempt_id)
                    VALUES (\(bind: key.value), \(bind: Timestamp.milliseconds(time)), \(bind: attempt))
                    """
                ).run()
            }
            return nil
        }
    }

    public func releaseSignIn(attempt: String, clearing accountKey: String?) async throws {
        try await sql.transaction { db in
            try await db.raw("DELETE FROM sign_in_failures WHERE attempt_id = \(bind: attempt)").run()
            if let accountKey {
                try await db.raw("DELETE FROM sign_in_failures WHERE throttle_key = \(bind: accountKey)").run()
            }
        }
    }

    public func recordSignInFailure(keys: [String], at time: Date) async throws {
        try await sql.transaction { db in
            for key in keys {
                try await db.raw(
                    """
                    INSERT INTO sign_in_failures (throttle_key, failed_at)
                    VALUES (\(bind: key), \(bind: Timestamp.milliseconds(time)))
                    """
                ).run()
            }
        }
    }

    public func clearSignInFailures(key: String) async throws {
        try await sql.transaction { db in
            try await db.raw("DELETE FROM sign_in_failures WHERE throttle_key = \(bind: key)").run()
        }
    }
}
