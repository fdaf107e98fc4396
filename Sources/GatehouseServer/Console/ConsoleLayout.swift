import Foundation
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The console's pages: one stylesheet of its own (no inline style or script: the policy forbids both), a header
/// with Quick Find and sign-out, and the sections the signed-in admin may open.
enum ConsoleLayout {
    /// Pages are never cached, never framed, and load nothing but the console's own stylesheet.
    static let securityHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        .contentSecurityPolicy:
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xFrameOptions: "DENY", .referrerPolicy: "no-referrer",
        .xContentTypeOptions: "nosniff",
    ]

    /// A whole page. `signedIn`: the admin the header names (nil on the pages before or after a session).
    static func page(
        title: String, signedIn: ConsoleAdmin?, query: String = "", status: HTTPResponse.Status = .ok,
        _ body: String
    ) -> Response {
        let e = HTML.escape
        var header = #"<a class="brand" href="/admin">Gatehouse Setup</a>"#
        if let signedIn, signedIn.may(.viewSetup) {
            header += """
                <form class="find" role="search" action="/admin/find" method="get">\
                <label for="quick-find">Quick Find</label>\
                <input id="quick-find" name="q" type="search" value="\(e(query))" \
                placeholder="A user, app, profile or permission set">\
                <button type="submit">Find</button></form>
                """
        }
        if let signedIn {
            header += """
                <a class="zone" href="/admin/preferences" title="Change the time zone">\
                Times in \(e(ConsoleTime.name(ConsoleTime.zone)))</a>\
                <form class="who" action="/admin/logout" method="post">\
                <span>\(e(signedIn.user.displayName.isEmpty ? signedIn.user.username : signedIn.user.displayName))</span>\
                <input type="hidden" name="csrf" value="\(e(signedIn.session.csrf))">\
                <button type="submit" class="quiet">Sign out</button></form>
                """
        }
        let document = HTML.document(
            title: "\(title) · Gatehouse Setup", head: #"<link rel="stylesheet" href="/admin/console.css">"#,
            body: """
                <a class="skip" href="#main">Skip to the page</a>
                <header class="bar">\(header)</header>
                <main id="main">
                \(body)
                </main>
                """)
        return Response(
            status: status, headers: securityHeaders, body: .init(byteBuffer: ByteBuffer(string: document)))
    }
}
