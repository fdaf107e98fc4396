import Foundation

/// How an authorization attempt ended.
public enum LoginResult: String, Sendable, Codable, CaseIterable {
    case allowed
    case refused
    /// Allowed under report-only enforcement, though the decision would have refused it.
    case wouldRefuse = "would_refuse"
}

/// One authorization attempt on any flow ("login history"): successes and every refusal.
public struct LoginEvent: Sendable, Equatable, Codable {
    public var id: Int64?
    public var occurredAt: Date
    public var user: UserID?
    /// The user's name, or the name attempted when it matched no user.
    public var username: String?
    public var app: ConnectedAppID?
    public var appName: String?
    public var flow: AccessFlow
    public var result: LoginResult
    /// The reason code of a refusal (docs/errors.md), or of the refusal report-only enforcement skipped.
    public var reason: String?
    public var description: String?
    public var clientIP: String?
    /// The request's id: the `trace_id` of the refusal the client saw.
    public var traceID: String
    /// The access decision's checks, when one was made.
    public var checks: [AccessCheck]?

    public init(
        id: Int64? = nil, occurredAt: Date, user: UserID? = nil, username: String? = nil, app: ConnectedAppID? = nil,
        appName: String? = nil, flow: AccessFlow, result: LoginResult, reason: String? = nil,
        description: String? = nil, clientIP: String? = nil, traceID: String, checks: [AccessCheck]? = nil
    ) {
        self.id = id
        self.occurredAt = occurredAt
        self.user = user
        self.username = username
        self.app = app
        self.appName = appName
        self.flow = flow
        self.result = result
        self.reason = reason
        self.description = description
        self.clientIP = clientIP
        self.traceID = traceID
        self.checks = checks
    }

    /// The event for an attempt that ended with `error` (nil: success), given what the attempt learned.
    public static func attempt(
        flow: AccessFlow, app: ConnectedApp?, attempt: LoginAttempt, error: OAuthError?, clientIP: String?,
        traceID: String, at time: Date
    ) -> LoginEvent {
        let decision = attempt.decision
        let user = attempt.user
        // The checks are kept for refusals and would-refuse only: they explain an outcome someone will ask about,
        // and writing them for every success would cost the hot path a JSON encoding per request.
        // What was typed is bounded before it is stored: 500 posts of 60 KB usernames must not grow the database.
        let username = attempt.attemptedUsername.map { UntrustedText.bounded($0, to: UntrustedText.usernameLimit) }
        var event = LoginEvent(
            occurredAt: time, user: user?.id, username: username, app: app?.id, appName: app?.name,
            flow: flow, result: .allowed, clientIP: clientIP, traceID: traceID)
        if let error {
            event.result = .refused
            event.reason = error.reason?.rawValue ?? error.code.rawValue
            event.description = error.message
            event.checks = decision?.checks
        } else if let wouldRefuse = decision?.wouldRefuse {
            event.result = .wouldRefuse
            event.reason = wouldRefuse.reason.rawValue
            event.description = wouldRefuse.description
            event.checks = decision?.checks
        }
        return event
    }
}

/// What `gatehouse login-history` asks for; every field narrows.
public struct LoginEventQuery: Sendable {
    public var user: UserID?
    public var username: String?
    public var app: ConnectedAppID?
    public var result: LoginResult?
    public var reason: String?
    public var flow: AccessFlow?
    public var since: Date?
    public var until: Date?
    public var traceID: String?
    /// Only events older than this one (a page boundary: events are listed newest first).
    public var beforeID: Int64?
    public var limit: Int

    public init(
        user: UserID? = nil, username: String? = nil, app: ConnectedAppID? = nil, result: LoginResult? = nil,
        reason: String? = nil, flow: AccessFlow? = nil, since: Date? = nil, until: Date? = nil, traceID: String? = nil,
        beforeID: Int64? = nil, limit: Int = 100
    ) {
        self.beforeID = beforeID
        self.user = user
        self.username = username
        self.app = app
        self.result = result
        self.reason = reason
        self.flow = flow
        self.since = since
        self.until = until
        self.traceID = traceID
        self.limit = limit
    }
}
