import Foundation

/// A validated authorization request kept on the server while the user signs in and consents, so that nothing the
/// browser posts back can change the request or skip a step (RFC 9700 §4.5, OIDC Core §3.1.2.1's `prompt=login`
/// and `max_age`). The forms carry only an opaque handle; this record says what the request still requires, and a
/// code is issued only once it says every requirement was met in this flow.
public struct PendingAuthorization: Sendable, Hashable {
    /// SHA-256 of the handle in the forms.
    public var handleHash: String
    /// The request's parameters as received, validated again against the directory at every step.
    public var parameters: [String: String]
    public var app: ConnectedAppID
    /// SHA-256 of the browser's CSRF cookie: the handle works only in the browser that started the flow.
    public var browserBinding: String
    /// The user must type their password in this flow: `prompt=login`, `max_age` passed, or no session at all.
    public var requiresSignIn: Bool
    /// Who signed in during this flow, and when: set only by a correct password on the login form.
    public var signedInUser: UserID?
    public var signedInAt: Date?
    public var createdAt: Date
    public var expiresAt: Date
    /// Set when a code was issued or the flow ended with an error redirect: a handle is used once.
    public var completedAt: Date?
    /// The trace id under which login history recorded the refusal the access-request page shows: going back to the
    /// app sends this one, so the app's error and login history agree, and the refusal is not recorded twice.
    public var refusalTraceID: String?

    public init(
        handleHash: String, parameters: [String: String], app: ConnectedAppID, browserBinding: String,
        requiresSignIn: Bool, signedInUser: UserID? = nil, signedInAt: Date? = nil, createdAt: Date, expiresAt: Date,
        completedAt: Date? = nil, refusalTraceID: String? = nil
    ) {
        self.handleHash = handleHash
        self.parameters = parameters
        self.app = app
        self.browserBinding = browserBinding
        self.requiresSignIn = requiresSignIn
        self.signedInUser = signedInUser
        self.signedInAt = signedInAt
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.completedAt = completedAt
        self.refusalTraceID = refusalTraceID
    }

    /// Long enough to type a password and read a consent page; short enough that an abandoned one is soon useless.
    public static let lifetime: TimeInterval = 600

    /// Whether the flow may go on for `user` signed in at `authTime`: a required sign-in happened in this flow,
    /// by this user.
    public func isSatisfied(by user: UserID, signedInAt authTime: Date) -> Bool {
        guard requiresSignIn else { return true }
        guard let signedInUser, let signedInAt else { return false }
        return signedInUser == user && authTime >= signedInAt
    }

    /// Whether this record may be used now from the browser whose CSRF cookie hashes to `binding`.
    public func isUsable(at time: Date, browserBinding binding: String) -> Bool {
        completedAt == nil && expiresAt > time
            && constantTimeEquals(Array(browserBinding.utf8), Array(binding.utf8))
    }
}

/// Storage of pending authorization requests, keyed by the hash of their handle.
public protocol PendingAuthorizationStore: Sendable {
    func savePendingAuthorization(_ pending: PendingAuthorization) async throws
    func pendingAuthorization(handleHash: String) async throws -> PendingAuthorization?
    /// Records that `user` typed their password in this flow at `time`.
    func recordSignIn(handleHash: String, user: UserID, at time: Date) async throws
    /// Records the trace id of the refusal the access-request page shows (see ``PendingAuthorization/refusalTraceID``).
    func recordRefusal(handleHash: String, traceID: String) async throws
    /// Marks the record used, atomically: true for exactly one caller.
    func completePendingAuthorization(handleHash: String, at time: Date) async throws -> Bool
}
