import Crypto
import Foundation
import GatehouseCore
import GatehouseStorage

/// Second factors on the web: their storage, the sealers that keep their secrets from the database and from the
/// browser, and the check of a typed code (throttled like a password, each code accepted once).
struct SecondFactorServices: Sendable {
    let store: any SecondFactorStore
    /// TOTP secrets as the database holds them.
    let secrets: Sealer
    /// What a browser holds between the password and the second factor (``SecondFactorChallenge``).
    let challenges: Sealer
    /// An authenticator being set up from the account page (``AuthenticatorEnrolment``): a different purpose, so
    /// that it can never stand in for a sign-in's challenge, which proves a password.
    let enrolments: Sealer
    /// The key recovery codes are hashed under (``RecoveryCodes/hash(_:user:key:)``).
    let recoveryCodeKey: SymmetricKey
    /// Passkeys' ceremonies.
    let passkeys: PasskeyServices

    init(store: any SecondFactorStore, masterKey: MasterKey, relyingParty: RelyingParty) {
        self.store = store
        passkeys = PasskeyServices(relyingParty: relyingParty, store: store, masterKey: masterKey)
        recoveryCodeKey = masterKey.derivedKey(purpose: "recovery-codes")
        secrets = Sealer(masterKey: masterKey, purpose: "totp-secret")
        challenges = Sealer(masterKey: masterKey, purpose: "second-factor-challenge")
        enrolments = Sealer(masterKey: masterKey, purpose: "authenticator-enrolment")
    }

    /// What a typed second-factor code amounted to.
    enum Check: Equatable {
        case throttled(until: Date)
        case incorrect
        case verified
    }

    /// Runs one throttled attempt at a code of `user`'s: reserved against the throttle before `verify` runs (per
    /// user and per address, on every node, so a parallel burst gets no more verdicts than the limit), and taken
    /// back when it was right.
    func attempt(
        by user: User, address: String?, throttle: LoginThrottle, sessions: any SessionStore, at now: Date,
        _ verify: () async throws -> Bool
    ) async throws -> Check {
        let keys = throttle.secondFactorKeys(user: user.id, address: address)
        return try await attempt(
            keys: keys, clearing: keys[0].value, throttle: throttle, sessions: sessions, at: now, verify)
    }

    /// Runs one throttled attempt under `keys`; a success forgets the earlier failures under `clearing`.
    func attempt(
        keys: [LoginThrottle.Key], clearing: String?, throttle: LoginThrottle, sessions: any SessionStore,
        at now: Date, _ verify: () async throws -> Bool
    ) async throws -> Check {
        // No key at all (no address, for a check counted by address alone): nothing to count under.
        guard !keys.isEmpty else { return try await verify() ? .verified : .incorrect }
        let attempt = TokenValue.generate(prefix: "")
        if let until = try await sessions.reserveSignIn(keys: keys, attempt: attempt, throttle: throttle, at: now) {
            return .throttled(until: until)
        }
        guard try await verify() else { return .incorrect }
        try await sessions.releaseSignIn(attempt: attempt, clearing: clearing)
        return .verified
    }

    /// Checks the first code of an authenticator app being set up (proving it was), throttled as any code; returns
    /// the time step it matched when it did.
    func attemptFirstCode(
        _ code: String, of totp: TimeBasedOneTimePassword, by user: User, address: String?, throttle: LoginThrottle,
        sessions: any SessionStore, at now: Date
    ) async throws -> (check: Check, step: Int64?) {
        var step: Int64?
        let check = try await attempt(by: user, address: address, throttle: throttle, sessions: sessions, at: now) {
            step = totp.matchingStep(code, at: now, after: nil)
            return step != nil
        }
        return (check, step)
    }

    /// What a wrong first code of an authenticator app being set up is told.
    static let firstCodeMismatch =
        "That code does not match. Check that the app added this account and that your phone's clock is right."

