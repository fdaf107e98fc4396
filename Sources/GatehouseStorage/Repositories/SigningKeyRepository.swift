import Foundation
import GatehouseCore
import SQLKit

/// Signing keys, private halves sealed under the master key.
public struct SigningKeyStore: Sendable {
    /// The change counter every save moves, so that every node reloads its keys (and only then).
    public static let counter = "signing_keys"

    let sql: any SQLStore
    let sealer: KeySealer

    public init(store: GatehouseStore, masterKey: MasterKey) {
        sql = store.sql
        sealer = KeySealer(masterKey: masterKey)
    }

    /// Every key, unsealed.
    public func load() async throws -> KeyRing {
        let rows = try await sql.read { db in
            try await db.raw(
                "SELECT kid, algorithm, sealed_private_key, created_at, activates_at, retired_at, expires_at FROM signing_keys"
            ).all()
        }
        return KeyRing(
            try rows.map { row in
                let kid: String = try row.value("kid")
                let algorithm: SigningAlgorithm = try storedEnum(try row.value("algorithm"), column: "algorithm")
                return ScheduledSigningKey(
                    key: try sealer.open(try row.value("sealed_private_key"), kid: kid, algorithm: algorithm),
                    createdAt: try row.date("created_at"), activatesAt: try row.date("activates_at"),
                    retiredAt: try row.value("retired_at", as: Int64?.self).map(Timestamp.date),
                    expiresAt: try row.value("expires_at", as: Int64?.self).map(Timestamp.date))
            })
    }

    /// Stores new keys and the new schedules of retired ones in one transaction, and moves the directory
    /// version so that every node reloads its keys.
    public func save(_ keys: [ScheduledSigningKey], updating retired: [ScheduledSigningKey]) async throws {
        let sealed = try keys.map { ($0, try sealer.seal($0.key)) }
        let kind = sql.kind
        try await sql.transaction { db in
            for (key, sealedKey) in sealed {
                try await db.raw(
                    """
                    INSERT INTO signing_keys (kid, algorithm, sealed_private_key, created_at, activates_at, retired_at, expires_at)
                    VALUES (\(bind: key.key.kid), \(bind: key.key.algorithm.rawValue), \(bind: sealedKey),
                    \(bind: Timestamp.milliseconds(key.createdAt)), \(bind: Timestamp.milliseconds(key.activatesAt)),
                    \(bind: key.retiredAt.map(Timestamp.milliseconds)), \(bind: key.expiresAt.map(Timestamp.milliseconds)))
                    """
                ).run()
            }
            for key in retired {
                try await db.raw(
                    """
                    UPDATE signing_keys SET retired_at = \(bind: key.retiredAt.map(Timestamp.milliseconds)),
                    expires_at = \(bind: key.expiresAt.map(Timestamp.milliseconds)) WHERE kid = \(bind: key.key.kid)
                    """
                ).run()
            }
            try await ChangeCounters.bump(Self.counter, in: db, kind: kind)
        }
    }

    /// Creates an active key for each algorithm that has none (a new instance), and returns the ring.
    public func ensureKeys(at time: Date) async throws -> KeyRing {
        let ring = try await load()
        let missing = ring.missingAlgorithms(at: time)
        guard !missing.isEmpty else { return ring }
        let created = try missing.map {
            ScheduledSigningKey(key: try SigningKey.generate($0), createdAt: time, activatesAt: time)
        }
        try await save(created, updating: [])
        return try await load()
    }

    /// Removes keys that no token can need any more; every node then drops them from memory too.
    public func purgeExpired(before time: Date) async throws {
        let kind = sql.kind
        try await sql.transaction { db in
            let removed = try await db.raw(
                "DELETE FROM signing_keys WHERE expires_at < \(bind: Timestamp.milliseconds(time)) RETURNING kid"
            ).all()
            if !removed.isEmpty { try await ChangeCounters.bump(Self.counter, in: db, kind: kind) }
        }
    }
}
