import Foundation
import GatehouseAdmin
import GatehouseCore
import Hummingbird

/// The review every console change opens before it is made: what changes, who gains access (when it gives any),
/// who loses access and the live grants that end, and the form that makes exactly the change reviewed.
enum ConsoleReview {
    private static let e = HTML.escape

    /// `crumbs`: the trail's links, already HTML; `fields`: the posted form's fields to post again, with
    /// `confirm=yes`, to `action`.
    static func page(
        subject: String, crumbs: String, prepared: PreparedChange, gaining: String? = nil, action: String,
        fields: [(String, String)], button: String, cancel: String, signedIn: ConsoleAdmin
    ) -> Response {
        let hidden = fields.map { HTML.hiddenField($0.0, $0.1) }.joined()
        return ConsoleLayout.page(
            title: "Review the change to \(subject)", signedIn: signedIn,
            """
            <p class="crumbs">\(crumbs)</p>
            <h1>Review the change to \(e(subject))</h1>
            <h2>What changes</h2>
            <ul>\(prepared.summaries.map { "<li>\(e($0))</li>" }.joined())</ul>
            \(gaining.map { "<h2>Who gains access</h2><p>\(e($0))</p>" } ?? "")
            <h2>Who loses access</h2>
            \(ConsoleWords.losses(prepared.impact, signedIn: signedIn))
            <form method="post" action="\(e(action))">\(hidden)\(HTML.hiddenField("confirm", "yes"))
            <p class="actions"><button type="submit">\(e(button))</button> <a href="\(e(cancel))">Cancel</a></p>
            </form>
            """)
    }

    /// The fields named `keys` of a posted form, in that order, to post again.
    static func fields(_ form: [String: String], _ keys: [String]) -> [(String, String)] {
        keys.compactMap { key in form[key].map { (key, $0) } }
    }
}
