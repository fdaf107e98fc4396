import Crypto
import Foundation

/// A second factor a user enrolled: an authenticator app (TOTP) or a passkey (WebAuthn).
public struct SecondFactor: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An authenticator app's time-based codes (RFC 6238).
        case totp
        /// A WebAuthn credential: a security key, or a passkey on a phone or computer. Also a sign-in of its own,
        /// without a password, when its authenticator verifies the user.
        case passkey

        /// What a user or an admin calls it.
        public var label: String {
            switch self {
            case .totp: "authenticator app"
            case .passkey: "passkey"
            }
        }
    }

    public var id: String
    public var user: UserID
    public var kind: Kind
    /// What the user called it ("Phone"), to tell two apart.
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: String, user: UserID, kind: Kind, name: String, createdAt: Date, lastUsedAt: Date? = nil) {
        self.id = id
        self.user = user
        self.kind = kind
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// The longest name kept.
    public static let longestName = 64
    /// The most factors a user may have: each one is another code a guesser may hit.
    public static let maximumPerUser = 5
}

/// What adding a factor came to.
public enum AddedFactor: Sendable, Equatable {
    /// Added; `first` when the user had none (their recovery codes were set and their other sessions ended).
    case added(first: Bool)
    /// A factor with this id exists: the same enrolment completed twice.
    case exists
    /// The user has ``SecondFactor/maximumPerUser`` already.
    case tooMany
}

/// A TOTP factor's secret as stored: sealed under the master key, with the last time step it accepted.
public struct StoredTOTP: Sendable, Hashable {
    public var factor: SecondFactor
    public var sealedSecret: String
    public var lastStep: Int64?

    public init(factor: SecondFactor, sealedSecret: String, lastStep: Int64?) {
        self.factor = factor
        self.sealedSecret = sealedSecret
        self.lastStep = lastStep
    }
}

/// What makes a factor work, as stored.
public enum FactorSecret: Sendable, Hashable {
    /// A TOTP secret sealed under the master key, and the time step of the code that proved it was set up.
    case totp(sealedSecret: String, firstStep: Int64)
    case passkey(PasskeyCredential)
}

/// A passkey's credential as stored: its id and COSE public key (base64url), its signature counter, and what it
/// takes to sign in with it alone.
public struct PasskeyCredential: Sendable, Hashable {
    public var id: String
    public var publicKey: String
    public var signCount: Int64
    /// Whether it may be synced between devices (WebAuthn's BE flag, fixed for its life): `swk` rather than `hwk`.
    public var backupEligible: Bool
    /// How the browser reached the authenticator (`internal`, `hybrid`, `usb`, …): hints for the next ceremony.
    public var transports: [String]
    /// The fingerprint of the password the passkey last proved itself beside (made after it, or used after it as a
    /// second factor). A sign-in with the passkey alone needs the user's password to be that one still: after a
    /// password change (a suspected compromise, say) a passkey someone else added with the old password no longer
    /// signs in alone; its owner's next sign-in with the new password and the passkey makes it do so again.
    public var passwordFingerprint: String?

    public init(
        id: String, publicKey: String, signCount: Int64, backupEligible: Bool, transports: [String] = [],
        passwordFingerprint: String? = nil
    ) {
        self.id = id
        self.publicKey = publicKey
        self.signCount = signCount
        self.backupEligible = backupEligible
        self.transports = transports
        self.passwordFingerprint = passwordFingerprint
    }

    /// What using it proves (RFC 8176): a key in software when it may be synced, else in hardware.
    public var method: AuthenticationMethod { backupEligible ? .softwareKey : .hardwareKey }

    /// The transports WebAuthn names (§5.8.4); anything else a browser sends is dropped.
    public static let knownTransports: Set<String> = ["usb", "nfc", "ble", "smart-card", "hybrid", "internal"]
}

/// A passkey factor with its credential.
public struct StoredPasskey: Sendable, Hashable {
    public var factor: SecondFactor
    public var credential: PasskeyCredential

    public init(factor: SecondFactor, credential: PasskeyCredential) {
        self.factor = factor
        self.credential = credential
    }
}

