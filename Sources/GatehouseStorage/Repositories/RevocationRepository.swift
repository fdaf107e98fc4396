import Foundation
import GatehouseCore
import SQLKit

/// Revoked grants and JWTs (``TokenRevocation``) in the database. Every write moves the `revocations` counter and
/// stamps its rows with the new value, so a node that has seen value N loads exactly the rows above N.
enum RevocationRepository {
    static let counter = "revocations"

    /// Records `revocations` inside the caller's transaction.
    static func record(_ revocations: [TokenRevocation], in db: any SQLDatabase, kind: DatabaseKind) async throws {
        guard !revocations.isEmpty else { return }
        let seq = try await ChangeCounters.bump(counter, in: db, kind: kind)
        for revocation in revocations {
            let (grant, jti): (String?, String?) =
                switch revocation.subject {
                case .grant(let id): (id.rawValue, nil)
                case .token(let jti): (nil, jti)
                }
            try await db.raw(
                """
                INSERT INTO token_revocations (seq, grant_id, jti, keep_until)
                VALUES (\(bind: seq), \(bind: grant), \(bind: jti), \(bind: Timestamp.milliseconds(revocation.keepUntil)))
                """
            ).run()
        }
    }

    /// The revocations still in force at `time` recorded after counter value `seen`, and the counter's value.
    static func load(after seen: Int64, at time: Date, in db: any SQLDatabase) async throws
        -> (revocations: [TokenRevocation], version: Int64)
    {
        let version: Int64 =
            try await db.raw("SELECT value FROM change_counters WHERE name = \(bind: counter)").first()?.value("value")
            ?? 0
        guard version > seen else { return ([], version) }
        let rows = try await db.raw(
            """
            SELECT grant_id, jti, keep_until FROM token_revocations
            WHERE seq > \(bind: seen) AND seq <= \(bind: version) AND keep_until >= \(bind: Timestamp.milliseconds(time))
            """
        ).all()
        let revocations = try rows.compactMap { row -> TokenRevocation? in
            let keepUntil = try row.date("keep_until")
            if let grant = try row.value("grant_id", as: String?.self) {
                return TokenRevocation(.grant(GrantID(rawValue: grant)), keepUntil: keepUntil)
            }
            return try row.value("jti", as: String?.self).map { TokenRevocation(.token(jti: $0), keepUntil: keepUntil) }
        }
        return (revocations, version)
    }
}

/// Every node's in-memory ``RevocationList``, with the counter value it is complete up to.
public final class LiveRevocations: Sendable {
    private let state: Live<(list: RevocationList, version: Int64)>

    public init(list: RevocationList = RevocationList(), version: Int64 = -1) { state = Live((list, version)) }

    public var current: RevocationList { state.current.list }
    public var version: Int64 { state.current.version }

    /// Applies revocations committed on this node at once, ahead of the load the counter will cause.
    public func insert(_ revocations: [TokenRevocation]) {
        state.modify { for revocation in revocations { $0.list.insert(revocation) } }
    }

    /// Adds what a load found after ``version``, forgets what has expired, and moves to `version`.
    public func merge(_ revocations: [TokenRevocation], version: Int64, at time: Date) {
        state.modify { state in
            for revocation in revocations { state.list.insert(revocation) }
            state.list.prune(at: time)
            state.version = max(state.version, version)
        }
    }
}

extension GatehouseStore {
    /// The revocations recorded after counter value `seen` that are still in force at `time`, and the counter.
    public func loadRevocations(after seen: Int64, at time: Date) async throws
        -> (revocations: [TokenRevocation], version: Int64)
    {
        try await sql.transaction { db in try await RevocationRepository.load(after: seen, at: time, in: db) }
    }
}
