import Crypto
import CryptoExtras
import Foundation

/// The JWS algorithms Gatehouse signs with: RS256 (the OpenID Connect default, OIDC Core §3.1.3.7) and ES256.
public enum SigningAlgorithm: String, Sendable, CaseIterable, Codable {
    case rs256 = "RS256"
    case es256 = "ES256"
}

/// A private signing key for ID tokens and JWT access tokens, named by its `kid`.
public struct SigningKey: Sendable {
    public let kid: String
    public let algorithm: SigningAlgorithm
    private let material: Material
    /// The public half, for verification and JWKS; derived once (deriving it is a scalar multiplication, and every
    /// JWT introspected needs it).
    public let verificationKey: VerificationKey

    private enum Material: Sendable {
        case p256(P256.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    /// A new random key. RSA keys are 2048 bits (RFC 7518 §3.3's minimum).
    public static func generate(_ algorithm: SigningAlgorithm, kid: String = randomKeyID()) throws -> SigningKey {
        switch algorithm {
        case .es256: SigningKey(kid: kid, algorithm: algorithm, material: .p256(P256.Signing.PrivateKey()))
        case .rs256:
            SigningKey(kid: kid, algorithm: algorithm, material: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        }
    }

    /// Rebuilds a key from ``privateKeyDER``.
    public init(kid: String, algorithm: SigningAlgorithm, privateKeyDER: Data) throws {
        let material: Material =
            switch algorithm {
            case .es256: .p256(try P256.Signing.PrivateKey(derRepresentation: privateKeyDER))
            case .rs256: .rsa(try _RSA.Signing.PrivateKey(derRepresentation: privateKeyDER))
            }
        self.init(kid: kid, algorithm: algorithm, material: material)
    }

    private init(kid: String, algorithm: SigningAlgorithm, material: Material) {
        self.kid = kid
        self.algorithm = algorithm
        self.material = material
        verificationKey =
            switch material {
            case .p256(let key): VerificationKey(kid: kid, algorithm: algorithm, key: .p256(key.publicKey))
            case .rsa(let key): VerificationKey(kid: kid, algorithm: algorithm, key: .rsa(key.publicKey))
            }
    }

    /// The private key in DER, for sealing at rest.
    public var privateKeyDER: Data {
        switch material {
        case .p256(let key): key.derRepresentation
        case .rsa(let key): key.derRepresentation
        }
    }

    /// The JWS signature of `data` (RFC 7518 §3.3 and §3.4: ES256 as the 64-byte `R || S`).
    public func sign(_ data: Data) throws -> Data {
        switch material {
        case .p256(let key): try key.signature(for: data).rawRepresentation
        case .rsa(let key): try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation
        }
    }

    /// 16 random bytes, base64url.
    public static func randomKeyID() -> String {
        Data(SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }).base64URLEncodedString()
    }
}

/// A public key that verifies JWS signatures, published in JWKS.
public struct VerificationKey: Sendable {
    public let kid: String
    public let algorithm: SigningAlgorithm
    let key: PublicKey

    enum PublicKey: Sendable {
        case p256(P256.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    public func isValidSignature(_ signature: Data, for data: Data) -> Bool {
        switch key {
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: data)
        case .rsa(let key):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
        }
    }

    /// The public key as a PEM `PUBLIC KEY` block (SubjectPublicKeyInfo), as apps register assertion keys.
    public var pemRepresentation: String {
        switch key {
        case .p256(let key): key.pemRepresentation
        case .rsa(let key): key.pemRepresentation
        }
    }

    /// The public JWK (RFC 7517 §4, RFC 7518 §6).
    public var jwk: JSONObject {
        var object: JSONObject = ["kid": .string(kid), "use": .string("sig"), "alg": .string(algorithm.rawValue)]
        switch key {
        case .p256(let key):
            let raw = key.rawRepresentation  // X || Y, 32 bytes each
            object["kty"] = .string("EC")
            object["crv"] = .string("P-256")
            object["x"] = .string(Data(raw.prefix(32)).base64URLEncodedString())
            object["y"] = .string(Data(raw.suffix(32)).base64URLEncodedString())
        case .rsa(let key):
            object["kty"] = .string("RSA")
            if let primitives = try? key.getKeyPrimitives() {
                object["n"] = .string(primitives.modulus.base64URLEncodedString())
                object["e"] = .string(primitives.publicExponent.base64URLEncodedString())
            }
        }
        return object
    }
}

/// Encrypts private signing keys at rest with AES-256-GCM under a key derived from the ``MasterKey``; the
/// `kid` is bound as associated data, so a sealed key cannot be swapped onto another row.
public struct KeySealer: Sendable {
    private let key: SymmetricKey

    public init(masterKey: MasterKey) { key = masterKey.derivedKey(purpose: "signing-key-encryption") }

    public func seal(_ signingKey: SigningKey) throws -> String {
        let box = try AES.GCM.seal(signingKey.privateKeyDER, using: key, authenticating: Data(signingKey.kid.utf8))
        guard let combined = box.combined else { throw KeySealError.cannotSeal }
        return combined.base64EncodedString()
    }

    public func open(_ sealed: String, kid: String, algorithm: SigningAlgorithm) throws -> SigningKey {
        guard let data = Data(base64Encoded: sealed) else { throw KeySealError.malformed }
        let box = try AES.GCM.SealedBox(combined: data)
        let der = try AES.GCM.open(box, using: key, authenticating: Data(kid.utf8))
        return try SigningKey(kid: kid, algorithm: algorithm, privateKeyDER: der)
    }
}

/// Why a sealed signing key could not be used.
public enum KeySealError: Error, Sendable {
    case cannotSeal
    case malformed
}
