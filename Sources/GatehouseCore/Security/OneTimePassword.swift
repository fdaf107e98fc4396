import Crypto
import Foundation

/// A time-based one-time password generator (TOTP, RFC 6238 over HOTP, RFC 4226): HMAC-SHA-1, six digits, a new
/// code every thirty seconds: what every authenticator app reads from an `otpauth://` URI.
public struct TimeBasedOneTimePassword: Sendable {
    public let secret: [UInt8]
    public static let digits = 6
    public static let period: Int64 = 30
    /// Codes of one step before or after now are accepted too (RFC 6238 §5.2: a clock a little off, a code typed as
    /// it changed).
    public static let allowedDrift: Int64 = 1
    /// 160 bits, the length RFC 4226 §4 recommends for HMAC-SHA-1.
    public static let secretLength = 20

    public init(secret: [UInt8]) { self.secret = secret }

    /// A new random secret.
    public static func generate() -> TimeBasedOneTimePassword {
        var generator = SystemRandomNumberGenerator()
        return TimeBasedOneTimePassword(secret: (0..<secretLength).map { _ in generator.next() })
    }

    /// The time step `time` falls in (RFC 6238 §4.2: T = floor((now − T0) / X), T0 = 0).
    public static func step(at time: Date) -> Int64 { Int64((time.timeIntervalSince1970).rounded(.down)) / period }

    /// The code for one time step (RFC 4226 §5.3: dynamic truncation of HMAC(K, C), modulo 10^digits).
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step whose code `typed` is, within ``allowedDrift`` of now and later than `after` (a code is accepted
    /// once: the caller records the step it returns and passes it next time); nil when none matches. Spaces are
    /// ignored ("123 456" is how apps show a code). Every candidate is compared in constant time.
    public func matchingStep(_ typed: String, at time: Date, after used: Int64?) -> Int64? {
        let digits = Array(typed.utf8.filter { $0 != UInt8(ascii: " ") })
        guard digits.count == Self.digits, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let now = Self.step(at: time)
        var found: Int64?
        for step in (now - Self.allowedDrift)...(now + Self.allowedDrift)
        where constantTimeEquals(Array(code(step: step).utf8), digits) && step > (used ?? Int64.min) {
            found = step
        }
        return found
    }

    /// The secret as apps ask to have it typed: base32 (RFC 4648 §6), unpadded.
    public var base32: String { Base32.encode(secret) }

    /// The key URI an authenticator app scans (Google Authenticator's key URI format: `otpauth://totp/LABEL?...`).
    public func keyURI(issuer: String, account: String) -> String {
        func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
                ?? ""
        }
        return "otpauth://totp/\(escape(issuer)):\(escape(account))?secret=\(base32)&issuer=\(escape(issuer))"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Self.period)"
    }
}

/// Base32 (RFC 4648 §6), the alphabet authenticator apps use for secrets, without padding.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of `text` (case-insensitive; spaces, hyphens and padding ignored); nil when it is not base32.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8
        where ![UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "=")]
            .contains(character)
        {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}
