import Foundation
import SQLKit

/// One versioned schema step. The SQL is shared by both databases; ``SchemaDialect`` supplies the few
/// fragments that differ.
struct Migration: Sendable {
    let version: Int
    let name: String
    let statements: @Sendable (SchemaDialect) -> [String]
}

/// The SQL fragments that differ between SQLite and PostgreSQL.
struct SchemaDialect: Sendable {
    let kind: DatabaseKind

    /// An increasing 64-bit primary key assigned by the database.
    var autoIncrementPrimaryKey: String {
        switch kind {
        case .sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT"
        case .postgres: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        }
    }

    /// Statements that make a table refuse UPDATE and DELETE.
    func appendOnly(_ table: String) -> [String] {
        switch kind {
        case .sqlite:
            [
                "CREATE TRIGGER \(table)_append_only_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END",
                "CREATE TRIGGER \(table)_append_only_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END",
            ]
        case .postgres:
            [
                """
                CREATE FUNCTION \(table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(table) is append-only'; END $$
                """,
                "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION \(table)_append_only()",
            ]
        }
    }
}

/// Applies pending migrations in order, each in its own transaction. Safe to run from several processes at
/// once: PostgreSQL serializes on an advisory lock, SQLite on its write lock.
public enum Migrator {
    static let all: [Migration] = [
        Migrations.initialSchema, Migrations.oauthSchema, Migrations.accessSchema, Migrations.revocationSchema,
        Migrations.throttleSchema, Migrations.hardeningSchema, Migrations.changeLogSchema,
        Migrations.impactSchema, Migrations.listingSchema, Migrations.builtInAppsSchema,
        Migrations.accessRequestSchema, Migrations.approvalPagesSchema, Migrations.previewSchema,
        Migrations.loginRestrictionSchema,
        Migrations.sessionPolicySchema, Migrations.secondFactorSchema, Migrations.passkeySchema,
    ]

    /// The newest schema version this build knows.
    public static var latestVersion: Int { all.map(\.version).max() ?? 0 }

    /// Brings the schema up to date; returns the versions applied now.
    @discardableResult
    public static func migrate(_ store: any SQLStore) async throws -> [Int] {
        let dialect = SchemaDialect(kind: store.kind)
        try await store.transaction { db in
            // `IF NOT EXISTS` does not make two concurrent creations safe on PostgreSQL (the second fails on the
            // catalog's unique index): nodes starting at once on a new database take turns.
            if dialect.kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(7240512)").run() }
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
        }
        var applied: [Int] = []
        for migration in all {
            let didApply = try await store.transaction { db -> Bool in
                if dialect.kind == .postgres {
                    try await db.raw("SELECT pg_advisory_xact_lock(7240512)").run()
                }
                let existing = try await db.raw("SELECT version FROM schema_migrations").all()
                    .map { try $0.decode(column: "version", as: Int.self) }
                if let newest = existing.max(), newest > latestVersion {
                    throw StorageError.schemaTooNew(found: newest, known: latestVersion)
                }
                guard !existing.contains(migration.version) else { return false }
                for statement in migration.statements(dialect) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamp.milliseconds(Date())))
                    """
                ).run()
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }

    /// The versions recorded as applied.
    public static func appliedVersions(_ store: any SQLStore) async throws -> [Int] {
        try await store.read { db in
            try await db.raw("SELECT version FROM schema_migrations ORDER BY version").all()
                .map { try $0.decode(column: "version", as: Int.self) }
        }
    }
}

/// Times are stored as whole milliseconds since 1970 (BIGINT), the same on both databases.
enum Timestamp {
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000).rounded()) }
    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1_000) }
}
