import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// An app's custom attributes (issue 13, item 5): static values and user fields in its ID tokens, its JWT access
/// tokens (client credentials too) and userinfo; never in another app's, never over a claim Gatehouse sets.
@Suite struct CustomAttributesTests {
    @Test(arguments: TestBackend.available)
    func theAppsTokensAndUserinfoCarryItsAttributes(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            try await server.commit { directory in
                let set = PermissionSet(name: "Deduper Users")
                let alice = try requireValue(directory.user(named: "alice"))
                var member = alice
                member.permissionSets = [set.id]
                let app = try requireValue(directory.app(clientID: "jwt-app"))
                var attributed = app
                attributed.customAttributes = [
                    CustomAttribute(name: "department", source: .value("Sales")),
                    CustomAttribute(name: "mail", source: .field(.email)),
                    CustomAttribute(name: "team", source: .field(.profile)),
                    CustomAttribute(name: "sets", source: .field(.permissionSets)),
                    CustomAttribute(name: "who", source: .field(.displayName)),
                ]
                return [
                    .createPermissionSet(set), .updateUser(before: alice, after: member),
                    .updateApp(before: app, after: attributed),
                ]
            }
            let redirect = try await AuthorizationCodeFlowTests.signInAndAllow(Browser(client: server.client))
            let tokens = try await server.exchange(try #require(redirect.redirectParameters["code"]))
            for name in ["id_token", "access_token"] {
                let claims = try decodeSegment(try #require(tokens.json[name] as? String).split(separator: ".")[1])
                #expect(claims["department"] as? String == "Sales", "\(name)")
                #expect(claims["mail"] as? String == "alice@example.com", "\(name)")
                #expect(claims["team"] as? String == Profile.systemAdministratorName, "\(name)")
                #expect(claims["sets"] as? [String] == ["Deduper Users"], "\(name)")
                #expect(claims["who"] as? String == "Alice", "\(name)")
            }
            let userinfo = try await server.raw(
                "/userinfo", method: .get,
                headers: [.authorization: "Bearer \(try #require(tokens.json["access_token"] as? String))"])
            #expect(userinfo.json["department"] as? String == "Sales" && userinfo.json["mail"] as? String != nil)

            // The user's own name and address only under the scopes that release them, as the consent page says.
            let browser = Browser(client: server.client)
            let narrow = try await browser.post(
                "/login",
                form: try await AuthorizationCodeFlowTests.loginForm(
                    browser, path: AuthorizationCodeFlowTests.authorizePath(extra: ["scope": "openid"])))
            let narrowTokens = try await server.exchange(try #require(narrow.redirectParameters["code"]))
            let narrowClaims = try decodeSegment(
                try #require(narrowTokens.json["id_token"] as? String).split(separator: ".")[1])
            #expect(narrowClaims["department"] as? String == "Sales" && narrowClaims["team"] != nil)
            #expect(narrowClaims["mail"] == nil && narrowClaims["who"] == nil, "no email or profile scope")

            // Client credentials act for the run-as user: the same claims; another app's tokens have none.
            let credentials = try await server.clientCredentials("jwt-app")
            let machine = try decodeSegment(
                try #require(credentials.json["access_token"] as? String).split(separator: ".")[1])
            #expect(machine["department"] as? String == "Sales" && machine["team"] as? String != nil)
            let machineScopes = (machine["scope"] as? String ?? "").split(separator: " ")
            #expect((machine["mail"] != nil) == machineScopes.contains("email"), "\(machine)")
            let other = try await server.clientCredentials("opaque-app")
            #expect(other.status == 200 && (other.json["access_token"] as? String)?.hasPrefix("gha_") == true)
        }
    }

    /// A registered claim cannot be taken, and one set anyway (bypassing validation) never replaces Gatehouse's own.
    @Test func registeredClaimsAreNeverOverridden() throws {
        for name in ["sub", "iss", "aud", "exp", "email", "amr", "acr", "scope", "client_id", "grant_id", "Sub"] {
            #expect(CustomAttribute.problem(withName: name) != nil, "\(name)")
        }
        #expect(CustomAttribute.problem(withName: "department") == nil)
        #expect(CustomAttribute.problem(withName: "urn:example:tier") == nil)
        #expect(CustomAttribute.problem(withName: "has space") != nil)
        #expect(CustomAttribute(text: "mail=field:email")?.source == .field(.email))
        #expect(CustomAttribute(text: "x=field:salary") == nil)
        #expect(CustomAttribute(text: "tier=gold=1")?.source == .value("gold=1"), "the first = splits")

        let now = Date()
        let key = try SigningKey.generate(.es256)
        let keys = KeyRing([ScheduledSigningKey(key: key, createdAt: now, activatesAt: now.addingTimeInterval(-60))])
        let user = User(username: "ann", email: "ann@example.com", profile: ProfileID(rawValue: "p"))
        var app = ConnectedApp(name: "A", clientID: "a")
        app.customAttributes = [
            CustomAttribute(name: "sub", source: .value("forged")),
            CustomAttribute(name: "tier", source: .value("gold")),
        ]
        let token = try TokenIssuer(issuer: "https://gh.example").accessToken(
            app: app, user: user, scopes: Scopes(["openid"]), grant: nil, authentication: nil,
            customClaims: CustomAttribute.claims(of: app, for: user, scopes: Scopes(["openid"]), in: Directory()),
            at: now, keys: keys)
        let claims = try decodeSegment(token.value.split(separator: ".")[1])
        #expect(claims["sub"] as? String == user.id.rawValue && claims["tier"] as? String == "gold")
    }
}
