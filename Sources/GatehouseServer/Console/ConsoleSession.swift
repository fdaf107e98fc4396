import Foundation
import GatehouseCore

/// What the console's session cookie holds, sealed (``Sealer``): the tokens the console was issued at sign-in and
/// the token its forms carry (CSRF).
struct ConsoleSession: Codable, Sendable {
    var accessToken: String
    var refreshToken: String?
    var csrf: String
    var signedInAt: Date
    var lastSeenAt: Date

    func isValid(at now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) < Console.idleTimeout
            && now.timeIntervalSince(signedInAt) < Console.absoluteTimeout && now >= signedInAt.addingTimeInterval(-60)
    }

    /// Whether a posted form's token is this session's, in constant time.
    func accepts(csrf field: String?) -> Bool {
        guard let field, !csrf.isEmpty else { return false }
        return constantTimeEquals(Array(csrf.utf8), Array(field.utf8))
    }
}

/// A sign-in under way, sealed in a cookie between leaving for `/authorize` and the callback: what the callback
/// checks (`state`, the ID token's `nonce`) and proves (the PKCE verifier), and the page to return to.
struct ConsoleSignInState: Codable, Sendable {
    var state: String
    var nonce: String
    var verifier: String
    var returnTo: String
    var startedAt: Date

    /// `path` if it is a console page of this server (`/admin`, `/admin/…`, `/admin?…`); else the console's home.
    static func returnPath(_ path: String?) -> String {
        guard let path, path.utf8.count <= 2_000,
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return "/admin" }
        // The path itself plainly (no escapes, no dot segments, no empty segment); the query as it came.
        let route = String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        let segments = route.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard route == "/admin" || route.hasPrefix("/admin/"), !route.contains("%"), !route.contains("\\"),
            !segments.contains(where: { $0 == "." || $0 == ".." || $0.isEmpty }) || route == "/admin/",
            !route.hasPrefix("/admin/callback")
        else { return "/admin" }
        return path
    }
}
