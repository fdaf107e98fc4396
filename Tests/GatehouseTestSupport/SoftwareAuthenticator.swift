import Crypto
import CryptoExtras
import Foundation
import GatehouseCore

/// A WebAuthn authenticator and browser in software, for tests: it makes credentials (ES256 or RS256) and answers
/// assertions with the bytes a browser posts (CTAP2 CBOR, `clientDataJSON`, DER ECDSA signatures), from the options
/// a page gives `navigator.credentials`. Written from WebAuthn Level 2 §6 and CTAP 2.1 §6, not from Gatehouse's
/// verifier; the end-to-end tests run Chromium's own virtual authenticator.
public final class SoftwareAuthenticator: @unchecked Sendable {
    public enum Algorithm: Sendable { case es256, rs256 }

    public struct Credential: Sendable {
        public var id: Data
        public var userHandle: Data
        public var rpID: String
        var key: Key
        public var signCount: UInt32
    }

    enum Key: @unchecked Sendable {
        case p256(P256.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    public let origin: String
    public var algorithm: Algorithm
    /// The BE flag: a passkey that may be synced (`swk`) rather than one in hardware (`hwk`).
    public var backupEligible: Bool
    /// The UV flag: the authenticator verified the user (a PIN or a biometric).
    public var verifiesUser: Bool
    /// Whether the authenticator keeps a signature counter (synced passkeys keep none: always zero).
    public var countsSignatures: Bool
    /// The attestation statement format of new credentials: `none`, or `packed` self attestation (§8.2).
    public var attestationFormat = "none"
    public private(set) var credentials: [Credential] = []

    public init(
        origin: String, algorithm: Algorithm = .es256, backupEligible: Bool = false, verifiesUser: Bool = true,
        countsSignatures: Bool = true
    ) {
        self.origin = origin
        self.algorithm = algorithm
        self.backupEligible = backupEligible
        self.verifiesUser = verifiesUser
        self.countsSignatures = countsSignatures
    }

    /// `navigator.credentials.create()` on `options` (the page's `data-webauthn` JSON): the form fields passkey.js
    /// posts (`credential_id`, `client_data`, `attestation_object`).
    public func create(_ options: [String: Any]) throws -> [String: String] {
        let publicKey = try Self.member(options, "publicKey") as [String: Any]
        let rp = try Self.member(publicKey, "rp") as [String: Any]
        let user = try Self.member(publicKey, "user") as [String: Any]
        let rpID = try Self.member(rp, "id") as String
        let handle = try Self.bytes(try Self.member(user, "id"))
        let challenge = try Self.member(publicKey, "challenge") as String
        let id = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        let key: Key =
            switch algorithm {
            case .es256: .p256(P256.Signing.PrivateKey())
            case .rs256: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
            }
        let credential = Credential(id: id, userHandle: handle, rpID: rpID, key: key, signCount: 0)
        credentials.append(credential)
        let clientData = Self.clientData(type: "webauthn.create", challenge: challenge, origin: origin)
        var attested = Data(repeating: 0, count: 16)  // AAGUID: none
        attested.append(contentsOf: [UInt8(id.count >> 8), UInt8(id.count & 0xff)])
        attested.append(id)
        attested.append(Self.coseKey(key))
        let authData = authenticatorData(rpID: rpID, flags: 0x40, signCount: 0) + attested
        var statement: [(CBORWriter, CBORWriter)] = []
        if attestationFormat == "packed" {
            let signed = authData + Data(SHA256.hash(data: clientData))
            statement = [
                (.text("alg"), .int(algorithm == .es256 ? -7 : -257)),
                (.text("sig"), .bytes(try Self.sign(signed, key))),
            ]
        }
        let attestation = CBORWriter.map([
            (.text("fmt"), .text(attestationFormat)), (.text("attStmt"), .map(statement)),
            (.text("authData"), .bytes(authData)),
        ])
        return [
            "credential_id": ByteEncoding.base64URL(id), "client_data": ByteEncoding.base64URL(clientData),
            "attestation_object": ByteEncoding.base64URL(attestation.encoded),
        ]
    }

    /// `navigator.credentials.get()` on `options`: an assertion by the newest of this authenticator's credentials
    /// for the site that `allowCredentials` allows (any, when it is empty), as posted (`credential_id`,
    /// `client_data`, `authenticator_data`, `signature`, `user_handle`).
    public func get(_ options: [String: Any], using index: Int? = nil) throws -> [String: String] {
        let publicKey = try Self.member(options, "publicKey") as [String: Any]
        let rpID = try Self.member(publicKey, "rpId") as String
        let challenge = try Self.member(publicKey, "challenge") as String
        let allowed = try ((publicKey["allowCredentials"] as? [[String: Any]]) ?? []).map {
            try Self.bytes(try Self.member($0, "id"))
        }
        let candidates = credentials.indices.filter {
            credentials[$0].rpID == rpID && (allowed.isEmpty || allowed.contains(credentials[$0].id))
        }
        guard let chosen = index ?? candidates.last, candidates.contains(chosen) else {
            throw Failure("no credential for \(rpID) among those allowed")
        }
        if countsSignatures { credentials[chosen].signCount += 1 }
        let credential = credentials[chosen]
        let clientData = Self.clientData(type: "webauthn.get", challenge: challenge, origin: origin)
        let authData = authenticatorData(rpID: rpID, flags: 0, signCount: credential.signCount)
        let signed = authData + Data(SHA256.hash(data: clientData))
        let signature = try Self.sign(signed, credential.key)
        return [
            "credential_id": ByteEncoding.base64URL(credential.id), "client_data": ByteEncoding.base64URL(clientData),
            "authenticator_data": ByteEncoding.base64URL(authData), "signature": ByteEncoding.base64URL(signature),
            "user_handle": ByteEncoding.base64URL(credential.userHandle),
        ]
    }

    /// Sets a credential's counter back (as a cloned authenticator's would be).
    public func setSignCount(_ count: UInt32, of index: Int) { credentials[index].signCount = count }

    private func authenticatorData(rpID: String, flags extra: UInt8, signCount: UInt32) -> Data {
        var flags: UInt8 = 0x01 | extra  // UP
        if verifiesUser { flags |= 0x04 }
        if backupEligible { flags |= 0x08 }
        var data = Data(SHA256.hash(data: Data(rpID.utf8)))
        data.append(flags)
        data.append(contentsOf: [24, 16, 8, 0].map { UInt8((signCount >> $0) & 0xff) })
        return data
    }

    private static func sign(_ data: Data, _ key: Key) throws -> Data {
        switch key {
        case .p256(let key): try key.signature(for: data).derRepresentation
        case .rsa(let key): try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
        }
    }

    private static func clientData(type: String, challenge: String, origin: String) -> Data {
        // Member order as Chromium writes it; the verifier must not depend on it.
        Data(#"{"type":"\#(type)","challenge":"\#(challenge)","origin":"\#(origin)","crossOrigin":false}"#.utf8)
    }

    private static func coseKey(_ key: Key) -> Data {
        switch key {
        case .p256(let key):
            let raw = key.publicKey.rawRepresentation
            return CBORWriter.map([
                (.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)), (.int(-2), .bytes(raw.prefix(32))),
                (.int(-3), .bytes(raw.suffix(32))),
            ]).encoded
        case .rsa(let key):
            let primitives = try? key.publicKey.getKeyPrimitives()
            return CBORWriter.map([
                (.int(1), .int(3)), (.int(3), .int(-257)), (.int(-1), .bytes(primitives?.modulus ?? Data())),
                (.int(-2), .bytes(primitives?.publicExponent ?? Data())),
            ]).encoded
        }
    }

    private static func member<T>(_ object: [String: Any], _ name: String) throws -> T {
        guard let value = object[name] as? T else { throw Failure("the options lack \(name)") }
        return value
    }

    private static func bytes(_ text: String) throws -> Data {
        guard let data = Data(base64URLEncoded: text) else { throw Failure("\(text) is not base64url") }
        return data
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Just enough of a CBOR encoder (RFC 8949, canonical lengths) for an authenticator's answers.
public indirect enum CBORWriter: Sendable {
    case int(Int64)
    case bytes(Data)
    case text(String)
    case map([(CBORWriter, CBORWriter)])
    case array([CBORWriter])

    public var encoded: Data {
        switch self {
        case .int(let value):
            value >= 0 ? Self.head(0, UInt64(value)) : Self.head(1, UInt64(-1 - value))
        case .bytes(let data): Self.head(2, UInt64(data.count)) + data
        case .text(let text): Self.head(3, UInt64(text.utf8.count)) + Data(text.utf8)
        case .array(let items): items.reduce(Self.head(4, UInt64(items.count))) { $0 + $1.encoded }
        case .map(let pairs): pairs.reduce(Self.head(5, UInt64(pairs.count))) { $0 + $1.0.encoded + $1.1.encoded }
        }
    }

    static func head(_ major: UInt8, _ argument: UInt64) -> Data {
        let top = major << 5
        switch argument {
        case 0..<24: return Data([top | UInt8(argument)])
        case 24..<256: return Data([top | 24, UInt8(argument)])
        case 256..<65_536: return Data([top | 25, UInt8(argument >> 8), UInt8(argument & 0xff)])
        default:
            return Data([top | 26] + [24, 16, 8, 0].map { UInt8((argument >> $0) & 0xff) })
        }
    }
}
