import Crypto
import Foundation

/// Gatehouse as a WebAuthn Relying Party (Level 2): its id is the issuer's host and its origin the issuer's
/// origin, so a passkey made for one Gatehouse works only there. It runs the checks of the registration ceremony
/// (§7.1) and of the authentication ceremony (§7.2); what the ceremonies' challenges are, and that each is used
/// once, is the caller's (the web layer seals them and records their use).
public struct RelyingParty: Sendable {
    /// The RP ID: a domain, never an IP address (browsers refuse those).
    public let id: String
    /// `scheme://host[:port]`, as a browser writes it in `clientDataJSON`.
    public let origin: String
    /// Shown by the browser when a passkey is made.
    public let name: String

    public init?(issuer: String, name: String = "Gatehouse") {
        guard let url = URL(string: issuer), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            scheme == "https" || scheme == "http"
        else { return nil }
        id = host
        let defaultPort = scheme == "https" ? 443 : 80
        origin = "\(scheme)://\(host)" + (url.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
        self.name = name
    }

    /// Whether browsers take this RP ID: a domain (`localhost` included), not an IP address (WebAuthn §5.1.3
    /// steps 8 and 9 need a valid domain). Behind an IP address, Gatehouse does not offer passkeys.
    public var worksInBrowsers: Bool {
        !id.contains(":") && !id.split(separator: ".").allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// The algorithms asked for, preferred first (COSE identifiers).
    public static let algorithms = COSEKey.Algorithm.allCases

    /// A passkey a registration created, to be stored.
    public struct Registration: Sendable {
        public var credentialID: Data
        /// The COSE key, as the authenticator encoded it.
        public var publicKey: Data
        public var algorithm: COSEKey.Algorithm
        public var signCount: UInt32
        public var flags: AuthenticatorData.Flags
    }

    /// The registration ceremony's checks (§7.1 steps 5–21) on a `create()` response made for `challenge`.
    /// Attestation: `none`, or `packed` self-attestation (checked); Gatehouse asks for `none` and trusts no
    /// attestation certificate, so a response with one is refused rather than believed.
    public func verifyRegistration(clientDataJSON: Data, attestationObject: Data, challenge: Data)
        throws(WebAuthnError) -> Registration
    {
        try checkClientData(clientDataJSON, type: "webauthn.create", challenge: challenge)
        let object: CBOR
        do { object = try CBOR.decode(attestationObject) } catch {
            throw .malformed("the attestation object is not CBOR: \(error.message)")
        }
        guard let format = object["fmt"]?.textString, let statement = object["attStmt"],
            case .map(let statementPairs) = statement, let authDataBytes = object["authData"]?.byteString
        else { throw .malformed("the attestation object lacks fmt, attStmt or authData") }
        let authData = try AuthenticatorData(authDataBytes)
        try checkCommon(authData, requireUserVerification: false)
        guard let credential = authData.attestedCredential else {
            throw .malformed("the authenticator data holds no credential")
        }
        let key: COSEKey
        do { key = try COSEKey(cbor: credential.publicKey) } catch { throw .refused(error.message) }
        switch format {
        case "none":
            guard statementPairs.isEmpty else { throw .malformed("a \"none\" attestation has a statement") }
        case "packed":
            // §8.2: self attestation only (no x5c), signed by the credential's own key with its algorithm.
            guard statement["x5c"] == nil else {
                throw .refused("the authenticator sent an attestation certificate; Gatehouse asks for none")
            }
            guard statement["alg"]?.integer == key.algorithm.rawValue, let signature = statement["sig"]?.byteString,
                key.isValidSignature(signature, for: authDataBytes + Data(SHA256.hash(data: clientDataJSON)))
            else { throw .refused("the packed self-attestation does not verify") }
        default:
            throw .refused("the attestation format \"\(format)\" is not accepted; Gatehouse asks for none")
        }
        return Registration(
            credentialID: credential.id, publicKey: credential.publicKey, algorithm: key.algorithm,
            signCount: authData.signCount, flags: authData.flags)
    }

    /// What a verified assertion says.
    public struct Assertion: Sendable {
        public var signCount: UInt32
        public var flags: AuthenticatorData.Flags
    }

    /// The authentication ceremony's checks (§7.2 steps 10–21) on a `get()` response made for `challenge`, by
    /// the credential whose stored COSE key is `publicKey`. The sign counter is checked by the caller against the
    /// stored one, atomically (``signCountAdvances(stored:to:)``).
    public func verifyAssertion(
        clientDataJSON: Data, authenticatorData: Data, signature: Data, challenge: Data, publicKey: Data,
        requireUserVerification: Bool
    ) throws(WebAuthnError) -> Assertion {
        try checkClientData(clientDataJSON, type: "webauthn.get", challenge: challenge)
        let authData = try AuthenticatorData(authenticatorData)
        try checkCommon(authData, requireUserVerification: requireUserVerification)
        let key: COSEKey
        do { key = try COSEKey(cbor: publicKey) } catch { throw .refused(error.message) }
        guard key.isValidSignature(signature, for: authenticatorData + Data(SHA256.hash(data: clientDataJSON))) else {
            throw .refused("the passkey's signature does not verify")
        }
        return Assertion(signCount: authData.signCount, flags: authData.flags)
    }

    /// §6.1.1: a counter that does not grow means a cloned authenticator, unless the authenticator keeps none
    /// (both zero, as synced passkeys do).
    public static func signCountAdvances(stored: UInt32, to new: UInt32) -> Bool {
        (stored == 0 && new == 0) || new > stored
    }

    private func checkClientData(_ json: Data, type: String, challenge: Data) throws(WebAuthnError) {
        guard json.count <= 4_096, let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw .malformed("clientDataJSON is not a JSON object")
        }
        guard object["type"] as? String == type else { throw .refused("clientDataJSON is not of type \(type)") }
        guard let sent = object["challenge"] as? String, let decoded = Data(base64URLEncoded: sent),
            constantTimeEquals(Array(decoded), Array(challenge))
        else { throw .refused("the response answers another challenge") }
        guard object["origin"] as? String == origin else {
            throw .refused("the response was made on \(object["origin"] as? String ?? "no origin"), not \(origin)")
        }
        guard object["crossOrigin"] as? Bool != true else { throw .refused("the response was made in a frame") }
    }

    private func checkCommon(_ authData: AuthenticatorData, requireUserVerification: Bool) throws(WebAuthnError) {
        guard authData.rpIDHash == Data(SHA256.hash(data: Data(id.utf8))) else {
            throw .refused("the passkey is for another site than \(id)")
        }
        guard authData.flags.contains(.userPresent) else { throw .refused("no one touched the authenticator") }
        guard !requireUserVerification || authData.flags.contains(.userVerified) else {
            throw .refused("the authenticator did not verify the user (a PIN or a biometric)")
        }
        guard authData.flags.contains(.backupEligible) || !authData.flags.contains(.backedUp) else {
            throw .malformed("the authenticator data says backed up but not backup eligible")
        }
    }
}
