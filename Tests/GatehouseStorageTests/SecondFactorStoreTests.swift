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
                try await factors.addFactor(
                    SecondFactor(id: id, user: user.id, kind: .totp, name: id, createdAt: now),
                    secret: .totp(sealedSecret: "s", firstStep: 1), recoveryCodeHashes: ["h1", "h2"],
                    keptSession: "kept", actor: .user("ann", sourceIP: nil))
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

    /// A passkey's credential id names one passkey among all users', its counter only grows (or stays at zero for
    /// an authenticator that keeps none), and a WebAuthn challenge is answered once.
    @Test(arguments: TestBackend.available)
    func passkeysKeepTheirRules(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let profile = try #require(base.profile(named: Profile.systemAdministratorName))
            let ann = User(username: "ann", email: "ann@example.com", profile: profile.id)
            let bob = User(username: "bob", email: "bob@example.com", profile: profile.id)
            try await store.commit(
                [.createUser(ann), .createUser(bob)], basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let factors = SQLSecondFactorStore(store: store)
            let now = Date()
            func add(_ id: String, to user: User, credential: String, count: Int64 = 0) async throws -> AddedFactor {
                try await factors.addFactor(
                    SecondFactor(id: id, user: user.id, kind: .passkey, name: id, createdAt: now),
                    secret: .passkey(
                        PasskeyCredential(
                            id: credential, publicKey: "key", signCount: count, backupEligible: true,
                            transports: ["hybrid", "internal"])),
                    recoveryCodeHashes: ["h"], keptSession: nil, actor: .user(user.username, sourceIP: nil))
            }
            #expect(try await add("p1", to: ann, credential: "c1") == .added(first: true))
            #expect(try await add("p2", to: bob, credential: "c1") == .exists, "one credential, one passkey")
            #expect(try await add("p3", to: ann, credential: "c3", count: 5) == .added(first: false))
            let found = try #require(try await factors.passkey(credentialID: "c1"))
            #expect(found.factor.user == ann.id && found.credential.backupEligible && found.credential.signCount == 0)
            #expect(
                found.credential.transports == ["hybrid", "internal"] && found.credential.passwordFingerprint == nil)
            #expect(try await factors.passkeys(of: ann.id).map(\.factor.id) == ["p1", "p3"])
            #expect(try await factors.passkeys(of: bob.id).isEmpty)
            #expect(try await factors.totpFactors(of: ann.id).isEmpty)

            func accept(_ id: String, _ count: Int64, fingerprint: String? = nil) async throws -> Bool {
                try await factors.acceptPasskey(factor: id, signCount: count, passwordFingerprint: fingerprint, at: now)
            }
            #expect(try await accept("p1", 0), "no counter: zero stays")
            #expect(try await accept("p3", 6, fingerprint: "fp"))
            #expect(try await !accept("p3", 6), "a counter that stayed")
            #expect(try await !accept("p3", 2), "one that went back")
            #expect(try await !accept("p3", 0))
            #expect(try await accept("p3", 7))
            let used = try #require(try await factors.passkey(credentialID: "c3"))
            #expect(used.credential.signCount == 7 && used.credential.passwordFingerprint == "fp", "kept without one")

            let expiry = now.addingTimeInterval(300)
            #expect(try await factors.useWebAuthnChallenge("ch", expiresAt: expiry))
            #expect(try await !factors.useWebAuthnChallenge("ch", expiresAt: expiry), "a challenge once")
            let sessions = SQLSessionStore(store: store)
            for id in ["kept", "elsewhere"] {
                try await sessions.saveSession(
                    BrowserSession(idHash: id, user: ann.id, authTime: now, createdAt: now, lastSeenAt: now))
            }
            #expect(
                try await factors.removeSecondFactor(
                    "p1", of: ann.id, keptSession: "kept", actor: .user("ann", sourceIP: nil), at: now))
            #expect(try await sessions.session(idHash: "elsewhere") == nil, "it may have signed that one in")
            #expect(try await sessions.session(idHash: "kept") != nil)
            #expect(try await factors.passkey(credentialID: "c1") == nil)
        }
    }
}
