import Crypto
import CryptoExtras
import Foundation

/// Hashes user passwords with scrypt (RFC 7914), a memory-hard KDF. The parameters are stored with each hash
/// (`$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, base64), so they can be raised later without invalidating old hashes.
///
/// The work is deliberately slow (tens of milliseconds): callers on a server run it off the event loop.
public struct PasswordHasher: Sendable {
    /// log2 of the scrypt cost N.
    public var logRounds: Int
    public var blockSize: Int
    public var parallelism: Int

    /// N = 2^15, r = 8, p = 1: 32 MiB of memory per hash (RFC 7914 §2's interactive-login recommendation).
    public static let standard = PasswordHasher(logRounds: 15, blockSize: 8, parallelism: 1)
    /// Fast parameters for tests only.
    public static let forTesting = PasswordHasher(logRounds: 4, blockSize: 8, parallelism: 1)

    public init(logRounds: Int, blockSize: Int, parallelism: Int) {
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let derived = try derive(
            password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "$scrypt$ln=\(logRounds),r=\(blockSize),p=\(parallelism)$"
            + "\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches `encoded`, using the parameters stored in `encoded`. A malformed hash never matches.
    public func verify(_ password: String, against encoded: String) -> Bool {
        guard let stored = StoredPasswordHash(encoded),
            let derived = try? derive(
                password, salt: stored.salt, logRounds: stored.logRounds, blockSize: stored.blockSize,
                parallelism: stored.parallelism)
        else { return false }
        return constantTimeEquals(derived, stored.hash)
    }

    /// Whether `encoded` has the form this hasher writes, with parameters a sign-in can afford (for validating
    /// imported `passwordHash` values).
    public static func isWellFormed(_ encoded: String) -> Bool { StoredPasswordHash(encoded) != nil }

    /// The most memory one verification may take (128·r·N bytes): twice the standard parameters' 32 MiB.
    public static let maximumMemory = 64 << 20
    /// The most work one verification may take (N·r·p): four times the standard parameters'.
    public static let maximumWork = 4 << 18

    private func derive(_ password: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) throws
        -> [UInt8]
    {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds,
            blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}

/// The parsed form of an encoded scrypt hash.
private struct StoredPasswordHash {
    var logRounds: Int
    var blockSize: Int
    var parallelism: Int
    var salt: [UInt8]
    var hash: [UInt8]

    init?(_ encoded: String) {
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == "scrypt" else { return nil }
        var parameters: [Substring: Int] = [:]
        for pair in fields[2].split(separator: ",") {
            let keyValue = pair.split(separator: "=")
            guard keyValue.count == 2, let value = Int(keyValue[1]) else { return nil }
            parameters[keyValue[0]] = value
        }
        // Bounded, so that a stored or imported hash cannot make one sign-in cost gigabytes or seconds.
        guard let logRounds = parameters["ln"], (1...20).contains(logRounds),
            let blockSize = parameters["r"], (1...32).contains(blockSize),
            let parallelism = parameters["p"], (1...16).contains(parallelism),
            128 * blockSize << logRounds <= PasswordHasher.maximumMemory,
            blockSize * parallelism << logRounds <= PasswordHasher.maximumWork,
            let salt = Data(base64Encoded: String(fields[3])), salt.count >= 8,
            let hash = Data(base64Encoded: String(fields[4])), hash.count == 32
        else { return nil }
        self.logRounds = logRounds
        self.blockSize = blockSize
        self.parallelism = parallelism
        self.salt = Array(salt)
        self.hash = Array(hash)
    }
}
