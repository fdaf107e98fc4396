import Foundation
import GatehouseCore
import GatehouseStorage

/// Passkeys on the web: the options a page gives the browser's WebAuthn ceremony, and the checks of what the
/// browser sends back. Every ceremony's challenge is a sealed value (what the ceremony is for, whose it is, the
/// browser it was shown in, until when), so nothing is kept before it is answered; an answered challenge is
/// recorded, and refused a second time.
struct PasskeyServices: Sendable {
    let relyingParty: RelyingParty
    let store: any SecondFactorStore
    /// A passwordless sign-in's challenge (``PasskeySignIn``).
    let signIns: Sealer
    /// A passkey being made from the account page (``PasskeyEnrolment``).
    let enrolments: Sealer
    /// A change on the account page confirmed with a passkey (``PasskeyConfirmation``).
    let confirmations: Sealer

    init(relyingParty: RelyingParty, store: any SecondFactorStore, masterKey: MasterKey) {
        self.relyingParty = relyingParty
        self.store = store
        signIns = Sealer(masterKey: masterKey, purpose: "passkey-sign-in")
        enrolments = Sealer(masterKey: masterKey, purpose: "passkey-enrolment")
        confirmations = Sealer(masterKey: masterKey, purpose: "passkey-confirmation")
    }

    /// How long a ceremony may take, from the page to the answer.
    static let lifetime: TimeInterval = 300

    /// Whether pages offer passkeys: not when the issuer is an IP address, which browsers refuse as an RP ID.
    var isOffered: Bool { relyingParty.worksInBrowsers }

    /// The URL of the script that runs the ceremonies; the only script a page may load.
    var scriptURL: String { relyingParty.origin + PasskeyScript.path }

    // MARK: Options for the browser

    /// `navigator.credentials.create()`'s options (WebAuthn §5.4), as JSON with base64url binary members: a
    /// discoverable credential where the authenticator can keep one (for passwordless sign-in), ES256 or RS256,
    /// no attestation, none of the user's existing passkeys again.
    func creationOptions(challenge: String, user: User, existing: [StoredPasskey]) -> String {
        let publicKey: JSONObject = [
            "challenge": .string(ByteEncoding.base64URL(Data(challenge.utf8))),
            "rp": .object(["id": .string(relyingParty.id), "name": .string(relyingParty.name)]),
            "user": .object([
                "id": .string(ByteEncoding.base64URL(Data(user.id.rawValue.utf8))), "name": .string(user.username),
                "displayName": .string(user.displayName.isEmpty ? user.username : user.displayName),
            ]),
            "pubKeyCredParams": .objects(
                RelyingParty.algorithms.map { ["type": .string("public-key"), "alg": .integer($0.rawValue)] }),
            "timeout": .integer(Int64(Self.lifetime * 1000)),
            "excludeCredentials": .objects(existing.map(Self.descriptor)),
            "authenticatorSelection": .object([
                "residentKey": .string("preferred"), "requireResidentKey": .bool(false),
                "userVerification": .string("preferred"),
            ]),
            "attestation": .string("none"),
        ]
        let options: JSONObject = ["mode": .string("create"), "publicKey": .object(publicKey)]
        return options.serialized
    }

    /// `navigator.credentials.get()`'s options: one of `allowed` (a second factor), or any discoverable passkey for
    /// this site when `allowed` is empty (a passwordless sign-in, where the authenticator must verify the user).
    func requestOptions(challenge: String, allowed: [StoredPasskey], userVerification: String) -> String {
        let publicKey: JSONObject = [
            "challenge": .string(ByteEncoding.base64URL(Data(challenge.utf8))),
            "rpId": .string(relyingParty.id),
            "timeout": .integer(Int64(Self.lifetime * 1000)),
            "allowCredentials": .objects(allowed.map(Self.descriptor)),
            "userVerification": .string(userVerification),
        ]
        let options: JSONObject = ["mode": .string("get"), "publicKey": .object(publicKey)]
        return options.serialized
    }

    private static func descriptor(_ passkey: StoredPasskey) -> JSONObject {
        var descriptor: JSONObject = ["type": .string("public-key"), "id": .string(passkey.credential.id)]
        if !passkey.credential.transports.isEmpty { descriptor["transports"] = .strings(passkey.credential.transports) }
        return descriptor
    }

    /// The passwordless sign-in form of a sign-in page, posting to `action`: for the authorization request kept
    /// under `handle`, or on the account page (nil). Nil where passkeys are not offered.
    func signInForm(action: String, csrf: String, handle: String?, at now: Date) throws -> Pages.PasskeyForm? {
        guard isOffered else { return nil }
        let challenge = try signIns.seal(
            PasskeySignIn(
                binding: TokenValue.hash(csrf), request: handle.map(TokenValue.hash),
                expiresAt: now.addingTimeInterval(Self.lifetime), nonce: TokenValue.generate(prefix: "")))
        return Pages.PasskeyForm(
            action: action,
            hidden: HTML.hiddenField("csrf", csrf)
                + (handle.map { HTML.hiddenField("request", $0) } ?? "") + HTML.hiddenField("passkey", challenge),
            options: requestOptions(challenge: challenge, allowed: [], userVerification: "required"),
            button: "Sign in with a passkey", lead: #"<p class="muted">Or sign in without a password:</p>"#,
            script: scriptURL)
    }

    // MARK: Checks of the answers

    /// An assertion as the page posts it (the fields passkey.js fills), each base64url.
    struct PostedAssertion {
        var credentialID: String
        var clientData: Data
        var authenticatorData: Data
        var signature: Data
        var userHandle: Data?

