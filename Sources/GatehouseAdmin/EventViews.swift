import Foundation
import GatehouseCore

/// A login event as admins read it (`login-history --json`, the admin API).
public struct LoginEventView: Codable, Sendable {
    public var time: String
    public var traceId: String
    public var user: String?
    public var app: String?
    public var flow: String
    public var result: String
    public var reason: String?
    public var description: String?
    public var clientIp: String?
    public var checks: [AccessCheck]?

    public init(_ event: LoginEvent) {
        time = event.occurredAt.formatted(.iso8601)
        traceId = event.traceID
        user = event.username
        app = event.appName
        flow = event.flow.rawValue
        result = event.result.rawValue
        reason = event.reason
        description = event.description
        clientIp = event.clientIP
        checks = event.checks
    }
}

/// Times as admins give them in filters.
public enum AdminTime {
    /// An ISO 8601 time (`2026-11-30T10:00:00Z`), or an age before `now` (`90m`, `24h`, `7d`); nil for neither.
    public static func parse(_ text: String, now: Date) -> Date? {
        if let duration = PolicyDuration(parsing: text) {
            // At most a century: a larger age is no time a store can hold (milliseconds in 64 bits).
            guard duration.seconds <= 100 * 366 * 86_400 else { return nil }
            return now.addingTimeInterval(-Double(duration.seconds))
        }
        return instant(text)
    }

    /// An RFC 3339 time: `2026-11-30T10:00:00Z`, with fractional seconds or an offset (`+01:00`) too.
    public static func instant(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// A signing key as admins see it: never the private key.
public struct SigningKeyView: Codable, Sendable {
    public var kid: String
    public var algorithm: String
    public var createdAt: String
    public var activatesAt: String
    public var retiredAt: String?
    public var expiresAt: String?
    /// `signing`, `published` (not signing yet), `retired` (published, no longer signing) or `expired`.
    public var state: String

    public init(_ key: ScheduledSigningKey, at now: Date) {
        kid = key.key.kid
        algorithm = key.key.algorithm.rawValue
        createdAt = key.createdAt.formatted(.iso8601)
        activatesAt = key.activatesAt.formatted(.iso8601)
        retiredAt = key.retiredAt?.formatted(.iso8601)
        expiresAt = key.expiresAt?.formatted(.iso8601)
        state =
            key.isSigning(at: now)
            ? "signing" : key.activatesAt > now ? "published" : key.isPublished(at: now) ? "retired" : "expired"
    }
}
