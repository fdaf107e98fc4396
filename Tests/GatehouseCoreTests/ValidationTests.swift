import Foundation
import GatehouseCore
import Testing

@Suite struct ValidationTests {
    private func issues(_ check: (inout ValidationReport) -> Void) -> [String] {
        var report = ValidationReport()
        check(&report)
        return report.issues.map(\.description)
    }

    @Test(arguments: [
        "https://app.example.com/cb", "http://127.0.0.1:9999/cb", "http://127.1.2.3/cb", "http://[::1]:8000/cb",
        "com.example.app:/oauth2redirect",
    ])
    func acceptableCallbackURLsPass(url: String) {
        #expect(issues { FieldRules.checkCallbackURL(url, at: "u", into: &$0) }.isEmpty)
    }

    /// RFC 8252 §8.3: only literal loopback IPs; a name that merely begins with `127.` is anyone's host.
    @Test(arguments: [
        "http://127.evil.example/cb", "http://127.0.0.1.evil.example/cb", "http://localhost/cb", "http://127.0.0/cb",
        "http://127.0.0.256/cb", "http://0x7f.0.0.1/cb",
    ])
    func httpOnHostsThatOnlyLookLikeLoopbackIsRefused(url: String) {
        #expect(issues { FieldRules.checkCallbackURL(url, at: "u", into: &$0) }.count == 1)
    }

    /// RFC 8252 §7.3: a native app's loopback callback may come on any port; nothing else may differ.
    @Test func aLoopbackCallbackMatchesOnAnyPortButNothingElseDoes() {
        let app = ConnectedApp(
            name: "cli", clientID: "cli", isPublic: true,
            callbackURLs: ["http://127.0.0.1/callback", "https://app.example/cb"])
        #expect(app.acceptsCallback("http://127.0.0.1/callback"))
        #expect(app.acceptsCallback("http://127.0.0.1:51004/callback"))
        #expect(!app.acceptsCallback("http://127.0.0.1:51004/other"))
        #expect(!app.acceptsCallback("http://127.0.0.2:51004/callback"))
        #expect(!app.acceptsCallback("http://127.0.0.1:51004/callback?x=1"))
        #expect(!app.acceptsCallback("https://app.example:8443/cb"))
        #expect(!app.acceptsCallback("http://user@127.0.0.1:5/callback"))
    }

    @Test func plainHTTPIsRefusedForNonLoopbackHostsWithTheReason() {
        let found = issues {
            FieldRules.checkCallbackURL("http://example.com/cb", at: "connectedApps[0].callbackUrls[1]", into: &$0)
        }
        #expect(
            found == [
                #"connectedApps[0].callbackUrls[1]: "http://example.com/cb" must use https (http is allowed only for loopback hosts)"#
            ])
    }

    @Test(arguments: [
        ("https://a.example/cb#frag", "fragment"), ("https://*.example.com/cb", "wildcard"),
        ("/relative", "absolute URL"),
        ("ftp://example.com/x", "private-use scheme"), ("https:///path", "no host"),
    ])
    func unacceptableCallbackURLsSayWhy(url: String, reason: String) {
        let found = issues { FieldRules.checkCallbackURL(url, at: "u", into: &$0) }
        #expect(found.count == 1)
        #expect(found.first?.contains(reason) == true)
    }

    @Test func scopeTokensFollowRFC6749() {
        #expect(issues { FieldRules.checkScope("api:read", at: "s", into: &$0) }.isEmpty)
        #expect(issues { FieldRules.checkScope("two words", at: "s", into: &$0) }.count == 1)
        #expect(issues { FieldRules.checkScope("quo\"te", at: "s", into: &$0) }.count == 1)
        #expect(issues { FieldRules.checkScope("", at: "s", into: &$0) }.count == 1)
    }

    @Test func publicAppsCannotUseClientCredentialsOrHoldSecrets() {
        let app = ConnectedApp(
            name: "CLI", clientID: "cli", secrets: [ClientSecret(hash: "x", createdAt: .now)], isPublic: true,
            callbackURLs: ["http://127.0.0.1/cb"], grantTypes: [.authorizationCode, .clientCredentials])
        let found = issues { app.validate(at: "connectedApps[0]", into: &$0) }
        #expect(
            found.contains { $0.hasPrefix("connectedApps[0].grantTypes: client_credentials is for confidential apps") })
        #expect(found.contains("connectedApps[0].clientSecret: a public app has no client secret"))
    }

    /// RFC 9700 §4.14.2: a public client's refresh tokens must be rotated (Gatehouse does not sender-constrain them).
    @Test func aPublicAppMustRotateItsRefreshTokens() {
        var app = ConnectedApp(
            name: "CLI", clientID: "cli", isPublic: true, callbackURLs: ["http://127.0.0.1/cb"],
            isRefreshTokenRotationEnabled: false)
        #expect(
            issues { app.validate(at: "connectedApps[0]", into: &$0) } == [
                "connectedApps[0].refreshTokenRotation: a public app's refresh tokens must be rotated (RFC 9700 §4.14.2): turn rotation on"
            ])
        app.isPublic = false
        app.secrets = [ClientSecret(hash: "x", createdAt: .now)]
        #expect(issues { app.validate(at: "", into: &$0) }.isEmpty, "a confidential app may keep one refresh token")
    }

    /// An imported hash names its own scrypt parameters: ones that would cost gigabytes or seconds per sign-in are
    /// refused.
    @Test func passwordHashesWithUnaffordableParametersAreRefused() throws {
        let salt = Data(repeating: 1, count: 16).base64EncodedString()
        let digest = Data(repeating: 2, count: 32).base64EncodedString()
        #expect(PasswordHasher.isWellFormed(try PasswordHasher.forTesting.hash("x")))
        #expect(PasswordHasher.isWellFormed("$scrypt$ln=16,r=8,p=1$\(salt)$\(digest)"))
        for parameters in ["ln=20,r=32,p=1", "ln=24,r=8,p=1", "ln=17,r=8,p=1", "ln=15,r=8,p=16"] {
            #expect(!PasswordHasher.isWellFormed("$scrypt$\(parameters)$\(salt)$\(digest)"), "\(parameters)")
            #expect(!PasswordHasher.standard.verify("x", against: "$scrypt$\(parameters)$\(salt)$\(digest)"))
        }
    }

    @Test func authorizationCodeNeedsACallbackURL() {
        let app = ConnectedApp(name: "A", clientID: "a", callbackURLs: [], grantTypes: [.authorizationCode])
        #expect(
            issues { app.validate(at: "", into: &$0) } == [
                "callbackUrls: authorization_code needs at least one callback URL"
            ])
    }

    @Test func usersNeedAPlausibleEmailAndAPlainUsername() {
        let user = User(username: "bad name", email: "nope", profile: ProfileID(rawValue: "p"))
        let found = issues { user.validate(at: "users[0]", into: &$0) }
        #expect(found.count == 2)
        #expect(found.contains(#"users[0].email: "nope" is not an email address"#))
    }
}
