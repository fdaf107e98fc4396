import Foundation
import Synchronization

/// What a token-endpoint handler learns about an attempt while it runs: who it was for and what the access decision
/// said. Shared by reference so that a refusal thrown halfway still leaves both behind for login history.
public final class LoginAttempt: Sendable {
    private struct State {
        var user: User?
        var attemptedUsername: String?
        var decision: AccessDecision?
    }

    private let state = Mutex(State())

    public init() {}

    public func note(user: User?, decision: AccessDecision) {
        state.withLock {
            $0.user = user
            $0.decision = decision
        }
    }

    /// The user the attempt is for, known before any decision (e.g. from an authorization code).
    public func note(user: User) { state.withLock { $0.user = user } }

    /// A username named by the attempt that matched no user (e.g. an assertion's `sub`).
    public func note(attemptedUsername: String) { state.withLock { $0.attemptedUsername = attemptedUsername } }

    public var user: User? { state.withLock { $0.user } }
    public var attemptedUsername: String? { state.withLock { $0.attemptedUsername ?? $0.user?.username } }
    public var decision: AccessDecision? { state.withLock { $0.decision } }
}
