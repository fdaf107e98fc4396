import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Issue 9, item 9, over HTTP: a typed username is bounded before it is stored, and an echoed parameter cannot put a
/// control character into a response.
@Suite struct ForgedTextTests {
    @Test(arguments: TestBackend.available)
    func aHugeOrForgedUsernameIsStoredBoundedAndEscapedNowhereRaw(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = Browser(client: server.client)
            var form = try await AuthorizationCodeFlowTests.loginForm(browser)
            form["username"] =
                "eve\n2026-12-01T09:00:00Z\tallowed\tauthorize\tadmin\u{1B}[2K" + String(repeating: "x", count: 60_000)
            form["password"] = "wrong"
            let page = try await browser.post("/login", form: form)
            #expect(page.status == 401)
            #expect(!page.body.unicodeScalars.contains { $0 == "\u{1B}" }, "the page shows no raw escape")
            let traceID = try #require(page.headers[ServerFixture.requestID])
            let event = try await server.loginEvent(traceID: traceID)
            let stored = try #require(event.username)
            #expect(stored.count <= UntrustedText.usernameLimit)
            #expect(stored.hasPrefix("eve\n"), "stored as typed (bounded); escaped when shown")
        }
    }

    @Test(arguments: TestBackend.available)
    func anEchoedParameterCannotPutAControlCharacterInAnErrorDescription(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let response = try await server.raw(
                "/token", method: .post,
                body: "grant_type=evil%0D%0ASet-Cookie:%20x%3D1%1B%5B2K\(String(repeating: "z", count: 5_000))",
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(response.status == 401 || response.status == 400)
            let description = try #require(response.json["error_description"] as? String)
            #expect(
                description.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\" })
            #expect(description.count <= UntrustedText.textLimit)
        }
    }
}
