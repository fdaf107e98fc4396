import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// Passkeys over HTTP (issue 13, item 4): one added from the account page (password asked again; the first factor
/// comes with recovery codes), then used after the password (`acr` `phr`) and, with user verification, as a sign-in
/// of its own on the login page and the account page; each answer accepted once, a counter that goes back refused,
/// another user's passkey refused, removal asks for the password, and an app's high assurance is met by either.
@Suite struct PasskeyFlowTests {
    /// Browsers take a domain as the RP ID, not an IP address: the server runs as `localhost`.
    static let origin = "http://localhost:8080"

    static func run(
        _ backend: TestBackend, now: @escaping @Sendable () -> Date = { Date() },
        _ body: @Sendable @escaping (ServerFixture) async throws -> Void
    ) async throws {
        try await ServerFixture.run(backend, now: now, configure: { $0.issuer = origin }, body)
    }

    /// A server where alice has her password and a passkey made by `authenticator` on her account page.
    static func withAlicesPasskey(
        _ backend: TestBackend, _ authenticator: SoftwareAuthenticator,
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: @Sendable @escaping (ServerFixture) async throws -> Void
    ) async throws {
        try await run(backend, now: now) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            try await addPasskey(Browser(client: server.client), authenticator)
            try await body(server)
        }
    }

    /// Signs alice in on the account page with her password and adds a passkey made by `authenticator`.
    static func addPasskey(
        _ browser: Browser, _ authenticator: SoftwareAuthenticator, signIn: Bool = true,
        password: String = "alice-password", displayName: String = "Alice"
    ) async throws {
        if signIn {
            var form = try await browser.get("/account").hiddenFields
            form["username"] = "alice"
            form["password"] = "alice-password"
            #expect(try await browser.post("/account/login", form: form).location == "/account")
        }
        let account = try await browser.get("/account")
        var start = try #require(account.form(containing: "/account/passkey/new"))
        start["password"] = "wrong"
        #expect(
            try await browser.post("/account/passkey/new", form: start).location == "/account?notice=password-wrong")
        start["password"] = password
        let page = try await browser.post("/account/passkey/new", form: start)
        #expect(page.status == 200 && page.body.contains("<h1>Add a passkey</h1>"), "\(page.body)")
        let csp = page.headers[.contentSecurityPolicy] ?? ""
        #expect(csp.contains("script-src \(origin)/passkey.js;") && page.body.contains(#"src="\#(origin)/passkey.js""#))
        let (options, fields) = try #require(page.passkeyForm())
        let publicKey = try #require(options["publicKey"] as? [String: Any])
        let user = try #require(publicKey["user"] as? [String: Any])
        #expect(user["displayName"] as? String == displayName, "invisible characters reach the script as they are")
        #expect(options["mode"] as? String == "create" && publicKey["attestation"] as? String == "none")
        #expect((publicKey["pubKeyCredParams"] as? [[String: Any]])?.compactMap { $0["alg"] as? Int } == [-7, -257])
        var made = fields.merging(try authenticator.create(options)) { $1 }
        made["name"] = "Alice's key"
        let added = try await browser.post("/account/passkey", form: made)
        if added.status == 200 {
            #expect(added.body.contains("Save your recovery codes"), "the first factor: \(added.body)")
        } else {
            #expect(added.location == "/account?notice=passkey-added", "\(added.status) \(added.body)")
        }
        // Posted again: refused (the challenge was answered; this password-only session may add no more anyway).
        let again = try await browser.post("/account/passkey", form: made)
        #expect(again.status == 400 || again.location == "/account?notice=second-factor-needed", "\(again.status)")
    }

    /// The ID token's claims after the code in `redirect` is exchanged.
    static func idToken(_ server: ServerFixture, _ redirect: Browser.Page) async throws -> [String: Any] {
        let tokens = try await server.exchange(try #require(redirect.redirectParameters["code"], "\(redirect.body)"))
        return try decodeSegment(try #require(tokens.json["id_token"] as? String).split(separator: ".")[1])
    }

    /// Allows jwt-app on the consent page, if it is one.
    static func allow(_ browser: Browser, _ page: Browser.Page) async throws -> Browser.Page {
        guard page.body.contains("Allow jwt-app") else { return page }
        var allow = page.hiddenFields
        allow["decision"] = "allow"
        return try await browser.post("/consent", form: allow)
    }

    @Test(arguments: TestBackend.available)
    func aPasskeyIsASecondFactorAndASignInOfItsOwn(backend: TestBackend) async throws {
        let authenticator = SoftwareAuthenticator(origin: Self.origin)
        try await Self.withAlicesPasskey(backend, authenticator) { server in
            let added = try await server.store.auditEvents(AuditQuery(targetType: .user)).filter {
                $0.action == .userSecondFactorAdded
            }
            #expect(added.map(\.after) == [#"{"kind":"passkey"}"#] && added.map(\.actor) == ["user:alice"])

            // After the password: the passkey, for alice's own credentials only.
            let browser = Browser(client: server.client)
            let step = try await browser.post("/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            #expect(step.body.contains("Two-step verification for jwt-app") && browser.cookies["gh_session"] == nil)
            #expect(step.body.contains(#"<label for="code">Recovery code</label>"#), "no authenticator app")
            let (options, fields) = try #require(step.passkeyForm())
            let allowed = (options["publicKey"] as? [String: Any])?["allowCredentials"] as? [[String: Any]]
            #expect(allowed?.count == 1)
            let answer = fields.merging(try authenticator.get(options)) { $1 }
            let consent = try await browser.post("/login/second-factor", form: answer)
            let claims = try await Self.idToken(server, try await Self.allow(browser, consent))
            #expect(claims["amr"] as? [String] == ["pwd", "hwk", "user", "mfa"] && claims["acr"] as? String == "phr")

            // The same answer again, in another browser with the same forms: refused.
            let replayed = try await browser.post("/login/second-factor", form: answer)
            #expect(replayed.status != 302 && replayed.redirectParameters["code"] == nil)

            // Without a password: the login page's passkey form, any discoverable passkey, user verification.
            let other = Browser(client: server.client)
            let login = try await other.get(AuthorizationCodeFlowTests.authorizePath())
            let (signInOptions, signInFields) = try #require(login.passkeyForm())
            let request = try #require(signInOptions["publicKey"] as? [String: Any])
            #expect(request["userVerification"] as? String == "required")
            #expect((request["allowCredentials"] as? [Any])?.isEmpty == true)
            let signedIn = try await other.post(
                "/login/passkey", form: signInFields.merging(try authenticator.get(signInOptions)) { $1 })
            let passwordless = try await Self.idToken(server, try await Self.allow(other, signedIn))
            #expect(passwordless["amr"] as? [String] == ["hwk", "user"] && passwordless["acr"] as? String == "phr")

            // A replay of that sign-in, and an authenticator that did not verify the user: refused, in login history.
            let third = Browser(client: server.client)
            let fresh = try await third.get(AuthorizationCodeFlowTests.authorizePath())
            let (freshOptions, freshFields) = try #require(fresh.passkeyForm())
            authenticator.verifiesUser = false
            let unverified = try await third.post(
                "/login/passkey", form: freshFields.merging(try authenticator.get(freshOptions)) { $1 })
            #expect(
                unverified.status == 401 && unverified.body.contains("did not verify the user"), "\(unverified.body)")
            let event = try await server.loginEvent(traceID: try #require(unverified.headers[ServerFixture.requestID]))
            #expect(event.reason == "invalid_credentials" && event.username == "alice")
            #expect(third.cookies["gh_session"] == nil)
            authenticator.verifiesUser = true
            let (retryOptions, retryFields) = try #require(unverified.passkeyForm(), "a new challenge to try again")
            let retried = try await third.post(
                "/login/passkey", form: retryFields.merging(try authenticator.get(retryOptions)) { $1 })
            #expect(try await Self.allow(third, retried).redirectParameters["code"] != nil, "\(retried.body)")

            // A counter that went back (a cloned authenticator): refused.
            authenticator.setSignCount(1, of: 0)
            let fourth = Browser(client: server.client)
            let (cloneOptions, cloneFields) = try #require(
                try await fourth.get(AuthorizationCodeFlowTests.authorizePath()).passkeyForm())
            let cloned = try await fourth.post(
                "/login/passkey", form: cloneFields.merging(try authenticator.get(cloneOptions)) { $1 })
            #expect(cloned.status == 401 && cloned.body.contains("counter went back"), "\(cloned.body)")

            // Every grant alice made here is a passkey's: raising the app's high assurance stops none of them.
            let directory = try await server.store.loadDirectory()
            let before = try requireValue(directory.app(clientID: "jwt-app"))
            var raised = before
            raised.highAssurance = .block
            let impact = try await server.store.impactPreview(
                of: [.updateApp(before: before, after: raised)], basedOn: directory, at: Date())
            #expect(impact.assurance.map(\.grantsWithoutSecondFactor) == [0], "\(impact)")
        }
    }

    @Test(arguments: TestBackend.available)
    func answersAreBoundToTheirBrowserUserAndRequest(backend: TestBackend) async throws {
        let alices = SoftwareAuthenticator(origin: Self.origin, algorithm: .rs256, backupEligible: true)
        try await Self.withAlicesPasskey(backend, alices) { server in

            // A login page's challenge answered from another browser (its cookies): the form has expired.
            let shown = Browser(client: server.client)
            let (options, fields) = try #require(
                try await shown.get(AuthorizationCodeFlowTests.authorizePath()).passkeyForm())
            let answer = fields.merging(try alices.get(options)) { $1 }
            let thief = Browser(client: server.client)
            _ = try await thief.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(try await thief.post("/login/passkey", form: answer).body.contains("expired"))
            // The account page's passwordless form is for the account page only.
            var onAccount = answer
            onAccount["request"] = nil
            #expect(try await shown.post("/account/passkey-login", form: onAccount).body.contains("expired"))
            // Forged: a credential id nobody registered, a challenge field swapped.
            var unknown = answer
            unknown["credential_id"] = ByteEncoding.base64URL(Data("nobody".utf8))
            #expect(try await shown.post("/login/passkey", form: unknown).status == 401)
            var garbage = answer
            garbage["client_data"] = "%%%"
            #expect(try await shown.post("/login/passkey", form: garbage).status == 400)
            var huge = answer
            huge["credential_id"] = String(repeating: "A", count: 5_000)
            #expect(try await shown.post("/login/passkey", form: huge).status == 400, "an id past WebAuthn's bound")
            var bigData = answer
            bigData["client_data"] = ByteEncoding.base64URL(Data(repeating: 0x7b, count: 20_000))
            #expect(try await shown.post("/login/passkey", form: bigData).status == 401, "refused, not a 500")
            // The genuine answer still works once: RS256, a passkey that may be synced (swk).
            let signedIn = try await shown.post("/login/passkey", form: answer)
            let claims = try await Self.idToken(server, try await Self.allow(shown, signedIn))
            #expect(claims["amr"] as? [String] == ["swk", "user"])

            // Bob's second step does not take alice's passkey.
            try await server.commit { directory in
                let profile = try requireValue(directory.profile(named: Profile.systemAdministratorName))
                var bob = User(username: "bob", email: "bob@example.com", profile: profile.id)
                bob.passwordHash = try PasswordHasher.forTesting.hash("bob-password")
                return [.createUser(bob)]
            }
            let bobs = SoftwareAuthenticator(origin: Self.origin)
            let bobBrowser = Browser(client: server.client)
            var bobSignIn = try await bobBrowser.get("/account").hiddenFields
            bobSignIn["username"] = "bob"
            bobSignIn["password"] = "bob-password"
            #expect(try await bobBrowser.post("/account/login", form: bobSignIn).location == "/account")
            try await Self.addPasskey(bobBrowser, bobs, signIn: false, password: "bob-password", displayName: "bob")
            let bobStep = Browser(client: server.client)
            var bobLogin = try await AuthorizationCodeFlowTests.loginForm(bobStep)
            bobLogin["username"] = "bob"
            bobLogin["password"] = "bob-password"
            let step = try await bobStep.post("/login", form: bobLogin)
            let (stepOptions, stepFields) = try #require(step.passkeyForm(), "\(step.body)")
            var withAlices = stepFields.merging(try alices.get(Self.unrestricted(stepOptions))) { $1 }
            let refused = try await bobStep.post("/login/second-factor", form: withAlices)
            #expect(refused.status == 401 && refused.body.contains("another user"), "\(refused.body)")
            withAlices = stepFields.merging(try bobs.get(stepOptions)) { $1 }
            #expect(try await bobStep.post("/login/second-factor", form: withAlices).status == 200, "consent")
        }
    }

    /// Wrong passkey answers count against the user's second-factor throttle, as wrong codes do: the sixth in the
    /// window is turned away before it is checked, even when it is right.
    @Test(arguments: TestBackend.available)
    func wrongPasskeyAnswersAreThrottled(backend: TestBackend) async throws {
        let authenticator = SoftwareAuthenticator(origin: Self.origin)
        try await Self.withAlicesPasskey(backend, authenticator) { server in
            // Forged passwordless answers naming her passkey count against the address only, not her second step.
            for _ in 0..<6 {
                let stranger = Browser(client: server.client)
                let (signInOptions, signInFields) = try #require(
                    try await stranger.get(AuthorizationCodeFlowTests.authorizePath()).passkeyForm())
                var garbage = signInFields.merging(try authenticator.get(signInOptions)) { $1 }
                garbage["signature"] = ByteEncoding.base64URL(Data(repeating: 0x30, count: 70))
                #expect(try await stranger.post("/login/passkey", form: garbage).status == 401)
            }
            let browser = Browser(client: server.client)
            let step = try await browser.post("/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            let (options, fields) = try #require(step.passkeyForm())
            for _ in 0..<5 {
                var forged = fields.merging(try authenticator.get(options)) { $1 }
                var signature = try #require(Data(base64URLEncoded: forged["signature"] ?? ""))
                signature[signature.count / 2] ^= 0x40
                forged["signature"] = ByteEncoding.base64URL(signature)
                let refused = try await browser.post("/login/second-factor", form: forged)
                #expect(refused.status == 401 && refused.body.contains("signature does not verify"), "\(refused.body)")
            }
            let right = fields.merging(try authenticator.get(options)) { $1 }
            let throttled = try await browser.post("/login/second-factor", form: right)
            #expect(throttled.status == 429 && throttled.headers[.retryAfter] != nil, "\(throttled.status)")
        }
    }

    /// An answer to the second step is refused again for as long as the step's challenge holds (ten minutes), even
    /// after housekeeping, in a browser that copied the first's cookies; a passwordless page left open past its
    /// challenge's five minutes gets a new challenge, not a dead end.
    @Test(arguments: TestBackend.available)
    func answersAreRefusedAgainForAsLongAsTheirChallengeHolds(backend: TestBackend) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        let authenticator = SoftwareAuthenticator(origin: Self.origin, countsSignatures: false)
        try await Self.withAlicesPasskey(backend, authenticator, now: now) { server in
            let browser = Browser(client: server.client)
            var password = try await browser.get("/account").hiddenFields
            password["username"] = "alice"
            password["password"] = "alice-password"
            let step = try await browser.post("/account/login", form: password)
            let (options, fields) = try #require(step.passkeyForm(), "\(step.body)")
            let answer = fields.merging(try authenticator.get(options)) { $1 }
            #expect(try await browser.post("/account/second-factor", form: answer).location == "/account")

            clock.advance(by: 7 * 60)
            _ = try await SQLTokenStore(store: server.store).purgeExpired(before: clock.now)
            var thief = Browser(client: server.client)
            thief.cookies = browser.cookies.filter { $0.key == "gh_csrf" }
            let replayed = try await thief.post("/account/second-factor", form: answer)
            #expect(replayed.status == 401 && replayed.body.contains("used already"), "\(replayed.body)")
            #expect(thief.cookies["gh_session"] == nil)

            // A login page left open for six minutes: its passkey challenge has expired, the page has not.
            let stale = Browser(client: server.client)
            let (staleOptions, staleFields) = try #require(
                try await stale.get(AuthorizationCodeFlowTests.authorizePath()).passkeyForm())
            clock.advance(by: 6 * 60)
            let late = try await stale.post(
                "/login/passkey", form: staleFields.merging(try authenticator.get(staleOptions)) { $1 })
            #expect(late.status == 400 && late.body.contains("waited too long"), "\(late.body)")
            let (freshOptions, freshFields) = try #require(late.passkeyForm())
            let signedIn = try await stale.post(
                "/login/passkey", form: freshFields.merging(try authenticator.get(freshOptions)) { $1 })
            #expect(try await Self.allow(stale, signedIn).redirectParameters["code"] != nil, "\(signedIn.body)")
        }
    }

    /// After a password change (a suspected compromise), a passkey signs in alone no more until its owner has used it
    /// once after the new password; a counter that went back is audited.
    @Test(arguments: TestBackend.available)
    func aPasswordChangeStopsPasswordlessSignInsUntilThePasskeyIsUsedAfterTheNewOne(backend: TestBackend)
        async throws
    {
        let authenticator = SoftwareAuthenticator(origin: Self.origin)
        try await Self.withAlicesPasskey(backend, authenticator) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "new-password")

            func passwordless(_ browser: Browser) async throws -> Browser.Page {
                let (options, fields) = try #require(
                    try await browser.get(AuthorizationCodeFlowTests.authorizePath()).passkeyForm())
                return try await browser.post(
                    "/login/passkey", form: fields.merging(try authenticator.get(options)) { $1 })
            }
            // Refused, as often as she tries: a policy, not a wrong guess, so her second step is not throttled.
            for _ in 0..<6 {
                let refused = try await passwordless(Browser(client: server.client))
                #expect(refused.status == 403 && refused.body.contains("your password changed"), "\(refused.body)")
            }

            // Her password, then the passkey: the passkey signs in alone again.
            let browser = Browser(client: server.client)
            var login = try await AuthorizationCodeFlowTests.loginForm(browser)
            login["password"] = "new-password"
            let step = try await browser.post("/login", form: login)
            let (options, fields) = try #require(step.passkeyForm())
            let consent = try await browser.post(
                "/login/second-factor", form: fields.merging(try authenticator.get(options)) { $1 })
            #expect(try await Self.allow(browser, consent).redirectParameters["code"] != nil)
            let again = Browser(client: server.client)
            #expect(try await Self.allow(again, try await passwordless(again)).redirectParameters["code"] != nil)

            authenticator.setSignCount(0, of: 0)
            _ = try await passwordless(Browser(client: server.client))
            let suspected = try await server.store.auditEvents(AuditQuery(targetType: .user)).filter {
                $0.action == .userPasskeyCloneSuspected
            }
            #expect(suspected.count == 1 && suspected.first?.after?.contains(#""signCount":1"#) == true, "\(suspected)")
        }
    }

    /// The options with no credentials named: what a forger's authenticator would answer any of its own with.
    static func unrestricted(_ options: [String: Any]) -> [String: Any] {
        var publicKey = options["publicKey"] as? [String: Any] ?? [:]
        publicKey["allowCredentials"] = []
        var copy = options
        copy["publicKey"] = publicKey
        return copy
    }

    @Test(arguments: TestBackend.available)
    func accountPagePasskeysAndHighAssurance(backend: TestBackend) async throws {
        try await Self.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            // A name with a zero-width non-joiner and a family emoji (joined by zero-width joiners).
            let name = "Ali\u{200C}ce \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}"
            try await server.commit { directory in
                let alice = try requireValue(directory.user(named: "alice"))
                var renamed = alice
                renamed.displayName = name
                return [.updateUser(before: alice, after: renamed)]
            }
            let authenticator = SoftwareAuthenticator(origin: Self.origin)
            let browser = Browser(client: server.client)
            try await Self.addPasskey(browser, authenticator, displayName: name)

            // The account page: the passkey listed; a passwordless sign-in there too.
            let other = Browser(client: server.client)
            let signInPage = try await other.get("/account")
            let (options, fields) = try #require(signInPage.passkeyForm())
            // The same answer posted twice at once: one sign-in, the other refused as used already.
            let answer = fields.merging(try authenticator.get(options)) { $1 }
            let copy = other
            async let one = copy.post("/account/passkey-login", form: answer)
            async let two = copy.post("/account/passkey-login", form: answer)
            let both = try await [one, two]
            #expect(both.filter { $0.location == "/account" }.count == 1, "\(both.map(\.status))")
            #expect(both.contains { $0.status == 401 && $0.body.contains("used already") })
            let again = try await other.post("/account/passkey-login", form: answer)
            #expect(again.status == 401 && again.body.contains("used already"), "a replay later too")
            let signedIn = try await other.post(
                "/account/passkey-login",
                form: try #require(again.passkeyForm()).fields.merging(
                    try authenticator.get(try #require(again.passkeyForm()).options)
                ) { $1 })
            #expect(signedIn.location == "/account", "\(signedIn.body)")
            let account = try await other.get("/account")
            #expect(account.body.contains("Alice&#39;s key") && account.body.contains("(passkey, added"))

            // An app that requires a second factor takes the passkey's session as it is.
            try await server.updateApp("jwt-app") { $0.highAssurance = .raiseSessionLevel }
            let redirect = try await Self.allow(other, try await other.get(AuthorizationCodeFlowTests.authorizePath()))
            #expect(try await Self.idToken(server, redirect)["acr"] as? String == "phr")

            // New recovery codes, confirmed with the passkey (she has no authenticator app to type a code from); the
            // confirmation is for that change only.
            var codes = try #require(account.form(containing: "/account/recovery-codes"))
            #expect(codes["code"] == nil)
            let confirmCodes = try await other.post("/account/recovery-codes", form: codes)
            #expect(confirmCodes.body.contains("Make new recovery codes?"), "\(confirmCodes.body)")
            let (codesOptions, codesFields) = try #require(confirmCodes.passkeyForm())
            let codesAnswer = codesFields.merging(try authenticator.get(codesOptions)) { $1 }
            var elsewhere = codesAnswer
            elsewhere["factor"] = try await server.store.secondFactorsForTest(of: "alice").first?.id
            #expect(
                try await other.post("/account/authenticator/remove", form: elsewhere).body.contains("expired"),
                "a confirmation of new codes removes nothing")
            codes = codesAnswer
            let newCodes = try await other.post("/account/recovery-codes", form: codes)
            #expect(newCodes.body.contains("Save your recovery codes"), "\(newCodes.body)")

            // Removing it takes a second factor: a recovery code, or a passkey's answer, on a page that says what
            // the removal changes.
            let factor = try #require(try await server.store.secondFactorsForTest(of: "alice").first)
            let remove = try #require(account.form(containing: "/account/authenticator/remove"))
            #expect(remove["factor"] == factor.id)
            let confirm = try await other.post("/account/authenticator/remove", form: remove)
            #expect(
                confirm.status == 200
                    && confirm.body.contains(
                        "Signing in will no longer accept it, and you are signed out everywhere but here")
            )
            var wrongCode = try #require(confirm.form(containing: #"name="code""#))
            wrongCode["code"] = "aaaaa-aaaaa"
            #expect(
                try await other.post("/account/authenticator/remove", form: wrongCode).location
                    == "/account?notice=code-wrong")
            let (confirmOptions, confirmFields) = try #require(confirm.passkeyForm())
            var forged = confirmFields
            forged["factor"] = "another"
            #expect(
                try await other.post(
                    "/account/authenticator/remove", form: forged.merging(try authenticator.get(confirmOptions)) { $1 }
                ).location == "/account?notice=factor-gone")
            #expect(
                try await other.post(
                    "/account/authenticator/remove",
                    form: confirmFields.merging(try authenticator.get(confirmOptions)) { $1 }
                ).location == "/account?notice=passkey-removed")
            let removed = try await other.get("/account")
            #expect(removed.body.contains("Off: signing in asks only for your password."))
            let first = try await browser.get("/account")
            #expect(first.body.contains("Sign in to see the apps"), "signed out everywhere but where it was removed")

            // The script the forms run is served, as JavaScript that no one can sniff as anything else.
            let script = try await other.get("/passkey.js")
            #expect(script.status == 200 && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.body.contains("navigator.credentials.get"))
        }
    }

    /// Behind an IP address, which browsers refuse as an RP ID, no page offers passkeys.
    @Test func noPasskeysAreOfferedBehindAnIPAddress() async throws {
        try await ServerFixture.run(.sqlite) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let login = try await browser.get(AuthorizationCodeFlowTests.authorizePath())
            #expect(login.status == 200 && login.passkeyForm() == nil && !login.body.contains("passkey.js"))
            #expect(login.headers[.contentSecurityPolicy]?.contains("script-src") == false)
            var form = try await browser.get("/account").hiddenFields
            form["username"] = "alice"
            form["password"] = "alice-password"
            #expect(try await browser.post("/account/login", form: form).location == "/account")
            #expect(try await !browser.get("/account").body.contains("Add a passkey"))
        }
    }

    @Test(arguments: TestBackend.available)
    func aProfileThatRequiresAFactorTakesAPasskeyMadeWhileSigningIn(backend: TestBackend) async throws {
        try await Self.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            try await server.updateProfile(Profile.systemAdministratorName) { $0.requireSecondFactor = true }
            let browser = Browser(client: server.client)
            let setup = try await browser.post(
                "/login", form: try await AuthorizationCodeFlowTests.loginForm(browser))
            #expect(setup.body.contains("Set up two-step verification"), "\(setup.body)")
            let (options, fields) = try #require(setup.passkeyForm())
            #expect(options["mode"] as? String == "create")
            let authenticator = SoftwareAuthenticator(origin: Self.origin)
            var made = fields.merging(try authenticator.create(options)) { $1 }
            made["name"] = "Laptop"
            let codes = try await browser.post("/login/second-factor", form: made)
            #expect(codes.body.contains("Save your recovery codes"), "\(codes.body)")
            #expect(try await browser.post("/login/second-factor", form: made).body.contains("expired"), "once")
            let continuing = try #require(codes.form(containing: "/login/continue"))
            let redirect = try await Self.allow(browser, try await browser.post("/login/continue", form: continuing))
            let claims = try await Self.idToken(server, redirect)
            #expect(claims["amr"] as? [String] == ["pwd", "hwk", "mfa"] && claims["acr"] as? String == "mfa")
            #expect(try await server.store.secondFactorsForTest(of: "alice").map(\.kind) == [.passkey])
        }
    }
}

extension GatehouseStore {
    /// A user's second factors, by username.
    func secondFactorsForTest(of username: String) async throws -> [SecondFactor] {
        guard let (user, _) = try await user(named: username) else { return [] }
        return try await SQLSecondFactorStore(store: self).secondFactors(of: user.id)
    }
}
