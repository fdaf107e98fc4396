import Foundation
import GatehouseCore
import SQLKit

/// ``PendingAuthorizationStore`` on SQLite and PostgreSQL.
public struct SQLPendingAuthorizationStore: PendingAuthorizationStore {
    let sql: any SQLStore

    public init(store: GatehouseStore) { sql = store.sql }

    public func savePendingAuthorization(_ pending: PendingAuthorization) async throws {
        let parameters = String(decoding: try JSONEncoder().encode(pending.parameters), as: UTF8.self)
        try await sql.transaction { db in
            try await db.raw(
                """
                INSERT INTO authorization_requests (handle_hash, app_id, parameters, browser_binding, requires_sign_in,
                signed_in_user_id, signed_in_at, created_at, expires_at, completed_at, refusal_trace_id)
                VALUES (\(bind: pending.handleHash), \(bind: pending.app.rawValue), \(bind: parameters),
                \(bind: pending.browserBinding), \(bind: pending.requiresSignIn), \(bind: pending.signedInUser?.rawValue),
                \(bind: pending.signedInAt.map(Timestamp.milliseconds)), \(bind: Timestamp.milliseconds(pending.createdAt)),
                \(bind: Timestamp.milliseconds(pending.expiresAt)), \(bind: pending.completedAt.map(Timestamp.milliseconds)),
                \(bind: pending.refusalTraceID))
                """
            ).run()
        }
    }

    public func pendingAuthorization(handleHash: String) async throws -> PendingAuthorization? {
        try await sql.read { db in
            guard
                let row = try await db.raw(
                    "SELECT * FROM authorization_requests WHERE handle_hash = \(bind: handleHash)"
                ).first()
            else { return nil }
            let text: String = try row.value("parameters")
            guard let parameters = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)) else {
                throw StorageError.notFound("authorization request \(handleHash) holds malformed parameters")
            }
            return PendingAuthorization(
                handleHash: try row.value("handle_hash"), parameters: parameters,
                app: ConnectedAppID(rawValue: try row.value("app_id")),
                browserBinding: try row.value("browser_binding"),
                requiresSignIn: try row.value("requires_sign_in"),
                signedInUser: try row.value("signed_in_user_id", as: String?.self).map(UserID.init),
                signedInAt: try row.value("signed_in_at", as: Int64?.self).map(Timestamp.date),
                createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
                completedAt: try row.value("completed_at", as: Int64?.self).map(Timestamp.date),
                refusalTraceID: try row.value("refusal_trace_id", as: String?.self))
        }
    }

    public func recordSignIn(handleHash: String, user: UserID, at time: Date) async throws {
        try await sql.transaction { db in
            try await db.raw(
                """
                UPDATE authorization_requests SET signed_in_user_id = \(bind: user.rawValue),
                signed_in_at = \(bind: Timestamp.milliseconds(time))
                WHERE handle_hash = \(bind: handleHash) AND completed_at IS NULL
                """
            ).run()
        }
    }

    public func recordRefusal(handleHash: String, traceID: String) async throws {
        try await sql.transaction { db in
            try await db.raw(
                """
                UPDATE authorization_requests SET refusal_trace_id = \(bind: traceID)
                WHERE handle_hash = \(bind: handleHash) AND completed_at IS NULL
                """
            ).run()
        }
    }

    public func completePendingAuthorization(handleHash: String, at time: Date) async throws -> Bool {
        try await sql.transaction { db in
            try await db.raw(
                """
                UPDATE authorization_requests SET completed_at = \(bind: Timestamp.milliseconds(time))
                WHERE handle_hash = \(bind: handleHash) AND completed_at IS NULL RETURNING handle_hash
                """
            ).first() != nil
        }
    }
}
