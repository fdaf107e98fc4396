import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A minimal browser over the test client: keeps cookies, reads forms out of pages, does not follow redirects.
final class Browser: @unchecked Sendable {
    // @unchecked: used by one test task at a time.
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// Sent as `X-Forwarded-For`: the browser's address behind a trusted proxy.
    var forwardedFor: String?

    init(client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: Int
        var headers: HTTPFields
        var body: String

        var location: String? { headers[.location] }

        /// The query parameters of the redirect target.
        var redirectParameters: [String: String] {
            guard let location, let components = URLComponents(string: location) else { return [:] }
            var result: [String: String] = [:]
            for item in components.queryItems ?? [] { result[item.name] = item.value ?? "" }
            return result
        }

        /// Every `<input type="hidden">` of the page's form, name → value (HTML entities decoded).
        var hiddenFields: [String: String] {
            var result: [String: String] = [:]
            let pattern = #"<input type="hidden" name="([^"]*)" value="([^"]*)">"#
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return [:] }
            let range = NSRange(body.startIndex..., in: body)
            for match in regex.matches(in: body, range: range) {
                guard let name = Range(match.range(at: 1), in: body), let value = Range(match.range(at: 2), in: body)
                else { continue }
                result[Self.unescape(String(body[name]))] = Self.unescape(String(body[value]))
            }
            return result
        }

        /// The hidden fields of the first `<form>` on the page whose markup holds `text` (a page with several).
        func form(containing text: String) -> [String: String]? {
            var rest = body[...]
            while let start = rest.range(of: "<form"), let end = rest[start.upperBound...].range(of: "</form>") {
                let markup = String(rest[start.lowerBound..<end.upperBound])
                if markup.contains(text) { return Page(status: status, headers: headers, body: markup).hiddenFields }
                rest = rest[end.upperBound...]
            }
            return nil
        }

        /// The page's passkey form (the first with `data-webauthn`): the ceremony's options and its hidden fields.
        func passkeyForm() -> (options: [String: Any], fields: [String: String])? {
            guard let start = body.range(of: #"<form class="passkey""#),
                let end = body[start.upperBound...].range(of: "</form>")
            else { return nil }
            let markup = String(body[start.lowerBound..<end.upperBound])
            guard let attribute = markup.range(of: #"data-webauthn=""#),
                let close = markup[attribute.upperBound...].firstIndex(of: "\""),
                let options = try? JSONSerialization.jsonObject(
                    with: Data(Self.unescape(String(markup[attribute.upperBound..<close])).utf8)) as? [String: Any]
            else { return nil }
            return (options, Page(status: status, headers: headers, body: markup).hiddenFields)
        }

        static func unescape(_ text: String) -> String {
            text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// From the access-request page (a user not admin approved, refused at `/authorize`), back to the app: the
    /// redirect with `access_denied`. Any other page is returned as it is (a redirect already, say).
    func backToApp(from page: Page) async throws -> Page {
        guard page.status == 403, page.body.contains(#"action="/access-request""#) else { return page }
        var form = page.hiddenFields
        form["action"] = "continue"
        return try await post("/access-request", form: form)
    }

    /// From the access-request page, Request access with `note`: the page that shows the request's state.
    func requestAccess(from page: Page, note: String = "") async throws -> Page {
        var form = page.hiddenFields
        form["action"] = "request"
        form["note"] = note
        return try await post("/access-request", form: form)
    }

    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, body: nil)
    }

    func post(_ path: String, form: [String: String]) async throws -> Page {
        let body = form.map { "\(ServerFixture.escape($0.key))=\(ServerFixture.escape($0.value))" }.joined(
            separator: "&")
        return try await send(path, method: .post, body: body)
    }

    private func send(_ path: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers = HTTPFields()
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        if let forwardedFor { headers[.xForwardedFor] = forwardedFor }
        let page = try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Page(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
        }
        for header in page.headers[values: .setCookie] {
            // "name=" (a cleared cookie) is two parts, the second empty.
            let pair = header.split(separator: ";")[0].split(
                separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            if header.contains("Max-Age=0") {
                cookies[String(pair[0])] = nil
            } else {
                cookies[String(pair[0])] = String(pair[1])
            }
        }
        return page
    }
}
