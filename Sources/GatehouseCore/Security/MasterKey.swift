import Crypto
import Foundation

/// The instance's root secret. Client-secret hashes are keyed with a key derived from it, and (later) private
/// signing keys are encrypted under another. It lives outside the database (environment or key file), so a
/// copy of the database alone does not let anyone test guesses of client secrets.
public struct MasterKey: Sendable {
    private let key: SymmetricKey
    /// A short public fingerprint, stored beside what the key protects so that a wrong key is detected.
    public let keyID: String

    public init(bytes: some DataProtocol) throws(MasterKeyError) {
        guard bytes.count == 32 else { throw .wrongLength(bytes.count) }
        self.key = SymmetricKey(data: Data(bytes))
        let digest = SHA256.hash(data: Data("gatehouse-master-key-id".utf8) + Data(bytes))
        self.keyID = digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads the base64 form used in `GATEHOUSE_MASTER_KEY` and in key files.
    public init(base64 text: String) throws(MasterKeyError) {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .notBase64
        }
        try self.init(bytes: data)
    }

    /// A new random key.
    public static func generate() -> (key: MasterKey, base64: String) {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        // 32 bytes: the initializer cannot fail.
        guard let key = try? MasterKey(bytes: bytes) else { preconditionFailure("32-byte key refused") }
        return (key, bytes.base64EncodedString())
    }

    /// A subkey for one purpose (HKDF-SHA256, RFC 5869), so that no two uses share key material.
    public func derivedKey(purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Data("gatehouse/\(purpose)".utf8), outputByteCount: 32)
    }
}

/// Why a master key could not be read.
public enum MasterKeyError: Error, Equatable, CustomStringConvertible {
    case notBase64
    case wrongLength(Int)

    public var description: String {
        switch self {
        case .notBase64: "the master key is not valid base64"
        case .wrongLength(let count): "the master key must be 32 bytes, found \(count)"
        }
    }
}
