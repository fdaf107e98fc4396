import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Creating an app in the console (its secret shown once), adding and retiring client secrets, and blocking an app
/// after a review of who loses access; each from the version the page was read at, for `manage-connected-apps`.
@Suite struct ConsoleAppActionsTests {
    static func tokenStatus(_ server: ServerFixture, client: String, secret: String) async throws -> Int {
        try await server.post(
            "/token", ["grant_type": "client_credentials", "client_id": client, "client_secret": secret]
        ).status
    }

    @Test(arguments: TestBackend.available)
    func anAppIsCreatedWithItsSecretShownOnceAndItsSecretsRotated(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)
            let list = try await browser.get("/admin/apps")
            #expect(list.body.contains(#"<a class="button" href="/admin/apps/new">New connected app</a>"#))
            let blank = try await browser.get("/admin/apps/new")
            #expect(blank.status == 200, "\(blank.body)")
            var form = try requireValue(blank.form(containing: "Create the app"))

            // Problems are shown at their fields, what was typed kept.
            form["name"] = ""
            form["callbackUrls"] = "http://not-loopback.example/cb"
            let refused = try await browser.post("/admin/apps/new", form: form)
            #expect(refused.status == 422 && refused.body.contains("give the app a name"), "\(refused.body)")
            form["name"] = "Data Deduper"
            let insecure = try await browser.post("/admin/apps/new", form: form)
            #expect(insecure.status == 422 && insecure.body.contains(#"aria-invalid="true""#), "\(insecure.body)")
            #expect(insecure.body.contains("http://not-loopback.example/cb"))

            form["callbackUrls"] = "https://deduper.example/cb"
            form["scopes"] = "openid profile"
            let created = try await browser.post("/admin/apps/new", form: form)
            #expect(created.status == 200 && created.body.contains("it is shown only this once"), "\(created.body)")
            #expect(created.headers[.cacheControl] == "no-store")
            let secret = try requireValue(
                created.body.range(of: #"(?<=<code class="secret">)[^<]+"#, options: .regularExpression)
                    .map { String(created.body[$0]) })
            let app = try requireValue(try await server.store.loadDirectory().app(clientID: "data-deduper"))
            #expect(app.name == "Data Deduper" && app.secrets.count == 1 && !app.secrets[0].hash.contains(secret))
            let again = try await browser.post("/admin/apps/new", form: form)
            #expect(again.status == 409 && again.body.contains("already exists"), "\(again.body)")

            // A second secret, shown once; both work; the first retired after a confirmation stops working.
            let page = try await browser.get("/admin/apps/\(app.id.rawValue)")
            #expect(page.body.contains("<h2>Client secrets</h2>") && page.body.contains("the only one"))
            let rotate = try requireValue(page.form(containing: "Add a new secret"))
            let rotated = try await browser.post("/admin/apps/\(app.id.rawValue)/secrets", form: rotate)
            #expect(rotated.status == 200 && rotated.body.contains("shown only this once"), "\(rotated.body)")
            let second = try requireValue(
                rotated.body.range(of: #"(?<=<code class="secret">)[^<]+"#, options: .regularExpression)
                    .map { String(rotated.body[$0]) })
            #expect(second != secret)
            let replay = try await browser.post("/admin/apps/\(app.id.rawValue)/secrets", form: rotate)
            #expect(replay.status == 412, "the same form again adds no third secret")
            #expect(try await server.store.loadDirectory().app(clientID: "data-deduper")?.secrets.count == 2)

            let withTwo = try await browser.get("/admin/apps/\(app.id.rawValue)")
            let retire = try requireValue(withTwo.form(containing: "Retire…"))
            let confirm = try await browser.post("/admin/apps/\(app.id.rawValue)/secrets", form: retire)
            #expect(confirm.status == 200 && confirm.body.contains("stops working at once"), "\(confirm.body)")
            #expect(try await server.store.loadDirectory().app(clientID: "data-deduper")?.secrets.count == 2)
            let retired = try await browser.post(
                "/admin/apps/\(app.id.rawValue)/secrets",
                form: try requireValue(confirm.form(containing: "Retire the secret")))
            #expect(retired.status == 303, "\(retired.body)")
            let left = try requireValue(try await server.store.loadDirectory().app(clientID: "data-deduper"))
            #expect(left.secrets.count == 1 && left.secrets[0].id.rawValue != retire["secret"])
        }
    }

    @Test(arguments: TestBackend.available)
    func blockingIsReviewedWithWhoLosesAccessAndEndsTheAppsTokens(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let secret = ServerFixture.secret
            let before = try await Self.tokenStatus(server, client: "opaque-app", secret: secret)
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            #expect(try await ConsoleSignInTests.signIn(browser).landed?.status == 200)
            let app = try requireValue(try await server.store.loadDirectory().app(clientID: "opaque-app"))
            let page = try await browser.get("/admin/apps/\(app.id.rawValue)")
            let block = try requireValue(page.form(containing: "Block…"))
            let review = try await browser.post("/admin/apps/\(app.id.rawValue)/block", form: block)
            #expect(review.status == 200 && review.body.contains("Review the change to"), "\(review.body)")
            #expect(try await server.store.loadDirectory().app(clientID: "opaque-app")?.isBlocked == false)
            let saved = try await browser.post(
                "/admin/apps/\(app.id.rawValue)/block", form: try requireValue(review.form(containing: "Block the app"))
            )
            #expect(saved.status == 303, "\(saved.body)")
            #expect(try await server.store.loadDirectory().app(clientID: "opaque-app")?.isBlocked == true)
            #expect(before == 200)
            #expect(try await Self.tokenStatus(server, client: "opaque-app", secret: secret) == 401)
            let blocked = try await browser.get(try requireValue(saved.location))
            #expect(blocked.body.contains("This app is blocked") && blocked.form(containing: "Unblock…") != nil)

            // A viewer sees neither control, and a forged form is refused naming the permission.
            try await ConsoleSignInTests.addUser(
                server, "vera", profile: "Viewers", grantsConsole: true, permissions: [.viewSetup])
            let vera = Browser(client: server.client)
            #expect(
                try await ConsoleSignInTests.signIn(vera, as: "vera", password: "vera-password").landed?.status == 200)
            let verasPage = try await vera.get("/admin/apps/\(app.id.rawValue)")
            #expect(
                verasPage.form(containing: "Unblock…") == nil && verasPage.form(containing: "Add a new secret") == nil)
            #expect(!(try await vera.get("/admin/apps").body.contains("/admin/apps/new")))
            #expect(try await vera.get("/admin/apps/new").status == 403)
            var forged = try requireValue(blocked.form(containing: "Unblock…"))
            forged["csrf"] = try requireValue(verasPage.hiddenFields["csrf"])
            forged["confirm"] = "yes"
            let refused = try await vera.post("/admin/apps/\(app.id.rawValue)/block", form: forged)
            #expect(refused.status == 403 && refused.body.contains("manage-connected-apps"))
            var rotate = forged
            rotate["action"] = "rotate"
            #expect(try await vera.post("/admin/apps/\(app.id.rawValue)/secrets", form: rotate).status == 403)
            #expect(try await server.store.loadDirectory().app(clientID: "opaque-app")?.isBlocked == true)
            #expect(try await server.store.loadDirectory().app(clientID: "opaque-app")?.secrets.count == 1)
        }
    }
}
