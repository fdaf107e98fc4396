import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The admin use cases return values — the change prepared from a read of only what it needs, its impact, the audit
/// events of the commit — and fail with a sentence of a kind the admin API can map to a status.
@Suite struct AdminUseCaseTests {
    func withAdmin(_ backend: TestBackend, _ body: (Admin) async throws -> Void) async throws {
        try await withScratchStore(backend) { store, _ in
            let admin = Admin(
                store: store, actor: AuditActor(name: "ada"), permissions: .all, masterKey: testMasterKey,
                passwordHasher: PasswordHasher(logRounds: 4, blockSize: 8, parallelism: 1))
            try await body(admin)
        }
    }

    @Test(arguments: TestBackend.available)
    func aOneUserChangeReadsThatUserOnlyAndReturnsItsImpactAndAuditEvent(backend: TestBackend) async throws {
        try await withAdmin(backend) { admin in
            for name in ["alice", "bob", "carol"] {
                let created = try await admin.createUser(
                    NewUser(username: name, email: "\(name)@example.com", profile: Profile.systemAdministratorName))
                _ = try await admin.commit(created)
            }
            let app = try await admin.createApp(
                NewApp(
                    name: "Deduper", callbackURLs: ["https://d.example/cb"],
                    permittedUsers: .adminApprovedPreauthorized))
            #expect(app.clientID == "deduper")
            #expect(app.secret != nil)
            _ = try await admin.commit(app.change)
            _ = try await admin.commit(
                try await admin.setApp("Deduper", granted: true, on: .profile, named: Profile.systemAdministratorName))

            let prepared = try await admin.setActive("bob", false)
            #expect(Set(prepared.base.users.values.map(\.username)) == ["bob"], "one user read, not the directory")
            #expect(
                prepared.impact.losses == [
                    AccessLoss(user: "bob", app: "Deduper", reason: "user_inactive", liveGrants: 0),
                    // The console is an app System Administrator grants like any other.
                    AccessLoss(user: "bob", app: ConnectedApp.consoleName, reason: "user_inactive", liveGrants: 0),
                ])
            #expect(prepared.summaries.count == 1)
            let committed = try await admin.commit(prepared)
            #expect(committed.events.map(\.action) == [.userUpdated])
            #expect(committed.events.first?.actor == "ada")
            #expect(
                try await admin.store.auditEvents(AuditQuery(target: "bob", limit: 1)).first?.action == .userUpdated)
            #expect(try await admin.user(named: "bob").summary.active == false)
            #expect(try await admin.setActive("bob", false).isEmpty, "no change when it is so already")
        }
    }

    /// An app with a run-as user is changed from a read of that app: the read brings its run-as user (the changed
    /// directory must be whole), not the directory.
    @Test(arguments: TestBackend.available)
    func anAppWithARunAsUserIsChangedFromAReadOfThatApp(backend: TestBackend) async throws {
        try await withAdmin(backend) { admin in
            _ = try await admin.commit(
                try await admin.createUser(
                    NewUser(username: "robot", email: "r@example.com", profile: Profile.systemAdministratorName)))
            _ = try await admin.commit(
                try await admin.createApp(
                    NewApp(name: "Sync", callbackURLs: ["https://s.example/cb"], grantTypes: [.clientCredentials])
                ).change)
            _ = try await admin.commit(
                try await admin.changeApp("Sync", users: ["robot"]) { app, directory in
                    app.runAsUser = try directory.requireUser("robot").id
                })
            let block = try await admin.setBlocked("Sync", true)
            #expect(Set(block.base.users.values.map(\.username)) == ["robot"], "the run-as user, no one else")
            _ = try await admin.commit(block)
            _ = try await admin.commit(try await admin.rotateSecret(of: "Sync").change)
            let app = try await admin.app("Sync")
            #expect(app.summary.blocked)
            #expect(app.summary.runAsUser == "robot")
        }
    }

    @Test(arguments: TestBackend.available)
    func failuresSayWhatIsWrongWithAKindForEachCase(backend: TestBackend) async throws {
        try await withAdmin(backend) { admin in
            await #expect(throws: AdminFailure(.notFound, "no user named \"nobody\"")) {
                try await admin.setActive("nobody", false)
            }
            _ = try await admin.commit(
                try await admin.createUser(
                    NewUser(username: "alice", email: "a@example.com", profile: Profile.systemAdministratorName)))
            await #expect(throws: AdminFailure(.conflict, "a user named \"ALICE\" already exists")) {
                try await admin.createUser(
                    NewUser(username: "ALICE", email: "a2@example.com", profile: Profile.systemAdministratorName))
            }
            _ = try await admin.commit(try await admin.createBundle(.permissionSet, named: "Ops", permissions: []))
            await #expect(throws: AdminFailure(.invalid, "alice does not hold permission set \"Ops\"")) {
                try await admin.unassign("Ops", from: "alice")
            }
            _ = try await admin.commit(
                try await admin.createApp(NewApp(name: "Web", isPublic: true, callbackURLs: ["https://w.example/cb"]))
                    .change)
            await #expect(throws: AdminFailure(.invalid, "\"Web\" is a public app and has no secret")) {
                try await admin.rotateSecret(of: "web")
            }
            await #expect(throws: ValidationFailure.self) { try await admin.setPassword(of: "alice", to: "short") }
        }
    }

    @Test(arguments: TestBackend.available)
    func aChangePreparedFromAStaleReadIsRefusedAtCommit(backend: TestBackend) async throws {
        try await withAdmin(backend) { admin in
            _ = try await admin.commit(
                try await admin.createUser(
                    NewUser(username: "alice", email: "a@example.com", profile: Profile.systemAdministratorName)))
            let first = try await admin.setActive("alice", false)
            let second = try await admin.changeUser("alice") { user, _ in user.displayName = "Alice" }
            _ = try await admin.commit(first)
            await #expect(throws: StorageError.self) { try await admin.commit(second) }
        }
    }
}
