import Foundation
import HTTPTypes
import Hummingbird

/// The admin's preferences for this browser: the time zone the console's times are shown in. Kept in a cookie
/// (no account field holds a zone yet, and the console runs without scripts, so the browser's own zone is not
/// known); UTC until chosen.
struct ConsolePreferences: Sendable {
    let console: Console
    /// A year: the choice outlives sessions.
    static let cookieLifetime = 365 * 86_400

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/preferences") { request, context in
            await console.page(request, context) { signedIn in
                Self.page(signedIn: signedIn, saved: QueryParameters(request)["saved"] != nil)
            }
        }
        router.post("admin/preferences") { request, context in
            await console.page(request, context) { signedIn in
                let form = try await FormBody.parse(request)
                guard signedIn.session.accepts(csrf: form["csrf"]) else {
                    return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
                }
                guard let identifier = form["zone"], ConsoleTime.zone(named: identifier) != nil else {
                    return Self.page(signedIn: signedIn, problem: "Choose a time zone from the list.")
                }
                var response = Response(
                    status: .seeOther, headers: [.location: "/admin/preferences?saved", .cacheControl: "no-store"])
                response.setCookie(console.cookie(ConsoleTime.cookie, identifier, maxAge: Self.cookieLifetime))
                return response
            }
        }
    }

    static func page(signedIn: ConsoleAdmin, saved: Bool = false, problem: String? = nil) -> Response {
        let e = HTML.escape
        let current = ConsoleTime.name(ConsoleTime.zone)
        let listed =
            ConsoleTime.identifiers.contains(current) ? ConsoleTime.identifiers : [current] + ConsoleTime.identifiers
        let options = listed.map { identifier in
            #"<option value="\#(e(identifier))"\#(identifier == current ? " selected" : "")>\#(e(identifier))</option>"#
        }.joined()
        let now = ISO8601DateFormatter().string(from: Date())
        let notice =
            saved
            ? #"<p class="notice" role="status">Saved: times are shown in \#(e(current)).</p>"# : ""
        let alert = problem.map { #"<div class="problem" role="alert"><p>\#(e($0))</p></div>"# } ?? ""
        return ConsoleLayout.page(
            title: "Preferences", signedIn: signedIn, status: problem == nil ? .ok : .badRequest,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Preferences</h1>
            \(notice)\(alert)
            <p class="lead">The console shows times in this zone, to the minute; hover over a time for its exact UTC \
            value. The choice is kept in this browser.</p>
            <form method="post" action="/admin/preferences" class="stacked">
            <input type="hidden" name="csrf" value="\(e(signedIn.session.csrf))">
            <label for="zone">Time zone</label>
            <select id="zone" name="zone" aria-describedby="zone-hint">\(options)</select>
            <p class="hint" id="zone-hint">Now: \(ConsoleTime.tag(now)).</p>
            <button type="submit">Save</button>
            </form>
            """)
    }
}
