import Crypto
import CryptoExtras
import Foundation

/// A public key an app registers to sign its JWT bearer assertions (RFC 7523 §2.1): a PEM `PUBLIC KEY` (P-256 or
/// RSA of at least 2048 bits) or a public JWK (RFC 7517: `EC`/`P-256` or `RSA`).
public enum AssertionKey {
    /// The verification key, or nil with the reason the text is not a usable public key.
    public static func parse(_ text: String) -> Result<VerificationKey, AssertionKeyError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") { return parseJWK(trimmed) }
        if trimmed.hasPrefix("-----BEGIN") { return parsePEM(trimmed) }
        return .failure(AssertionKeyError("is neither a PEM public key nor a JWK"))
    }

    private static func parsePEM(_ pem: String) -> Result<VerificationKey, AssertionKeyError> {
        guard pem.hasPrefix("-----BEGIN PUBLIC KEY-----") else {
            return .failure(AssertionKeyError("must be a PEM \"PUBLIC KEY\" block (never a private key)"))
        }
        let kid = thumbprintKID(pem)
        if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) {
            return .success(VerificationKey(kid: kid, algorithm: .es256, key: .p256(key)))
        }
        if let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) {
            return .success(VerificationKey(kid: kid, algorithm: .rs256, key: .rsa(key)))
        }
        return .failure(AssertionKeyError("is not a P-256 or RSA (2048 bits or more) public key"))
    }

    private static func parseJWK(_ json: String) -> Result<VerificationKey, AssertionKeyError> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            return .failure(AssertionKeyError("is not valid JSON"))
        }
        if object["d"] != nil { return .failure(AssertionKeyError("is a private JWK; register only the public key")) }
        let kid = object["kid"] as? String ?? thumbprintKID(json)
        func member(_ name: String) -> Data? { (object[name] as? String).flatMap { Data(base64URLEncoded: $0) } }
        switch object["kty"] as? String {
        case "EC":
            guard object["crv"] as? String == "P-256", let x = member("x"), let y = member("y"), x.count == 32,
                y.count == 32, let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { return .failure(AssertionKeyError("is not a valid P-256 JWK (crv P-256 with x and y)")) }
            return .success(VerificationKey(kid: kid, algorithm: .es256, key: .p256(key)))
        case "RSA":
            guard let n = member("n"), let e = member("e"), let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                return .failure(AssertionKeyError("is not a valid RSA JWK (n and e, 2048 bits or more)"))
            }
            return .success(VerificationKey(kid: kid, algorithm: .rs256, key: .rsa(key)))
        default:
            return .failure(AssertionKeyError("has an unsupported kty (EC P-256 or RSA)"))
        }
    }

    /// A stable id for a key registered without one.
    private static func thumbprintKID(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}

/// Why a registered assertion key is unusable.
public struct AssertionKeyError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}
