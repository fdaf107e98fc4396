import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Users created in bulk (a load, a provisioning burst) get the checks each creation gets: a name taken meanwhile,
/// a profile or permission set deleted meanwhile, or one name twice in the batch is a conflict that stores nothing.
@Suite struct BulkCreationTests {
    static let actor = AuditActor(name: "t")

    @Test(arguments: TestBackend.available)
    func aThousandUsersInOneCommitAreStoredLoggedAndAudited(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let admin = try #require(base.profile(named: Profile.systemAdministratorName))
            let set = PermissionSet(name: "S")
            let users = (0..<1_000).map {
                User(username: "u\($0)", email: "u\($0)@example.com", profile: admin.id, permissionSets: [set.id])
            }
            let version = try await store.commit(
                [.createPermissionSet(set)] + users.map(DirectoryChange.createUser), basedOn: base,
                actor: Self.actor, at: Date())
            let loaded = try await store.loadDirectory()
            #expect(loaded.users.count == 1_000)
            #expect(loaded.user(named: "u999")?.permissionSets == [set.id])
            #expect(loaded.version(of: .user(users[0].id)) == version)
            let delta = try #require(try await store.directoryChanges(after: base.version))
            #expect(delta.users.count == 1_000)
            #expect(try await store.auditEvents(AuditQuery(actor: "t", limit: 2_000)).count == 1_001)
        }
    }

    @Test(arguments: TestBackend.available)
    func conflictsInABulkCreationStoreNothing(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let stale = try await store.loadDirectory()
            let admin = try #require(stale.profile(named: Profile.systemAdministratorName))
            let set = PermissionSet(name: "S")
            try await store.commit(
                [
                    .createPermissionSet(set),
                    .createUser(User(username: "taken", email: "t@example.com", profile: admin.id)),
                ],
                basedOn: stale, actor: Self.actor, at: Date())
            func create(_ names: [String], sets: Set<PermissionSetID> = []) async throws {
                try await store.commit(
                    names.map {
                        .createUser(
                            User(username: $0, email: "\($0)@example.com", profile: admin.id, permissionSets: sets))
                    }, basedOn: try await store.loadDirectory(), actor: Self.actor, at: Date())
            }
            await #expect(throws: StorageError.self) { try await create(["a", "TAKEN", "b"]) }
            await #expect(throws: StorageError.self) { try await create(["c", "C"]) }
            let base = try await store.loadDirectory()
            try await store.commit(
                [.deletePermissionSet(try #require(base.permissionSets[set.id]))], basedOn: base, actor: Self.actor,
                at: Date())
            await #expect(throws: StorageError.self) { try await create(["d"], sets: [set.id]) }
            #expect(try await store.loadDirectory().users.count == 1, "nothing stored by the refused batches")
        }
    }
}
