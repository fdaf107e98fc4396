import Crypto
import Foundation

/// Values the browser holds but can neither read nor change: AES-256-GCM under a subkey of the master key for one
/// purpose (the admin console's session and sign-in state). A value sealed for one purpose does not open for another,
/// and anything altered, truncated or forged opens as nil.
public struct Sealer: Sendable {
    private let key: SymmetricKey
    private let purpose: Data

    /// The longest sealed text opened: a cookie is at most 4 KiB.
    public static let longestSealed = 4_096

    public init(masterKey: MasterKey, purpose: String) {
        key = masterKey.derivedKey(purpose: "sealed/\(purpose)")
        self.purpose = Data(purpose.utf8)
    }

    /// `value` as JSON, sealed, in base64url: safe in a cookie.
    public func seal<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let box = try AES.GCM.seal(try encoder.encode(value), using: key, authenticating: purpose)
        guard let combined = box.combined else { throw SealerError.cannotSeal }
        return ByteEncoding.base64URL(combined)
    }

    /// The value `text` seals, or nil when it is not one this key sealed for this purpose.
    public func open<Value: Decodable>(_ text: String, as type: Value.Type = Value.self) -> Value? {
        guard text.utf8.count <= Self.longestSealed, let data = Data(base64URLEncoded: text),
            let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: purpose)
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return try? decoder.decode(Value.self, from: plain)
    }
}

enum SealerError: Error { case cannotSeal }
