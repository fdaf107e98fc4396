import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The second-factor store's own guarantees on both databases: the first factor is decided in its transaction and
/// ends the user's other sessions, an enrolment completed twice adds one factor, a user has at most five, a code's
/// time step and a recovery code are used once.
@Suite struct SecondFactorStoreTests {
    @Test(arguments: TestBackend.available)
    func addingFactorsKeepsItsRules(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let profile = try #require(base.profile(named: Profile.systemAdministratorName))
            let user = User(username: "ann", email: "ann@example.com", profile: profile.id)
            try await store.commit([.createUser(user)], basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let sessions = SQLSessionStore(store: store)
            let now = Date()
            for id in ["kept", "other"] {
                try await sessions.saveSession(
                    BrowserSession(idHash: id, user: user.id, authTime: now, createdAt: now, lastSeenAt: now))
            }
            let factors = SQLSecondFactorStore(store: store)
            func add(_ id: String) async throws -> AddedFactor {
                try await factors.addTOTP(
                    SecondFactor(id: id, user: user.id, kind: .totp, name: id, createdAt: now), sealedSecret: "s",
                    firstStep: 1, recoveryCodeHashes: ["h1", "h2"], keptSession: "kept",
                    actor: .user("ann", sourceIP: nil))
            }
            #expect(try await add("f1") == .added(first: true))
            #expect(try await sessions.session(idHash: "other") == nil, "a password alone made it")
            #expect(try await sessions.session(idHash: "kept") != nil)
            #expect(try await factors.remainingRecoveryCodes(of: user.id) == 2)
            #expect(try await add("f1") == .exists, "the same enrolment twice")
            for id in ["f2", "f3", "f4", "f5"] { #expect(try await add(id) == .added(first: false)) }
            #expect(try await add("f6") == .tooMany)
            #expect(try await factors.secondFactors(of: user.id).count == SecondFactor.maximumPerUser)

            #expect(try await factors.acceptTOTP(factor: "f1", step: 2, at: now))
            #expect(try await !factors.acceptTOTP(factor: "f1", step: 2, at: now), "a step once")
            #expect(try await !factors.acceptTOTP(factor: "f1", step: 1, at: now), "an older step")
            #expect(try await factors.useRecoveryCode(user: user.id, hash: "h1", at: now))
            #expect(try await !factors.useRecoveryCode(user: user.id, hash: "h1", at: now), "a recovery code once")
        }
    }
}
