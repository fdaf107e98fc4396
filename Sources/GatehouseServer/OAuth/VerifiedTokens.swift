import Foundation
import GatehouseCore
import Synchronization

/// JWT access tokens this server signed, remembered once their signature verified: a resource server introspects the
/// same token on each of its calls, and the ECDSA verification (with parsing the JSON) is most of what an
/// introspection costs. A hit is the whole token compared for equality, so only a token byte-for-byte identical to
/// one verified is recognised; the key must still be published (a purged key stops its tokens at once), and the
/// caller checks everything that can change — expiry, the app, revocation, the access decision — on every use, as
/// for any token. Bounded: when full, an arbitrary entry makes room.
final class VerifiedTokens: Sendable {
    private struct Entry {
        var verified: JWT.Verified
        var kid: String
    }

    private let entries = Mutex<[String: Entry]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = max(1, capacity) }

    /// How many tokens are remembered.
    var count: Int { entries.withLock { $0.count } }

    /// The token's verified header and claims, or nil when it is not a JWS that verifies with a key of `keys`
    /// published at `time`.
    func verify(_ token: String, keys: KeyRing, at time: Date) -> JWT.Verified? {
        if let entry = entries.withLock({ $0[token] }), keys.verificationKey(kid: entry.kid, at: time) != nil {
            return entry.verified
        }
        guard let verified = try? JWT.verify(token, keys: { keys.verificationKey(kid: $0, at: time) }),
            let kid = verified.header["kid"] as? String
        else { return nil }
        entries.withLock { entries in
            if entries.count >= capacity, entries[token] == nil { entries.remove(at: entries.startIndex) }
            entries[token] = Entry(verified: verified, kid: kid)
        }
        return verified
    }
}
