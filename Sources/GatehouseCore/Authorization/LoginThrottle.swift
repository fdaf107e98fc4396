import Foundation

/// Limits failed logins per account and per client address, so that passwords cannot be guessed at speed.
/// A value type with an injected clock; the server keeps one per node behind a lock.
public struct LoginThrottle: Sendable {
    public var window: TimeInterval
    public var maximumFailuresPerAccount: Int
    public var maximumFailuresPerAddress: Int
    private var failures: [String: [Date]] = [:]

    public init(window: TimeInterval = 900, maximumFailuresPerAccount: Int = 5, maximumFailuresPerAddress: Int = 20) {
        self.window = window
        self.maximumFailuresPerAccount = maximumFailuresPerAccount
        self.maximumFailuresPerAddress = maximumFailuresPerAddress
    }

    /// When the next attempt may be made, or nil if it may be made now.
    public mutating func retryAfter(account: String, address: String?, now: Date) -> Date? {
        let keys =
            [("account:" + uniquenessKey(account), maximumFailuresPerAccount)]
            + (address.map { [("address:" + $0, maximumFailuresPerAddress)] } ?? [])
        for (key, _) in keys { prune(key, now: now) }
        return keys.compactMap { key, limit -> Date? in
            guard let times = failures[key], times.count >= limit, let oldest = times.first else { return nil }
            return oldest.addingTimeInterval(window)
        }.max()
    }

    public mutating func recordFailure(account: String, address: String?, now: Date) {
        failures["account:" + uniquenessKey(account), default: []].append(now)
        if let address { failures["address:" + address, default: []].append(now) }
    }

    /// A successful login clears the account's failures (not the address's).
    public mutating func recordSuccess(account: String) {
        failures["account:" + uniquenessKey(account)] = nil
    }

    /// Forgets failures older than the window: for the keys being checked, and for all keys once the table
    /// grows, so memory stays bounded under a spray of attempts.
    private mutating func prune(_ key: String, now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        if failures.count > 10_000 {
            failures = failures.compactMapValues { times in
                let recent = times.filter { $0 > cutoff }
                return recent.isEmpty ? nil : recent
            }
        } else if let times = failures[key] {
            let recent = times.filter { $0 > cutoff }
            failures[key] = recent.isEmpty ? nil : recent
        }
    }
}
