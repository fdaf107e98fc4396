import Crypto
import CryptoExtras
import Foundation

/// A passkey's public key as its authenticator gives it: a COSE_Key (RFC 9052 §7, RFC 9053), of the two algorithms
/// Gatehouse accepts, ES256 (ECDSA on P-256 with SHA-256) and RS256 (RSASSA-PKCS1-v1_5 with SHA-256, 2048 bits or
/// more).
public struct COSEKey: Sendable {
    public enum Algorithm: Int64, Sendable, CaseIterable {
        case es256 = -7
        case rs256 = -257
    }

    public let algorithm: Algorithm
    private let key: Key

    private enum Key: Sendable {
        case p256(P256.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    /// Why a COSE key is not one Gatehouse can use.
    public struct Unusable: Error, Sendable, Equatable {
        public var message: String
    }

    // COSE labels (RFC 9052 §7.1, RFC 9053 §7.1, RFC 8230 §4).
    private static let kty = 1
    private static let alg = 3
    private static let ecCurve = -1
    private static let ecX = -2
    private static let ecY = -3
    private static let rsaModulus = -1
    private static let rsaExponent = -2

    /// The key that `encoded` (CBOR) is.
    public init(cbor encoded: Data) throws(Unusable) {
        let map: CBOR
        do { map = try CBOR.decode(encoded) } catch { throw Unusable(message: "the public key is not CBOR") }
        guard let label = map[Self.alg]?.integer, let algorithm = Algorithm(rawValue: label) else {
            throw Unusable(message: "the key's algorithm is not ES256 or RS256")
        }
        self.algorithm = algorithm
        switch algorithm {
        case .es256:
            // kty EC2, crv P-256.
            guard map[Self.kty]?.integer == 2, map[Self.ecCurve]?.integer == 1,
                let x = map[Self.ecX]?.byteString, let y = map[Self.ecY]?.byteString, x.count == 32, y.count == 32,
                let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { throw Unusable(message: "the ES256 key is not a P-256 point") }
            self.key = .p256(key)
        case .rs256:
            // kty RSA.
            guard map[Self.kty]?.integer == 3, let n = map[Self.rsaModulus]?.byteString,
                let e = map[Self.rsaExponent]?.byteString, let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { throw Unusable(message: "the RS256 key is not an RSA key of 2048 bits or more") }
            self.key = .rsa(key)
        }
    }

    /// Whether `signature` (DER for ES256, as WebAuthn §6.5.6 has it) signs `data`.
    public func isValidSignature(_ signature: Data, for data: Data) -> Bool {
        switch key {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: data)
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
        }
    }
}
