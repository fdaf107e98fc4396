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
    /// The limits on failed sign-ins; the failures are counted in the database, by every node.
    let throttle: LoginThrottle
    let passwordHasher: PasswordHasher
    /// Cookies get `Secure` when the issuer is https.
    let secureCookies: Bool
    let idleTimeout: TimeInterval
    let absoluteTimeout: TimeInterval
    let passwordThreads: PasswordThreads
    /// Verified against when the username is unknown, so response times do not reveal which usernames exist.
    let dummyPasswordHash: String

    static let sessionCookie = "gh_session"
    static let csrfCookie = "gh_csrf"

    /// The signed-in user of this browser, if the session is valid and the user still exists.
    func currentSession(_ request: Request) async throws -> (session: BrowserSession, user: User)? {
        guard let value = request.cookies[Self.sessionCookie]?.value, !value.isEmpty else { return nil }
        let idHash = TokenValue.hash(value)
        guard let session = try await sessions.session(idHash: idHash) else { return nil }
        let now = oauth.now()
        guard session.isValid(at: now, idleTimeout: idleTimeout, absoluteTimeout: absoluteTimeout),
            let user = oauth.directory.current.users[session.user]
        else {
            try await sessions.deleteSession(idHash: idHash)
            return nil
        }
        try await sessions.touchSession(idHash: idHash, at: now)
        return (session, user)
    }

    /// Starts a session for `user`; returns the cookie to set.
    func startSession(for user: User) async throws -> (BrowserSession, Cookie) {
        let value = TokenValue.generate(prefix: "")
        let now = oauth.now()
        let session = BrowserSession(
            idHash: TokenValue.hash(value), user: user.id, authTime: now, createdAt: now, lastSeenAt: now)
        try await sessions.saveSession(session)
        return (session, cookie(Self.sessionCookie, value))
    }

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
        /// Wrong username or password; the user when the username exists.
        case incorrect(User?)
        /// The right password (the caller still checks that the user is active).
        case correct(User)
    }

    /// Checks a sign-in form against the throttle and the directory, and counts the failure or success.
    func checkSignIn(username: String, password: String, address: String?) async throws -> SignInCheck {
        let now = oauth.now()
        let keys = throttle.keys(account: username, address: address)
        let failures = try await sessions.signInFailures(keys: keys.map(\.value), since: throttle.cutoff(at: now))
        if let until = throttle.retryAfter(failures, keys: keys) { return .throttled(until: until) }
        let user = oauth.directory.current.user(named: username)
        let isValid: Bool
        if let user, let hash = user.passwordHash {
            isValid = await verifyPassword(password, againstHash: hash)
        } else {
            _ = await verifyPassword(password, againstHash: dummyPasswordHash)
            isValid = false
        }
        guard let user, isValid else {
            try await sessions.recordSignInFailure(keys: keys.map(\.value), at: now)
            return .incorrect(user)
        }
        try await sessions.clearSignInFailures(key: keys[0].value)  // the account's; the address's still count
        return .correct(user)
    }

    /// "Try again in N minutes" for a throttled sign-in.
    static func retryMessage(until: Date, now: Date) -> String {
        let minutes = max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
        return "Too many failed sign-in attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }

    /// Verifies a password off the event loop and off the cooperative pool (scrypt takes tens of milliseconds by
    /// design), on threads of its own so that a burst of logins never delays database work.
    func verifyPassword(_ password: String, againstHash hash: String) async -> Bool {
        let hasher = passwordHasher
        return (try? await passwordThreads.pool.runIfActive { hasher.verify(password, against: hash) }) ?? false
    }
}

/// Threads for password hashing, apart from the NIO singleton pool that SQLite's I/O runs on.
final class PasswordThreads: Sendable {
    let pool: NIOThreadPool

    init(count: Int = 2) {
        pool = NIOThreadPool(numberOfThreads: count)
        pool.start()
    }

    deinit { pool.shutdownGracefully { _ in } }
}

extension Response {
    /// Sets each cookie that is not nil.
    mutating func setCookies(_ cookies: Cookie?...) {
        for cookie in cookies.compactMap({ $0 }) { setCookie(cookie) }
    }
}
