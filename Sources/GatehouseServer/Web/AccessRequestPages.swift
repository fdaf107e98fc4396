import Foundation
import GatehouseCore
import Hummingbird

/// The page a signed-in user sees when an admin-approved app refuses them at `/authorize`: what happened, a
/// **Request access** button with an optional note, and a way back to the app (which then gets its `access_denied`).
extension Pages {
    static func accessRequest(
        appName: String, username: String, existing: AccessRequest?, justSent: Bool, csrf: String, handle: String,
        traceID: String
    ) -> Response {
        let app = HTML.escape(appName)
        var state = ""
        var requestForm = ""
        switch existing?.state {
        case .pending?:
            let when = existing.map { Self.time($0.requestedAt) } ?? ""
            state =
                justSent
                ? #"<p class="notice" role="status">Your request was sent. An administrator will decide; you will see their decision on <a href="/account">your account page</a>, and once approved you can sign in to \#(app) at once.</p>"#
                : #"<p class="notice" role="status">You asked for access on \#(when). An administrator has not decided yet; their decision will show on <a href="/account">your account page</a>.</p>"#
        case let declined? where declined == .declined:
            let decision = existing?.decision
            let note = decision?.note.map { ": “\(HTML.escape($0))”" } ?? "."
            state =
                "<p>Your last request was declined on \(decision.map { Self.time($0.decidedAt) } ?? "")\(note) You can ask again.</p>"
            fallthrough
        default:
            requestForm = """
                <label for="note">Note for the administrator (optional)</label>
                <textarea id="note" name="note" rows="3" maxlength="\(AccessRequest.noteLimit)" aria-describedby="note-hint"></textarea>
                <p class="muted" id="note-hint">Say why you need \(app), in up to \(AccessRequest.noteLimit) characters.</p>
                <button type="submit" name="action" value="request">Request access</button>
                """
        }
        return HTML.page(
            title: "Approval needed",
            body: """
                <h1>An administrator must approve you to use \(app)</h1>
                <p>Signed in as <strong>\(HTML.escape(username))</strong>. \(app) is open only to users an administrator has approved, and you are not one of them yet.</p>
                \(state)
                <form method="post" action="/access-request">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                \(HTML.hiddenField("request", handle))
                \(requestForm)
                <button type="submit" name="action" value="continue">Back to \(app) without access</button>
                </form>
                <p class="muted">Going back tells \(app) that access was refused (<code>access_denied</code>). Trace id: <code>\(HTML.escape(traceID))</code></p>
                """,
            status: .forbidden)
    }

    /// A time for people, in UTC (the user's time zone is not known here).
    static func time(_ date: Date) -> String {
        date.formatted(
            Date.VerbatimFormatStyle(
                format:
                    "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits) UTC",
                timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }
}
