import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import Hummingbird

/// The web admin console under `/admin`: a connected app of this same Gatehouse (``ConnectedApp/console(callbackURLs:)``).
/// An admin signs in through `/authorize` like any user of any app; the console keeps the tokens it was given in a
/// cookie sealed with the master key, inspects its access token on every page (so blocking the console, removing
/// its grant from the admin's profile or deactivating the admin ends the session at the next page), and acts
/// through the admin library as that user, with the user's admin permissions as they are now.
struct Console: Sendable {
    let web: WebServices
    let store: GatehouseStore
    let masterKey: MasterKey
    let passwordHasher: PasswordHasher
    /// Brings this node's directory up to the database's after a change made here.
    let catchUp: @Sendable () async -> Void
    /// The session's tokens and form token, and the sign-in under way (its `state`, nonce and PKCE verifier).
    let sessions: Sealer
    let signIns: Sealer

    static let sessionCookie = "gh_console"
    static let signInCookie = "gh_console_signin"
    /// A console session not used for this long ends; one ends after the absolute timeout however used.
    static let idleTimeout: TimeInterval = 30 * 60
    static let absoluteTimeout: TimeInterval = 12 * 3_600
    /// How long a sign-in may take between leaving for `/authorize` and coming back to the callback.
    static let signInTimeout: TimeInterval = 10 * 60

    init(
        web: WebServices, store: GatehouseStore, masterKey: MasterKey, passwordHasher: PasswordHasher,
        catchUp: @escaping @Sendable () async -> Void
    ) {
        self.web = web
        self.store = store
        self.masterKey = masterKey
        self.passwordHasher = passwordHasher
        self.catchUp = catchUp
        sessions = Sealer(masterKey: masterKey, purpose: "console-session")
        signIns = Sealer(masterKey: masterKey, purpose: "console-sign-in")
    }

    var oauth: OAuthServices { web.oauth }
    var callback: String { ConnectedApp.consoleCallback(issuer: oauth.issuer.issuer) }

    /// The console's app as this node holds it now: the built-in one (an app of a database's own that took the
    /// client id before the console existed is not it, and gets no in-process exchanges).
    var app: ConnectedApp? {
        oauth.directory.current.app(clientID: ConnectedApp.consoleClientID).flatMap { $0.isBuiltIn ? $0 : nil }
    }

    /// The cookie that holds the sign-in started with `state`: one per sign-in, so tabs signing in at once do not
    /// overwrite each other's.
    static func signInCookie(for state: String) -> String {
        signInCookie + "_" + TokenValue.hash(state).prefix(16)
    }

    /// A cookie for the console's pages only.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/admin", secure: web.secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    func addRoutes(to router: Router<some RequestContext>) {
        ConsoleSignIn(console: self).addRoutes(to: router)
        ConsoleController(console: self).addRoutes(to: router)
        ConsoleApps(console: self).addRoutes(to: router)
        ConsoleAccessRequests(console: self).addRoutes(to: router)
        ConsoleExplain(console: self).addRoutes(to: router)
        ConsoleUsers(console: self).addRoutes(to: router)
        ConsoleBundles(console: self, kind: .profile).addRoutes(to: router)
        ConsoleBundles(console: self, kind: .permissionSet).addRoutes(to: router)
        ConsoleHistory(console: self).addRoutes(to: router)
        ConsoleAppUsage(console: self).addRoutes(to: router)
        ConsoleApprovals(console: self).addRoutes(to: router)
        ConsoleAppActions(console: self).addRoutes(to: router)
        ConsolePreferences(console: self).addRoutes(to: router)
    }
}
