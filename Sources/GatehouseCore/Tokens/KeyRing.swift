import Foundation

/// A signing key with its schedule: published from creation, signing from `activatesAt`, no longer signing
/// from `retiredAt`, and unpublished once `expiresAt` passes (when no token it signed can still be valid).
public struct ScheduledSigningKey: Sendable {
    public var key: SigningKey
    public var createdAt: Date
    public var activatesAt: Date
    public var retiredAt: Date?
    public var expiresAt: Date?

    public init(key: SigningKey, createdAt: Date, activatesAt: Date, retiredAt: Date? = nil, expiresAt: Date? = nil) {
        self.key = key
        self.createdAt = createdAt
        self.activatesAt = activatesAt
        self.retiredAt = retiredAt
        self.expiresAt = expiresAt
    }

    public func isSigning(at time: Date) -> Bool { activatesAt <= time && retiredAt.map { time < $0 } ?? true }
    public func isPublished(at time: Date) -> Bool { expiresAt.map { time < $0 } ?? true }
}

/// Every signing key of the instance, and the rules for which one signs and which are published (JWKS).
public struct KeyRing: Sendable {
    public private(set) var keys: [ScheduledSigningKey]

    public init(_ keys: [ScheduledSigningKey]) { self.keys = keys.sorted { $0.createdAt < $1.createdAt } }

    /// The newest key of `algorithm` that signs at `time`.
    public func signingKey(_ algorithm: SigningAlgorithm, at time: Date) -> SigningKey? {
        keys.last { $0.key.algorithm == algorithm && $0.isSigning(at: time) }?.key
    }

    /// Keys that may still verify a live token: published in JWKS.
    public func publishedKeys(at time: Date) -> [VerificationKey] {
        keys.filter { $0.isPublished(at: time) }.map(\.key.verificationKey)
    }

    public func verificationKey(kid: String, at time: Date) -> VerificationKey? {
        keys.first { $0.key.kid == kid && $0.isPublished(at: time) }?.key.verificationKey
    }

    /// The algorithms that have no key able to sign at `time` (a new instance needs one of each).
    public func missingAlgorithms(at time: Date) -> [SigningAlgorithm] {
        SigningAlgorithm.allCases.filter { algorithm in
            !keys.contains { $0.key.algorithm == algorithm && ($0.isSigning(at: time) || $0.activatesAt > time) }
        }
    }

    /// The schedule for rotating `algorithm` at `time`: a new key published now that starts signing after
    /// `publicationDelay` (so validators that cache JWKS fetch it before seeing a token it signed); the keys it
    /// replaces stop signing then and stay published for `longestTokenLifetime` more.
    public func rotation(
        _ algorithm: SigningAlgorithm, newKey: SigningKey, at time: Date, publicationDelay: TimeInterval,
        longestTokenLifetime: TimeInterval
    ) -> (new: ScheduledSigningKey, retired: [ScheduledSigningKey]) {
        let activatesAt = time.addingTimeInterval(publicationDelay)
        let new = ScheduledSigningKey(key: newKey, createdAt: time, activatesAt: activatesAt)
        let retired = keys.filter { $0.key.algorithm == algorithm && $0.retiredAt == nil }.map { old in
            var old = old
            old.retiredAt = max(activatesAt, old.activatesAt)
            old.expiresAt = old.retiredAt?.addingTimeInterval(longestTokenLifetime)
            return old
        }
        return (new, retired)
    }
}