    /// Whether `code` is a current code of one of the user's authenticator apps (not accepted before), or one of
    /// their unused recovery codes (used up now) when it looks like one.
    func verify(_ code: String, of user: User, at now: Date) async throws -> Bool {
        if RecoveryCodes.looksLikeOne(code) {
            return try await store.useRecoveryCode(user: user.id, hash: recoveryCodeHash(code, of: user), at: now)
        }
        return try await matchesAuthenticator(code, of: user, at: now)
    }

    private func matchesAuthenticator(_ code: String, of user: User, at now: Date) async throws -> Bool {
        for stored in try await store.totpFactors(of: user.id) {
            guard let text = secrets.open(stored.sealedSecret, as: String.self), let secret = Base32.decode(text),
                let step = TimeBasedOneTimePassword(secret: secret).matchingStep(code, at: now, after: stored.lastStep)
            else { continue }
            // The same code posted twice at once, to one node or two: one of them wins.
            if try await store.acceptTOTP(factor: stored.factor.id, step: step, at: now) { return true }
        }
        return false
    }

    /// The passkeys among a user's `factors`, with their credentials; no query when there are none.
    func passkeys(among factors: [SecondFactor], of user: UserID) async throws -> [StoredPasskey] {
        factors.contains { $0.kind == .passkey } ? try await store.passkeys(of: user) : []
    }

    func recoveryCodeHash(_ code: String, of user: User) -> String {
        RecoveryCodes.hash(code, user: user.id, key: recoveryCodeKey)
    }

    /// What saving an authenticator app came to.
    enum Added {
        /// Saved, with the recovery codes to show once when it is the user's first factor.
        case added(recoveryCodes: [String]?)
        /// This enrolment was completed already (its form posted again): nothing added.
        case alreadyAdded
        /// The user has the most factors already.
        case tooMany
    }

    /// Saves an authenticator app whose first code was typed (proving it is set up) under the enrolment's `id`.
    /// The user's first factor comes with recovery codes, and ends their other sessions but `keptSession`.
    func add(
        _ totp: TimeBasedOneTimePassword, id: String, name: String, firstStep: Int64, for user: User,
        keptSession: String?, actor: AuditActor, at now: Date
    ) async throws -> Added {
        try await add(
            .totp, secret: .totp(sealedSecret: try secrets.seal(totp.base32), firstStep: firstStep), id: id,
            name: name, unnamed: "Authenticator app", for: user, keptSession: keptSession, actor: actor, at: now)
    }

    /// Saves a passkey whose registration verified, as ``add(_:id:name:firstStep:for:keptSession:actor:at:)`` does.
    func addPasskey(
        _ credential: PasskeyCredential, id: String, name: String, for user: User, keptSession: String?,
        actor: AuditActor, at now: Date
    ) async throws -> Added {
        try await add(
            .passkey, secret: .passkey(credential), id: id, name: name, unnamed: "Passkey", for: user,
            keptSession: keptSession, actor: actor, at: now)
    }

    private func add(
        _ kind: SecondFactor.Kind, secret: FactorSecret, id: String, name: String, unnamed: String, for user: User,
        keptSession: String?, actor: AuditActor, at now: Date
    ) async throws -> Added {
        let codes = RecoveryCodes.generate()
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines).prefix(SecondFactor.longestName)
        switch try await store.addFactor(
            SecondFactor(
                id: id, user: user.id, kind: kind, name: trimmed.isEmpty ? unnamed : String(trimmed), createdAt: now),
            secret: secret, recoveryCodeHashes: codes.map { recoveryCodeHash($0, of: user) }, keptSession: keptSession,
            actor: actor)
        {
        case .added(let first): return .added(recoveryCodes: first ? codes : nil)
        case .exists: return .alreadyAdded
        case .tooMany: return .tooMany
        }
    }

    /// "Try again in N minutes" for throttled second-factor codes.
    static func retryMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many wrong codes. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }
}
