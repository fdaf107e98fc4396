import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

@Suite struct AuthorizationCodeFlowTests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    let secret = ServerFixture.secret

    static func authorizePath(
        client: String = "jwt-app", redirect: String = "https://client.example/cb", extra: [String: String] = [:]
    ) -> String {
        var parameters = [
            "response_type": "code", "client_id": client, "redirect_uri": redirect,
            "scope": "openid profile email offline_access",
            "state": "xyz-state", "nonce": "nonce-123", "code_challenge": challenge, "code_challenge_method": "S256",
        ]
        for (key, value) in extra { parameters[key] = value.isEmpty ? nil : value }
        return "/authorize?"
            + parameters.sorted { $0.key < $1.key }
            .map { "\(ServerFixture.escape($0.key))=\(ServerFixture.escape($0.value))" }.joined(separator: "&")
    }

    /// Sets alice's password (the fixture creates her without one).
    static func setPassword(_ server: ServerFixture, _ password: String) async throws {
        let hash = try PasswordHasher.forTesting.hash(password)
        try await server.commit { directory in
            let alice = try requireValue(directory.user(named: "alice"))
            var updated = alice
            updated.passwordHash = hash
            return [.updateUser(before: alice, after: updated)]
        }
    }

    /// The login page's form for `path`, filled in with alice's credentials.
    static func loginForm(_ browser: Browser, path: String = authorizePath()) async throws -> [String: String] {
        let login = try await browser.get(path)
        #expect(login.status == 200)
        #expect(login.body.contains(#"<label for="username">Username</label>"#))
        var form = login.hiddenFields
        form["username"] = "alice"
        form["password"] = "alice-password"
        return form
    }

    /// Signs in through the login page and allows on the consent page; returns the redirect to the client.
    static func signInAndAllow(_ browser: Browser, path: String = authorizePath()) async throws -> Browser.Page {
        let consent = try await browser.post("/login", form: try await loginForm(browser, path: path))
        #expect(consent.status == 200, "\(consent.body)")
        #expect(consent.body.contains("Allow jwt-app to access your account?"))
        #expect(consent.body.contains("See your email address"))
        var decision = consent.hiddenFields
        decision["decision"] = "allow"
        return try await browser.post("/consent", form: decision)
    }

    @Test(arguments: TestBackend.available)
    func theWholeCodeFlowWithLoginConsentRefreshAndUserinfo(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let redirect = try await Self.signInAndAllow(browser)
            #expect(redirect.status == 303)
            #expect(redirect.location?.hasPrefix("https://client.example/cb?") == true)
            let parameters = redirect.redirectParameters
            #expect(parameters["state"] == "xyz-state")
            #expect(parameters["iss"] == "http://127.0.0.1:8080")
            let code = try #require(parameters["code"])

            let tokens = try await server.exchange(code)
            #expect(tokens.status == 200, "\(tokens.json)")
            let access = try #require(tokens.json["access_token"] as? String)
            let refresh = try #require(tokens.json["refresh_token"] as? String)
            let idClaims = try decodeSegment(try #require(tokens.json["id_token"] as? String).split(separator: ".")[1])
            #expect(idClaims["nonce"] as? String == "nonce-123")
            #expect(idClaims["aud"] as? String == "jwt-app")
            // RFC 8176: how the user signed in, in the ID token and the JWT access token (RFC 9068 §2.2.1).
            #expect(idClaims["amr"] as? [String] == ["pwd"] && idClaims["acr"] as? String == "pwd")
            let accessClaims = try decodeSegment(access.split(separator: ".")[1])
            #expect(accessClaims["amr"] as? [String] == ["pwd"] && accessClaims["acr"] as? String == "pwd")
            #expect(accessClaims["auth_time"] as? Int == idClaims["auth_time"] as? Int)

            let userinfo = try await server.raw(
                "/userinfo", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(userinfo.status == 200)
            #expect(userinfo.json["email"] as? String == "alice@example.com")
            #expect(userinfo.json["preferred_username"] as? String == "alice")

            let refreshed = try await server.refresh(refresh)
            #expect(refreshed.status == 200)
            let refreshedClaims = try decodeSegment(
                try #require(refreshed.json["id_token"] as? String).split(separator: ".")[1])
            #expect(refreshedClaims["amr"] as? [String] == ["pwd"], "the grant remembers how the user signed in")
            #expect(refreshedClaims["auth_time"] as? Int == idClaims["auth_time"] as? Int)

            // A second authorization for the same scopes needs neither login nor consent.
            let again = try await browser.get(Self.authorizePath())
            #expect(again.status == 302)
            #expect(again.redirectParameters["code"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func errorsBeforeTheCallbackIsVerifiedNeverRedirect(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = Browser(client: server.client)
            for path in [
                Self.authorizePath(client: "nobody"), Self.authorizePath(redirect: "https://evil.example/cb"),
                Self.authorizePath(extra: ["client_id": ""]), Self.authorizePath(extra: ["redirect_uri": ""]),
                "/authorize?client_id=jwt-app&client_id=opaque-app&redirect_uri=https://client.example/cb",
            ] {
                let page = try await browser.get(path)
                #expect(page.status == 400, "\(path)")
                #expect(page.location == nil)
                #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func errorsAfterTheCallbackIsVerifiedRedirectWithStateAndIss(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = Browser(client: server.client)
            let cases: [([String: String], String)] = [
                (["response_type": "token"], "unsupported_response_type"),
                (["response_type": ""], "invalid_request"),
                (["scope": "openid admin"], "invalid_scope"),
                (["code_challenge_method": "plain"], "invalid_request"),
                (["code_challenge": "", "code_challenge_method": ""], "invalid_request"),
                (["prompt": "none login"], "invalid_request"),
                (["prompt": "none"], "login_required"),
                (["max_age": "soon"], "invalid_request"),
                (["request": "eyJ"], "invalid_request"),
            ]
            for (extra, error) in cases {
                let page = try await browser.get(Self.authorizePath(extra: extra))
                #expect(page.status == 302, "\(extra)")
                let parameters = page.redirectParameters
                #expect(parameters["error"] == error, "\(extra): \(parameters)")
                #expect(parameters["state"] == "xyz-state")
                #expect(parameters["iss"] == "http://127.0.0.1:8080")
                #expect(parameters["error_description"] != nil)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func denyingConsentRedirectsWithAccessDenied(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let form = try await Self.loginForm(browser)
            var decision = try await browser.post("/login", form: form).hiddenFields
            decision["decision"] = "deny"
            let denied = try await browser.post("/consent", form: decision)
            let parameters = denied.redirectParameters
            #expect(parameters["error"] == "access_denied")
            #expect(parameters["error_description"] == "end-user denied authorization")
            #expect(parameters["reason"] == "consent_denied")
            #expect(parameters["trace_id"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func loginFormsNeedTheirCSRFTokenAndWrongPasswordsAreThrottled(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            var form = try await Self.loginForm(browser)
            var forged = form
            forged["csrf"] = "forged-token-forged-token-forged-token-0"
            #expect(try await browser.post("/login", form: forged).status == 403)

            form["password"] = "wrong"
            for _ in 0..<5 {
                let page = try await browser.post("/login", form: form)
                #expect(page.status == 401)
                #expect(page.body.contains("Incorrect username or password."))
            }
            form["password"] = "alice-password"
            let throttled = try await browser.post("/login", form: form)
            #expect(throttled.status == 429, "even the right password waits once the account is throttled")
            #expect(throttled.body.contains("Too many failed sign-in attempts"))
        }
    }

    @Test(arguments: TestBackend.available)
    func sessionCookiesAreHttpOnlyAndSameSiteLax(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let form = try await Self.loginForm(browser)
            let consent = try await browser.post("/login", form: form)
            let session = try #require(consent.headers[values: .setCookie].first { $0.hasPrefix("gh_session=") })
            #expect(session.contains("HttpOnly"))
            #expect(session.contains("SameSite=Lax"))
            #expect(!session.contains("Secure"), "the test issuer is http")
            #expect(consent.headers[try #require(HTTPField.Name("X-Frame-Options"))] == "DENY")
        }
    }

    @Test(arguments: TestBackend.available)
    func userinfoErrorsFollowRFC6750(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let missing = try await server.raw("/userinfo", method: .get)
            #expect(missing.status == 401)
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse""#)
            let invalid = try await server.raw("/userinfo", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(invalid.status == 401)
            #expect(invalid.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            let machine = try await server.clientCredentials("jwt-app")
            let token = try #require(machine.json["access_token"] as? String)
            let noOpenID = try await server.raw("/userinfo", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(noOpenID.status == 403)
            #expect(noOpenID.json["error"] as? String == "insufficient_scope")
        }
    }

    @Test(arguments: TestBackend.available)
    func logoutEndsTheSessionAndOnlyRedirectsToRegisteredURLs(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await Self.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            _ = try await Self.signInAndAllow(browser)
            let bad = try await browser.get("/logout?client_id=jwt-app&post_logout_redirect_uri=https://evil.example/")
            #expect(bad.status == 400)
            let confirm = try await browser.get(
                "/logout?client_id=jwt-app&post_logout_redirect_uri=https://client.example/cb&state=s1")
            #expect(confirm.status == 200, "no id_token_hint: the user confirms")
            var form = confirm.hiddenFields
            form["confirm"] = "yes"
            let done = try await browser.post("/logout", form: form)
            #expect(done.status == 303)
            #expect(done.location == "https://client.example/cb?state=s1")
            let after = try await browser.get(Self.authorizePath(extra: ["prompt": "none"]))
            #expect(after.redirectParameters["error"] == "login_required")
        }
    }
}
