import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import SQLKit
import Testing

/// The repository conformance suite: every backend must pass every test here.
@Suite struct StorageConformanceTests {
    let actor = AuditActor(name: "test", sourceIP: "127.0.0.1")
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: TestBackend.available)
    func migrationsCreateTheSchemaAndTheBuiltInProfileOnce(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, database in
            #expect(try await Migrator.appliedVersions(store.sql) == Array(1...Migrator.latestVersion))
            #expect(try await Migrator.migrate(store.sql).isEmpty)
            // Opening again (a second process, a restart) neither migrates nor duplicates the built-in profile.
            let again = try await GatehouseStore.open(database.location)
            let directory = try await again.loadDirectory()
            await again.close()
            let administrators = try #require(directory.profile(named: Profile.systemAdministratorName))
            #expect(administrators.isBuiltIn)
            #expect(administrators.adminPermissions == Set(AdminPermission.allCases))
            #expect(directory.profiles.count == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func everyFieldOfEveryEntitySurvivesAStoreAndLoad(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let app = ConnectedApp(
                name: "Deduper", clientID: "deduper",
                secrets: [
                    ClientSecret(hash: "h1", createdAt: now),
                    ClientSecret(hash: "h2", createdAt: now.addingTimeInterval(1)),
                ],
                callbackURLs: ["http://127.0.0.1:9999/cb", "https://d.example/cb"], scopes: ["openid", "api"],
                grantTypes: [.authorizationCode, .clientCredentials, .jwtBearer],
                permittedUsers: .adminApprovedPreauthorized,
                refreshTokenPolicy: .expireIfUnused(PolicyDuration(seconds: 604_800)),
                isRefreshTokenRotationEnabled: false,
                accessTokenFormat: .opaque, accessTokenLifetime: PolicyDuration(seconds: 600),
                idTokenLifetime: PolicyDuration(seconds: 1_200), requiresPKCE: false, isBlocked: true)
            let profile = Profile(name: "Sales User", adminPermissions: [.viewSetup], connectedApps: [app.id])
            let set = PermissionSet(name: "Deduper Users", adminPermissions: [.manageUsers], connectedApps: [app.id])
            let alice = User(
                username: "Alice", email: "alice@example.com", displayName: "Alice A.", isActive: false,
                passwordHash: "$scrypt$x", profile: profile.id, permissionSets: [set.id])
            var appWithRunAs = app
            appWithRunAs.runAsUser = alice.id
            // Written in an order that breaks foreign keys mid-transaction: they are checked at commit.
            let changes: [DirectoryChange] = [
                .createApp(appWithRunAs), .createUser(alice), .createPermissionSet(set), .createProfile(profile),
            ]
            let version = try await store.commit(changes, basedOn: base, actor: actor, at: now)
            #expect(version == base.version + 1)

            let loaded = try await store.loadDirectory()
            #expect(loaded.version == version)
            #expect(loaded.apps[app.id] == appWithRunAs)
            #expect(loaded.profiles[profile.id] == profile)
            #expect(loaded.permissionSets[set.id] == set)
            #expect(loaded.users[alice.id] == alice)
        }
    }

    /// Per-entity optimistic concurrency (ADR 7): two admins working from one read do not refuse each other when they
    /// change different entities; the second change to the same entity is refused, and nothing of it is stored.
    @Test(arguments: TestBackend.available)
    func onlyAChangeComputedFromAStaleVersionOfTheSameEntityIsRefused(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            try await store.commit([.createProfile(Profile(name: "A"))], basedOn: base, actor: actor, at: now)
            try await store.commit([.createProfile(Profile(name: "B"))], basedOn: base, actor: actor, at: now)
            let read = try await store.loadDirectory()
            let a = try #require(read.profile(named: "A"))
            var renamed = a
            renamed.name = "A2"
            try await store.commit([.updateProfile(before: a, after: renamed)], basedOn: read, actor: actor, at: now)
            var other = a
            other.adminPermissions = [.manageUsers]
            await #expect(throws: StorageError.self) {
                try await store.commit([.updateProfile(before: a, after: other)], basedOn: read, actor: actor, at: now)
            }
            await #expect(throws: StorageError.self) {
                try await store.commit([.deleteProfile(a)], basedOn: read, actor: actor, at: now)
            }
            let stored = try await store.loadDirectory()
            #expect(stored.profiles[a.id] == renamed)
            #expect(stored.profile(named: "B") != nil)
            // A name someone else took meanwhile is a conflict too, not a constraint error.
            await #expect(
                throws: StorageError.nameTaken(
                    "a profile named 'b' was created by someone else since this change was prepared")
            ) {
                try await store.commit([.createProfile(Profile(name: "b"))], basedOn: base, actor: actor, at: now)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func aFailingBatchChangesNothing(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            // The second profile breaks the unique name rule: the first must not be stored either.
            await #expect(throws: (any Error).self) {
                try await store.commit(
                    [.createProfile(Profile(name: "Sales")), .createProfile(Profile(name: "SALES"))], basedOn: base,
                    actor: actor, at: now)
            }
            let after = try await store.loadDirectory()
            #expect(after.version == base.version)
            #expect(after.profile(named: "Sales") == nil)
            #expect(try await store.auditEvents(AuditQuery(target: "Sales")).isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func everyChangeIsAuditedWithBeforeAndAfter(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let app = ConnectedApp(name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"])
            try await store.commit([.createApp(app)], basedOn: base, actor: actor, at: now)
            var blocked = app
            blocked.isBlocked = true
            try await store.commit(
                [.updateApp(before: app, after: blocked)], basedOn: try await store.loadDirectory(), actor: actor,
                at: now)
            let events = try await store.auditEvents(AuditQuery(target: "Deduper"))
            #expect(events.map(\.action) == [.connectedAppUpdated, .connectedAppCreated])
            let update = try #require(events.first)
            #expect(update.actor == "test")
            #expect(update.sourceIP == "127.0.0.1")
            #expect(update.occurredAt == now)
            #expect(update.before?.contains(#""blocked":false"#) == true)
            #expect(update.after?.contains(#""blocked":true"#) == true)
        }
    }

    @Test(arguments: TestBackend.available)
    func theAuditTrailIsAppendOnly(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            await #expect(throws: (any Error).self) {
                try await store.sql.transaction { db in
                    try await db.raw("UPDATE audit_events SET actor = 'mallory'").run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await store.sql.transaction { db in try await db.raw("DELETE FROM audit_events").run() }
            }
            let events = try await store.auditEvents()
            #expect(!events.isEmpty)
            #expect(events.allSatisfy { $0.actor == "system" })
        }
    }

    @Test(arguments: TestBackend.available)
    func deletingAnAppRemovesItsGrantsAndSecrets(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let app = ConnectedApp(
                name: "Deduper", clientID: "deduper", secrets: [ClientSecret(hash: "h", createdAt: now)],
                callbackURLs: ["https://d.example/cb"])
            let profile = Profile(name: "Sales", connectedApps: [app.id])
            try await store.commit([.createApp(app), .createProfile(profile)], basedOn: base, actor: actor, at: now)
            try await store.commit([.deleteApp(app)], basedOn: try await store.loadDirectory(), actor: actor, at: now)
            let after = try await store.loadDirectory()
            #expect(after.apps[app.id] == nil)
            #expect(after.profiles[profile.id]?.connectedApps.isEmpty == true)
            let secrets = try await store.sql.read { db in try await db.raw("SELECT id FROM client_secrets").all().count
            }
            #expect(secrets == 0)
        }
    }

    @Test(arguments: TestBackend.available)
    func theMasterKeyIsPinnedOnFirstUse(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            try await store.checkMasterKey(testMasterKey)
            try await store.checkMasterKey(testMasterKey)
            let other = try MasterKey(bytes: [UInt8](repeating: 9, count: 32))
            await #expect(throws: StorageError.self) { try await store.checkMasterKey(other) }
        }
    }
}