        /// Nil when the form holds no assertion, or a malformed one.
        init?(_ form: [String: String]) {
            guard let credentialID = form["credential_id"], !credentialID.isEmpty, credentialID.count <= 1_400,
                let clientData = form["client_data"].flatMap({ Data(base64URLEncoded: $0) }),
                let authenticatorData = form["authenticator_data"].flatMap({ Data(base64URLEncoded: $0) }),
                let signature = form["signature"].flatMap({ Data(base64URLEncoded: $0) })
            else { return nil }
            self.credentialID = credentialID
            self.clientData = clientData
            self.authenticatorData = authenticatorData
            self.signature = signature
            userHandle = form["user_handle"].flatMap { $0.isEmpty ? nil : Data(base64URLEncoded: $0) }
        }

        static func isPresent(in form: [String: String]) -> Bool { form["signature"] != nil }
    }

    /// What checking an assertion came to.
    enum Verified {
        /// By this passkey; sign the user in with these methods.
        case verified(StoredPasskey, AuthenticationMethods)
        case refused(String)
    }

    /// Checks an assertion answering `challenge` (the sealed text the page gave as the challenge, good until
    /// `expiresAt`): by one of `user`'s passkeys after their password (`passwordFingerprint` is then recorded on the
    /// passkey), or (`user` nil: a passwordless sign-in) by any user's passkey whose user handle it carries. Then
    /// records the challenge as answered and the passkey's new counter, so that neither a replay nor a cloned
    /// authenticator gets in; a counter that went back is audited.
    func verify(
        _ posted: PostedAssertion, challenge: String, expiresAt: Date, of user: User?, passwordFingerprint: String?,
        requireUserVerification: Bool, address: String?, at now: Date
    ) async throws -> Verified {
        guard let passkey = try await store.passkey(credentialID: posted.credentialID) else {
            return .refused("this passkey is not registered here (it may have been removed)")
        }
        if let user, passkey.factor.user != user.id { return .refused("this passkey is another user's") }
        if user == nil {
            // A discoverable credential names its user (§7.2 step 6); it must be the one it was registered for.
            guard let handle = posted.userHandle, handle == Data(passkey.factor.user.rawValue.utf8) else {
                return .refused("the passkey's user handle is not its user's")
            }
        }
        let assertion: RelyingParty.Assertion
        do {
            assertion = try relyingParty.verifyAssertion(
                clientDataJSON: posted.clientData, authenticatorData: posted.authenticatorData,
                signature: posted.signature, challenge: Data(challenge.utf8),
                publicKey: Data(base64URLEncoded: passkey.credential.publicKey) ?? Data(),
                requireUserVerification: requireUserVerification)
        } catch { return .refused(error.message) }
        guard try await useChallenge(challenge, expiresAt: expiresAt) else {
            return .refused("this passkey response was used already")
        }
        let count = Int64(assertion.signCount)
        guard
            RelyingParty.signCountAdvances(
                stored: UInt32(clamping: passkey.credential.signCount), to: assertion.signCount)
        else {
            // Behind the counter as it was read: the mark of a second authenticator with the same key.
            try await store.recordSuspectedClone(of: passkey, signCount: count, sourceIP: address, at: now)
            return .refused("the passkey's signature counter went back: the authenticator may have been cloned")
        }
        guard
            try await store.acceptPasskey(
                factor: passkey.factor.id, signCount: count, passwordFingerprint: passwordFingerprint, at: now)
        else {
            // Ahead of it as read, but another answer was taken meanwhile (two tabs at once), or the passkey was
            // removed: refused, not a clone.
            return .refused("another answer of this passkey was taken at the same moment; try again")
        }
        // The kind of key as registered (WebAuthn Level 3 fixes BE for a credential's life), whatever an answer says.
        var methods = [passkey.credential.method]
        if assertion.flags.contains(.userVerified) { methods.append(.userVerification) }
        return .verified(passkey, AuthenticationMethods(methods))
    }

    /// Checks a registration answering `challenge`, made after the password with `passwordFingerprint`; the
    /// credential to store, or why not.
    func verifyRegistration(_ form: [String: String], challenge: String, passwordFingerprint: String)
        -> Result<PasskeyCredential, WebAuthnError>
    {
        guard let clientData = form["client_data"].flatMap({ Data(base64URLEncoded: $0) }),
            let attestation = form["attestation_object"].flatMap({ Data(base64URLEncoded: $0) })
        else { return .failure(.malformed("the form holds no passkey")) }
        do {
            let made = try relyingParty.verifyRegistration(
                clientDataJSON: clientData, attestationObject: attestation, challenge: Data(challenge.utf8))
            let transports = (form["transports"] ?? "").split(separator: ",").map(String.init).filter {
                PasskeyCredential.knownTransports.contains($0)
            }
            return .success(
                PasskeyCredential(
                    id: ByteEncoding.base64URL(made.credentialID), publicKey: ByteEncoding.base64URL(made.publicKey),
                    signCount: Int64(made.signCount), backupEligible: made.flags.contains(.backupEligible),
                    transports: Array(Set(transports)).sorted(), passwordFingerprint: passwordFingerprint))
        } catch { return .failure(error) }
    }

    /// Records a challenge good until `expiresAt` as answered; false when it was already. The record outlives the
    /// challenge by the clock skew tolerated between nodes, so no node takes it again.
    func useChallenge(_ challenge: String, expiresAt: Date) async throws -> Bool {
        try await store.useWebAuthnChallenge(
            TokenValue.hash("webauthn:" + challenge), expiresAt: expiresAt.addingTimeInterval(Self.clockSkew))
    }

    /// The clock skew tolerated between nodes, as for JWT assertions.
    static let clockSkew: TimeInterval = 120
}
