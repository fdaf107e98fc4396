import Foundation

/// What an authenticator signs (WebAuthn Level 2 §6.1): the hash of the relying party id, its flags, its signature
/// counter, and, when a credential is created, the credential's id and public key.
public struct AuthenticatorData: Sendable {
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// UP: a person touched the authenticator.
        public static let userPresent = Flags(rawValue: 0x01)
        /// UV: the authenticator verified the person (a PIN or a biometric).
        public static let userVerified = Flags(rawValue: 0x04)
        /// BE: the credential may be backed up (a synced passkey) — fixed for its life.
        public static let backupEligible = Flags(rawValue: 0x08)
        /// BS: the credential is backed up now.
        public static let backedUp = Flags(rawValue: 0x10)
        /// AT: attested credential data follows.
        public static let attestedCredentialData = Flags(rawValue: 0x40)
        /// ED: extensions follow.
        public static let extensionData = Flags(rawValue: 0x80)
    }

    /// The credential a registration created (§6.5.1).
    public struct AttestedCredential: Sendable {
        public var aaguid: Data
        public var id: Data
        /// The COSE key, as encoded.
        public var publicKey: Data
    }

    public let bytes: Data
    public let rpIDHash: Data
    public let flags: Flags
    public let signCount: UInt32
    public let attestedCredential: AttestedCredential?

    /// The longest credential id accepted (§5.1.3 allows at most 1023 bytes).
    public static let longestCredentialID = 1_023

    public init(_ data: Data) throws(WebAuthnError) {
        let bytes = [UInt8](data)
        guard bytes.count >= 37 else { throw .malformed("the authenticator data is too short") }
        self.bytes = data
        rpIDHash = Data(bytes[0..<32])
        flags = Flags(rawValue: bytes[32])
        signCount = bytes[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var position = 37
        if flags.contains(.attestedCredentialData) {
            guard bytes.count >= position + 18 else { throw .malformed("the attested credential data is too short") }
            let aaguid = Data(bytes[position..<position + 16])
            let length = Int(bytes[position + 16]) << 8 | Int(bytes[position + 17])
            position += 18
            guard length > 0, length <= Self.longestCredentialID, bytes.count >= position + length else {
                throw .malformed("the credential id is too long or cut short")
            }
            let id = Data(bytes[position..<position + length])
            position += length
            let key: Data
            do {
                let (_, keyLength) = try CBOR.decodePrefix(Data(bytes[position...]))
                key = Data(bytes[position..<position + keyLength])
                position += keyLength
            } catch { throw .malformed("the credential public key is not CBOR: \(error.message)") }
            attestedCredential = AttestedCredential(aaguid: aaguid, id: id, publicKey: key)
        } else {
            attestedCredential = nil
        }
        if flags.contains(.extensionData) {
            do {
                let (_, length) = try CBOR.decodePrefix(Data(bytes[position...]))
                position += length
            } catch { throw .malformed("the extension data is not CBOR: \(error.message)") }
        }
        guard position == bytes.count else { throw .malformed("bytes follow the authenticator data") }
    }
}
