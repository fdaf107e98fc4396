import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Server-rendered pages: plain HTML that works without JavaScript, every value escaped.
enum HTML {
    /// Escapes text for element content and quoted attribute values.
    static func escape(_ text: String) -> String { escape(text, showingInvisible: true) }

    /// Escapes text for a quoted attribute value that is data, never shown (a form's JSON): the five characters
    /// of markup only, so that a name's invisible characters reach the script as they are.
    static func escapeData(_ text: String) -> String { escape(text, showingInvisible: false) }

    /// Scalar by scalar, as the HTML tokenizer reads: a quote followed by a combining mark is one `Character` but
    /// still a quote that would end the attribute.
    private static func escape(_ text: String, showingInvisible: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            // A control or bidi character is shown as its escape: a name cannot reorder or hide the page's text.
            case _ where showingInvisible && UntrustedText.isInvisible(scalar):
                output += UntrustedText.escaped(String(scalar), keepingLayout: true)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Space-separated words (scopes, grant types) as `<code>` elements, each escaped.
    static func codes(_ words: String) -> String {
        words.split(separator: " ").map { "<code>\(escape(String($0)))</code>" }.joined(separator: " ")
    }

    /// A whole page. Pages are never cached and never framed (clickjacking on the consent page). `script` is the
    /// absolute URL of the one script a page with passkey forms loads (``PasskeyScript``); no other may run.
    static func page(title: String, body: String, status: HTTPResponse.Status = .ok, script: String? = nil)
        -> Response
    {
        let document = Self.document(
            title: "\(title) · Gatehouse",
            head: (script.map { #"<script src="\#(escape($0))" defer></script>"# + "\n" } ?? "") + """
                <style>
                body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1b; }
                h1 { font-size: 1.4rem; }
                label { display: block; margin-top: 1rem; font-weight: 600; }
                input[type=text], input[type=password], textarea { width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; font-family: inherit; }
                button { margin-top: 1.2rem; padding: .6rem 1.2rem; font-size: 1rem; margin-right: .5rem; }
                .error { background: #fde8e8; border: 1px solid #c81e1e; padding: .6rem; margin-top: 1rem; }
                .muted { color: #555; font-size: .9rem; }
                ul.scopes li { margin: .3rem 0; }
                .notice { background: #e8f5e9; border: 1px solid #2e7d32; padding: .6rem; }
                section.app { border-top: 1px solid #ddd; margin-top: 1.2rem; }
                h2 { font-size: 1.15rem; margin-bottom: .3rem; }
                form.passkey { border-top: 1px solid #ddd; margin-top: 1.5rem; padding-top: .5rem; }
                form.passkey [data-webauthn-status]:empty { display: none; }
                </style>
                """,
            body: "<main>\n\(body)\n</main>")
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                // No form-action: browsers apply it to the redirect after a form post, which goes to the app.
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline';\(script.map { " script-src \($0);" } ?? "") frame-ancestors 'none'; base-uri 'none'",
                .xFrameOptions: "DENY", .referrerPolicy: "no-referrer", .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: document)))
    }

    /// An HTML5 document in English, laid out for phones too: `head` after the title, `body` as given (escaped by
    /// its caller).
    static func document(title: String, head: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        \(head)
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }

    /// Hidden inputs that carry the authorization request through a form.
    static func hiddenField(_ name: String, _ value: String) -> String {
        #"<input type="hidden" name="\#(escape(name))" value="\#(escape(value))">"#
    }
}

extension HTTPField.Name {
    static let xFrameOptions = known("X-Frame-Options")
    static let xContentTypeOptions = known("X-Content-Type-Options")
    static let referrerPolicy = known("Referrer-Policy")
    static let pragma = known("Pragma")
    static let requestID = known("X-Request-Id")

    /// A header name spelled in this source; the initializer fails only for names with invalid characters.
    static func known(_ name: String) -> Self {
        guard let field = Self(name) else { preconditionFailure("invalid header name \(name)") }
        return field
    }
}