/// Single-use codes for a user who lost their second factor: ten, shown once, kept only as hashes.
public enum RecoveryCodes {
    public static let count = 10
    /// Ten base32 characters, 50 random bits, shown as `xxxxx-xxxxx`.
    public static func generate() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let text = Base32.encode((0..<7).map { _ in generator.next() }).lowercased()
            let characters = Array(text.prefix(10))
            return String(characters[0..<5]) + "-" + String(characters[5..<10])
        }
    }

    /// The hash kept for a code as typed (case, spaces and hyphens do not matter): HMAC-SHA-256 under a key derived
    /// from the master key, over the user's id and the code, so that a copy of the database alone cannot test
    /// guesses, and one guess tests one user's codes.
    public static func hash(_ typed: String, user: UserID, key: SymmetricKey) -> String {
        let normalized = typed.lowercased().filter { $0 != "-" && $0 != " " }
        let mac = HMAC<SHA256>.authenticationCode(for: Data((user.rawValue + ":" + normalized).utf8), using: key)
        return Data(mac).hexString
    }

    /// Whether text looks like a recovery code rather than a six-digit one.
    public static func looksLikeOne(_ typed: String) -> Bool {
        typed.filter { $0 != "-" && $0 != " " }.count == 10
    }
}

/// Storage of second factors and recovery codes. Every change a user makes is audited, with the user as actor.
public protocol SecondFactorStore: Sendable {
    /// The user's factors, oldest first.
    func secondFactors(of user: UserID) async throws -> [SecondFactor]
    /// The user's TOTP factors with their sealed secrets.
    func totpFactors(of user: UserID) async throws -> [StoredTOTP]
    /// The user's passkeys with their credentials.
    func passkeys(of user: UserID) async throws -> [StoredPasskey]
    /// The passkey with this credential id (base64url), whoever's it is: a passwordless sign-in names only that.
    func passkey(credentialID: String) async throws -> StoredPasskey?
    /// Adds a verified factor (an authenticator app whose first code was typed, a passkey whose registration
    /// verified), in one transaction with what the first factor brings: `recoveryCodeHashes` become the user's
    /// recovery codes, and every browser session of the user but `keptSession` (the hash of the one adding it, if
    /// any) ends, since a password alone made them. Nothing changes when a factor with its id exists (the same
    /// enrolment completed twice adds one factor), a passkey with its credential id exists (`.exists` too), or the
    /// user has the most factors already.
    func addFactor(
        _ factor: SecondFactor, secret: FactorSecret, recoveryCodeHashes: [String], keptSession: String?,
        actor: AuditActor
    ) async throws -> AddedFactor
    /// Records a passkey's use with its new signature counter, unless the stored counter forbids it
    /// (``RelyingParty/signCountAdvances(stored:to:)``, checked in the `UPDATE`, so on every node): false then.
    /// `passwordFingerprint`, when the passkey was used after the password, becomes its
    /// ``PasskeyCredential/passwordFingerprint``.
    func acceptPasskey(factor: String, signCount: Int64, passwordFingerprint: String?, at time: Date) async throws
        -> Bool
    /// Audits a passkey answer refused for a counter that did not grow (``AuditAction/userPasskeyCloneSuspected``).
    func recordSuspectedClone(of passkey: StoredPasskey, signCount: Int64, sourceIP: String?, at time: Date)
        async throws
    /// Records a WebAuthn challenge (its hash) as answered; false when it was already: a response is accepted once.
    func useWebAuthnChallenge(_ hash: String, expiresAt: Date) async throws -> Bool
    /// Records that the factor accepted the code of `step`, unless a code of that step or a later one was accepted
    /// already (on any node): false then, and the code must be refused.
    func acceptTOTP(factor: String, step: Int64, at time: Date) async throws -> Bool
    /// Uses up one recovery code; false when it is not one of the user's unused codes.
    func useRecoveryCode(user: UserID, hash: String, at time: Date) async throws -> Bool
    /// How many unused recovery codes the user has.
    func remainingRecoveryCodes(of user: UserID) async throws -> Int
    /// Replaces the user's recovery codes with new ones.
    func replaceRecoveryCodes(of user: UserID, hashes: [String], actor: AuditActor, at time: Date) async throws
    /// Removes one of the user's factors, and the recovery codes with the last one, and ends every browser session of
    /// the user but `keptSession` (the hash of the one removing it): a session elsewhere may have been signed in with
    /// it, by whoever holds the lost device. False when it was not theirs.
    func removeSecondFactor(_ id: String, of user: UserID, keptSession: String?, actor: AuditActor, at time: Date)
        async throws -> Bool
}
