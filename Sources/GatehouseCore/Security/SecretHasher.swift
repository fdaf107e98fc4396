import Crypto
import Foundation

/// Hashes client secrets with HMAC-SHA256 under a key derived from the ``MasterKey``.
///
/// A generated client secret carries 256 bits of entropy, so no amount of guessing can find it from its hash,
/// and a slow password KDF would add nothing but 30–350 ms to every token request. The hash is keyed so that a
/// weaker secret imported through config (`clientSecret:`) still cannot be tested offline from a copy of the
/// database alone.
public struct SecretHasher: Sendable {
    private let key: SymmetricKey
    public let keyID: String
    /// `hmac-sha256:<key id>:`, the part of every own hash before the digest.
    private let prefix: [UInt8]
    private static let scheme = "hmac-sha256"
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public init(masterKey: MasterKey) {
        self.key = masterKey.derivedKey(purpose: "client-secret-hash")
        self.keyID = masterKey.keyID
        self.prefix = Array("\(Self.scheme):\(masterKey.keyID):".utf8)
    }

    /// `hmac-sha256:<key id>:<hex digest>`.
    public func hash(_ secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(secret.utf8), using: key)
        return "\(Self.scheme):\(keyID):\(Data(mac).hexString)"
    }

    /// Whether `secret` matches `storedHash`. The digest is compared in constant time, hex digit by hex digit as
    /// stored, without building the hash string (this runs on every token request).
    public func verify(_ secret: String, against storedHash: String) -> Bool {
        let stored = Array(storedHash.utf8)
        // The prefix names the scheme and the (public) key id: a mismatch may return early.
        guard stored.count == prefix.count + 64, stored.starts(with: prefix) else { return false }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key)
        var difference: UInt8 = 0
        var index = prefix.count
        for byte in mac {
            difference |= stored[index] ^ Self.hexDigits[Int(byte >> 4)]
            difference |= stored[index + 1] ^ Self.hexDigits[Int(byte & 0x0F)]
            index += 2
        }
        return difference == 0
    }

    /// Whether a stored hash was made under this instance's key (a hash from another instance never matches).
    public func isOwnHash(_ storedHash: String) -> Bool {
        let parts = storedHash.split(separator: ":")
        return parts.count == 3 && parts[0] == Self.scheme && parts[1] == keyID && parts[2].count == 64
    }
}

/// Generates client secrets: 32 random bytes (256 bits), base64url without padding.
public enum ClientSecretGenerator {
    public static func generate<R: RandomNumberGenerator>(using generator: inout R) -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = generator.next() }
        return Data(bytes).base64URLEncodedString()
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
public func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}

extension Data {
    /// Lowercase hexadecimal.
    public var hexString: String { ByteEncoding.hex(self) }

    /// RFC 4648 §5 base64url without padding.
    public func base64URLEncodedString() -> String { ByteEncoding.base64URL(self) }
}

/// Hex and base64url encoders over raw bytes: these run several times per token request, where Foundation's
/// `String(format:)` and `replacingOccurrences` cost more than the signature itself.
public enum ByteEncoding {
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let base64URLAlphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            var index = 0
            for byte in bytes {
                buffer[index] = hexDigits[Int(byte >> 4)]
                buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    public static func base64URL(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let capacity = (input.count * 4 + 2) / 3
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var out = 0
            var index = 0
            while index + 3 <= input.count {
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                buffer[out] = base64URLAlphabet[Int(chunk >> 18 & 63)]
                buffer[out + 1] = base64URLAlphabet[Int(chunk >> 12 & 63)]
                buffer[out + 2] = base64URLAlphabet[Int(chunk >> 6 & 63)]
                buffer[out + 3] = base64URLAlphabet[Int(chunk & 63)]
                out += 4
                index += 3
            }
            let remaining = input.count - index
            if remaining > 0 {
                let chunk = UInt32(input[index]) << 16 | (remaining == 2 ? UInt32(input[index + 1]) << 8 : 0)
                buffer[out] = base64URLAlphabet[Int(chunk >> 18 & 63)]
                buffer[out + 1] = base64URLAlphabet[Int(chunk >> 12 & 63)]
                out += 2
                if remaining == 2 {
                    buffer[out] = base64URLAlphabet[Int(chunk >> 6 & 63)]
                    out += 1
                }
            }
            return out
        }
    }
}
