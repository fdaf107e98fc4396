import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import NIOPosix

/// What the browser-facing endpoints share: sessions, approvals, the login throttle, cookie settings.
struct WebServices: Sendable {
    let oauth: OAuthServices
    let sessions: any SessionStore
    /// Authorization requests in progress, kept on the server; the forms carry only their handle.
    let pendingAuthorizations: any PendingAuthorizationStore
    /// Users' requests for access to admin-approved apps (the page at a refused `/authorize`, the account page).
    let accessRequests: any AccessRequestStore
    /// The limits on failed sign-ins; the failures are counted in the database, by every node.
    let throttle: LoginThrottle
    let passwordHasher: PasswordHasher
    /// Cookies get `Secure` when the issuer is https.
    let secureCookies: Bool
    let idleTimeout: TimeInterval
    let absoluteTimeout: TimeInterval
    /// At most a few password verifications at once on this node; a burst beyond them is turned away.
    let passwordVerifications: PasswordVerifications
    /// Verified against when the username is unknown, so response times do not reveal which usernames exist.
    let dummyPasswordHash: String
    /// Users' authenticator apps and recovery codes.
    let secondFactors: SecondFactorServices

    static let sessionCookie = "gh_session"
    static let csrfCookie = "gh_csrf"

    /// The signed-in user of this browser, if the session is valid and its user still exists and is active (checked on
    /// every use: a deactivation ends the session even on a node that has not yet seen the session rows go).
    func currentSession(_ request: Request) async throws -> (session: BrowserSession, user: User)? {
        guard let value = request.cookies[Self.sessionCookie]?.value, !value.isEmpty else { return nil }
        let idHash = TokenValue.hash(value)
        guard let session = try await sessions.session(idHash: idHash) else { return nil }
        let now = oauth.now()
        guard session.isValid(at: now, idleTimeout: idleTimeout, absoluteTimeout: absoluteTimeout),
            let user = try await oauth.directory.users.user(session.user), user.isActive
        else {
            try await sessions.deleteSession(idHash: idHash)
            return nil
        }
        try await sessions.touchSession(idHash: idHash, at: now)
        return (session, user)
    }

    /// Starts a session for `user`, signed in with `methods`; returns the cookie to set. `createdAt`: the start of
    /// the session it replaces (a step-up), whose absolute timeout it keeps.
    func startSession(for user: User, methods: AuthenticationMethods = .password, createdAt: Date? = nil)
        async throws -> (BrowserSession, Cookie)
    {
        let value = TokenValue.generate(prefix: "")
        let now = oauth.now()
        let session = BrowserSession(
            idHash: TokenValue.hash(value), user: user.id, authTime: now, amr: methods, createdAt: createdAt ?? now,
            lastSeenAt: now)
        try await sessions.saveSession(session)
        return (session, cookie(Self.sessionCookie, value))
    }

    /// Why `user` must sign in with a second factor (for `authorization`, when signing in for one), in words; nil
    /// when a password may be enough (a user who has a factor is asked for it anyway).
    func secondFactorRequirement(for user: User, authorization: AuthorizationRequest? = nil) -> String? {
        if let profile = oauth.directory.current.profiles[user.profile], profile.requireSecondFactor {
            return "Your profile (\(profile.name)) requires two-step verification."
        }
        guard let authorization, authorization.requiresSecondFactor else { return nil }
        return authorization.app.highAssurance.requiresSecondFactor
            ? "\(authorization.app.name) requires two-step verification."
            : "\(authorization.app.name) asks for two-step verification."
    }

    /// The issuer an authenticator app lists the account under: this Gatehouse's host name.
    var otpIssuer: String { URL(string: oauth.issuer.issuer)?.host ?? "Gatehouse" }

    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// The CSRF token for forms (double-submit cookie): the existing cookie's value, or a new one to set.
    func csrfToken(_ request: Request) -> (token: String, newCookie: Cookie?) {
        if let existing = request.cookies[Self.csrfCookie]?.value, existing.count >= 32 { return (existing, nil) }
        let token = TokenValue.generate(prefix: "")
        return (token, cookie(Self.csrfCookie, token))
    }

    /// Whether the form's token matches the cookie's, in constant time. A cross-site form cannot read the cookie.
    func isCSRFValid(_ request: Request, form: [String: String]) -> Bool {
        guard let cookie = request.cookies[Self.csrfCookie]?.value, let field = form["csrf"], !cookie.isEmpty else {
            return false
        }
        return constantTimeEquals(Array(cookie.utf8), Array(field.utf8))
    }

    /// What a sign-in form's username and password amount to.
    enum SignInCheck {
        /// Too many failures for this account or address: try again after the date.
        case throttled(until: Date)
        /// Too many sign-ins at once on this node: try again in a moment. Nothing was counted.
        case busy
        /// Wrong username or password; the user when the username exists.
        case incorrect(User?)
        /// The right password (the caller still checks that the user is active).
        case correct(User)
    }

    /// Checks a sign-in form against the throttle and the directory. The attempt is counted as a failure before the
    /// password is checked (so a parallel burst gets no more verdicts than the limit) and taken back if it was right.
    func checkSignIn(username: String, password: String, address: String?) async throws -> SignInCheck {
        let now = oauth.now()
        let keys = throttle.keys(account: username, address: address)
        let attempt = TokenValue.generate(prefix: "")
        if let until = try await sessions.reserveSignIn(keys: keys, attempt: attempt, throttle: throttle, at: now) {
            return .throttled(until: until)
        }
        let user = try await oauth.directory.users.user(named: username)
        // Unknown users cost the same verification, so response times do not reveal which usernames exist.
        let hash = user?.passwordHash ?? dummyPasswordHash
        let hasher = passwordHasher
        guard let verified = await passwordVerifications.run({ hasher.verify(password, against: hash) }) else {
            // Turned away before any verdict: the reservation is taken back, as for a right password.
            try await sessions.releaseSignIn(attempt: attempt, clearing: nil)
            return .busy
        }
        guard let user, user.passwordHash != nil, verified else { return .incorrect(user) }
        try await sessions.releaseSignIn(attempt: attempt, clearing: keys[0].value)
        return .correct(user)
    }

    /// "Try again in a moment" for a sign-in turned away by ``PasswordVerifications``.
    static let busyMessage = "Too many sign-ins are being checked right now. Try again in a moment."

    /// "Try again in N minutes" for a throttled sign-in.
    static func retryMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many failed sign-in attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }

}

extension Response {
    /// With `Retry-After` (RFC 9110 §10.2.3) in whole seconds, at least one.
    func retrying(after seconds: TimeInterval) -> Response {
        var response = self
        response.headers[.retryAfter] = String(max(1, Int(seconds.rounded(.up))))
        return response
    }

    /// Sets each cookie that is not nil.
    mutating func setCookies(_ cookies: Cookie?...) {
        for cookie in cookies.compactMap({ $0 }) { setCookie(cookie) }
    }
}
