import Foundation

/// A signed-in browser: the server-side record behind the session cookie, keyed by the hash of the cookie value.
public struct BrowserSession: Sendable, Hashable {
    public var idHash: String
    public var user: UserID
    /// When the user typed their password (OIDC `auth_time`).
    public var authTime: Date
    /// How they signed in (RFC 8176 `amr`).
    public var amr: AuthenticationMethods
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(
        idHash: String, user: UserID, authTime: Date, amr: AuthenticationMethods = .password, createdAt: Date,
        lastSeenAt: Date
    ) {
        self.idHash = idHash
        self.user = user
        self.authTime = authTime
        self.amr = amr
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }

    /// Whether the session is still good: used within the idle timeout and younger than the absolute one.
    public func isValid(at now: Date, idleTimeout: TimeInterval, absoluteTimeout: TimeInterval) -> Bool {
        now.timeIntervalSince(lastSeenAt) < idleTimeout && now.timeIntervalSince(createdAt) < absoluteTimeout
    }
}

/// A user's recorded "Allow" for a self-authorize app and a set of scopes.
public struct Approval: Sendable, Hashable {
    public var user: UserID
    public var app: ConnectedAppID
    public var scopes: Scopes
    public var approvedAt: Date

    public init(user: UserID, app: ConnectedAppID, scopes: Scopes, approvedAt: Date) {
        self.user = user
        self.app = app
        self.scopes = scopes
        self.approvedAt = approvedAt
    }

    /// Whether this approval covers `requested`: the consent page is not shown again for the same or fewer scopes.
    public func covers(_ requested: Scopes) -> Bool { requested.isSubset(of: scopes) }
}

/// Storage of browser sessions and approvals.
public protocol SessionStore: Sendable {
    func saveSession(_ session: BrowserSession) async throws
    func session(idHash: String) async throws -> BrowserSession?
    func touchSession(idHash: String, at time: Date) async throws
    func deleteSession(idHash: String) async throws

    /// Records an approval, widening an existing one to the union of scopes.
    func recordApproval(_ approval: Approval) async throws

    /// Failed sign-ins per throttle key (``LoginThrottle/Key/value``) since `cutoff`; keys without any are absent.
    func signInFailures(keys: [String], since cutoff: Date) async throws -> [String: SignInFailures]
    /// Records one failed sign-in under each key.
    func recordSignInFailure(keys: [String], at time: Date) async throws
    /// Reserves a sign-in attempt before its password is checked, atomically across nodes: if `throttle` allows one
    /// more attempt under every key, records a failure under each (marked `attempt`) and returns nil; otherwise
    /// records nothing and returns when the next attempt may be made. Checking the password afterwards can then never
    /// let more guesses through than the limit, however many arrive at once.
    func reserveSignIn(keys: [LoginThrottle.Key], attempt: String, throttle: LoginThrottle, at time: Date)
        async throws -> Date?
    /// Takes back a reserved attempt that reached no wrong verdict: the right password (then, with `accountKey`, the
    /// account's earlier failures are forgotten too; an address's still count), or turned away before its check.
    func releaseSignIn(attempt: String, clearing accountKey: String?) async throws
    /// Forgets a key's failures (an admin's unlock).
    func clearSignInFailures(key: String) async throws
}
