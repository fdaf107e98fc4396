import Foundation
import GatehouseCore
import Testing

@Suite struct SecretTests {
    let key: MasterKey

    init() throws { key = try MasterKey(bytes: [UInt8](repeating: 1, count: 32)) }

    @Test func generatedSecretsCarry256BitsAndDiffer() {
        let first = ClientSecretGenerator.generate()
        #expect(first.count == 43)
        #expect(first != ClientSecretGenerator.generate())
    }

    @Test func secretHashesVerifyOnlyTheirSecretAndNameTheirKey() {
        let hasher = SecretHasher(masterKey: key)
        let hash = hasher.hash("deduper-secret-0123456789")
        #expect(hash.hasPrefix("hmac-sha256:\(key.keyID):"))
        #expect(hasher.verify("deduper-secret-0123456789", against: hash))
        #expect(!hasher.verify("deduper-secret-0123456788", against: hash))
        #expect(hasher.isOwnHash(hash))
        // Truncated, extended or altered stored hashes never match.
        let flipped = String(hash.dropLast()) + (hash.hasSuffix("0") ? "1" : "0")
        for stored in [String(hash.dropLast()), hash + "0", flipped, "", "hmac-sha256:x:y"] {
            #expect(!hasher.verify("deduper-secret-0123456789", against: stored))
        }
    }

    @Test func hashesFromAnotherMasterKeyNeverMatch() throws {
        let other = SecretHasher(masterKey: try MasterKey(bytes: [UInt8](repeating: 2, count: 32)))
        let hash = other.hash("s3cret-s3cret-s3cret")
        #expect(!SecretHasher(masterKey: key).verify("s3cret-s3cret-s3cret", against: hash))
        #expect(!SecretHasher(masterKey: key).isOwnHash(hash))
    }

    @Test func masterKeysMustBe32Bytes() {
        #expect(throws: MasterKeyError.wrongLength(16)) { try MasterKey(bytes: [UInt8](repeating: 0, count: 16)) }
        #expect(throws: MasterKeyError.notBase64) { try MasterKey(base64: "not base64!") }
    }

    @Test func passwordHashesStoreTheirParametersAndVerify() throws {
        let hasher = PasswordHasher.forTesting
        let hash = try hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$scrypt$ln=4,r=8,p=1$"))
        #expect(hasher.verify("correct horse battery", against: hash))
        #expect(!hasher.verify("correct horse batterY", against: hash))
        // Verification uses the stored parameters, not the hasher's own.
        #expect(PasswordHasher.standard.verify("correct horse battery", against: hash))
    }

    @Test(arguments: ["", "plain", "$scrypt$ln=99,r=8,p=1$AAAAAAAAAAA=$AAAA", "$bcrypt$xx"])
    func malformedPasswordHashesNeverMatch(hash: String) {
        #expect(!PasswordHasher.forTesting.verify("anything", against: hash))
        #expect(!PasswordHasher.isWellFormed(hash))
    }

    @Test func constantTimeComparisonComparesWholeStrings() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
    }
}
