import Foundation

/// Limits failed sign-ins per account and per client address, so that passwords cannot be guessed at speed.
/// The failures are kept in the database (``SessionStore``), so every node counts the same ones: behind a load
/// balancer, an attacker gets no more tries than against one node.
public struct LoginThrottle: Sendable {
    public var window: TimeInterval
    public var maximumFailuresPerAccount: Int
    public var maximumFailuresPerAddress: Int
    /// Wrong second-factor codes per user in the window. Each guess matches one of three time steps of each of the
    /// user's factors (at most five), so a guesser who has the password gets about one chance in 67,000 per window
    /// and factor: about one in 700 a day, which is why wrong codes are in login history for operators to watch.
    public var maximumSecondFactorFailures: Int

    public init(
        window: TimeInterval = 900, maximumFailuresPerAccount: Int = 5, maximumFailuresPerAddress: Int = 20,
        maximumSecondFactorFailures: Int = 5
    ) {
        self.window = window
        self.maximumFailuresPerAccount = maximumFailuresPerAccount
        self.maximumFailuresPerAddress = maximumFailuresPerAddress
        self.maximumSecondFactorFailures = maximumSecondFactorFailures
    }

    /// The key a sign-in's failures count under, with its limit.
    public struct Key: Sendable, Hashable {
        /// SHA-256 of `account:<username, case-folded>` or `address:<client IP>`: the database never holds what
        /// people typed as a username (sometimes their password).
        public var value: String
        public var limit: Int
    }

    /// The account's key, then the address's when there is one.
    public func keys(account: String, address: String?) -> [Key] {
        [Key(value: TokenValue.hash("account:" + uniquenessKey(account)), limit: maximumFailuresPerAccount)]
            + (address.map { [Key(value: TokenValue.hash("address:" + $0), limit: maximumFailuresPerAddress)] } ?? [])
    }

    /// The user's second-factor key, then the address's (shared with passwords: an address guessing either is one
    /// guesser).
    public func secondFactorKeys(user: UserID, address: String?) -> [Key] {
        [Key(value: TokenValue.hash("second-factor:" + user.rawValue), limit: maximumSecondFactorFailures)]
            + keys(account: "", address: address).dropFirst()
    }

    /// Failures older than this no longer count.
    public func cutoff(at now: Date) -> Date { now.addingTimeInterval(-window) }

    /// When the next attempt may be made, given the failures recorded under each key since ``cutoff(at:)``;
    /// nil when it may be made now. A key at its limit waits until its oldest counted failure leaves the window.
    public func retryAfter(_ failures: [String: SignInFailures], keys: [Key]) -> Date? {
        keys.compactMap { key -> Date? in
            guard let recent = failures[key.value], recent.count >= key.limit else { return nil }
            return recent.oldest.addingTimeInterval(window)
        }.max()
    }
}

/// The failed sign-ins recorded under one throttle key within the window.
public struct SignInFailures: Sendable, Equatable {
    public var count: Int
    public var oldest: Date

    public init(count: Int, oldest: Date) {
        self.count = count
        self.oldest = oldest
    }
}
