import Foundation
import GatehouseCore
import GatehouseTestSupport
import Testing

@testable import GatehouseServer

/// JWTs verified once are recognised again only byte for byte, and only while their key is still published.
@Suite struct VerifiedTokensTests {
    @Test func aTokenIsRecognisedAgainOnlyWhileItsKeyIsPublishedAndOnlyExactly() throws {
        let now = Date()
        let key = ScheduledSigningKey(key: try SigningKey.generate(.es256), createdAt: now, activatesAt: now)
        let keys = KeyRing([key])
        let app = ConnectedApp(
            name: "A", clientID: "a", callbackURLs: ["https://a.example/cb"], accessTokenFormat: .jwt)
        let token = try TokenIssuer(issuer: "https://gatehouse.example").accessToken(
            app: app, user: nil, scopes: Scopes(["api"]), grant: nil, authentication: nil, at: now, keys: keys
        ).value
        let cache = VerifiedTokens(capacity: 2)
        #expect(cache.verify(token, keys: keys, at: now)?.string("client_id") == "a")
        #expect(cache.verify(token, keys: keys, at: now)?.string("client_id") == "a", "from memory")
        // Its key purged: the remembered verification no longer counts.
        #expect(cache.verify(token, keys: KeyRing([]), at: now) == nil)
        // One character changed in the signature: not the token verified, and it does not verify.
        var tampered = Array(token)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
        #expect(cache.verify(String(tampered), keys: keys, at: now) == nil)
        // Bounded: more tokens than the capacity still verify, and the cache stays within it.
        for _ in 0..<5 {
            let another = try TokenIssuer(issuer: "https://gatehouse.example").accessToken(
                app: app, user: nil, scopes: Scopes(["api"]), grant: nil, authentication: nil, at: now, keys: keys
            ).value
            #expect(cache.verify(another, keys: keys, at: now) != nil)
        }
        #expect(cache.count <= 2)
    }
}

/// `sub` equal to the client id means "the app itself" only when it cannot be a user id: an app whose client id is a
/// user's id must not turn that user's tokens into app tokens that skip the user's checks.
@Suite struct AppItselfAtIntrospectionTests {
    @Test(arguments: TestBackend.available)
    func aUserTokenWhoseSubjectEqualsAUUIDShapedClientIDIsStillTheUsers(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            // An app whose client id is alice's user id, acting as alice: its tokens have sub = client id.
            try await server.commit { directory in
                let alice = try requireValue(directory.user(named: "alice"))
                let secret = ClientSecret(
                    hash: SecretHasher(masterKey: testMasterKey).hash(ServerFixture.secret), createdAt: Date())
                let app = ConnectedApp(
                    name: "Shaped Like A User", clientID: alice.id.rawValue, secrets: [secret],
                    callbackURLs: ["https://client.example/cb"], scopes: ["api"],
                    grantTypes: [.clientCredentials], runAsUser: alice.id, accessTokenFormat: .jwt)
                return [.createApp(app)]
            }
            let aliceID = try requireValue(try await server.store.loadDirectory().user(named: "alice")).id.rawValue
            let response = try await server.clientCredentials(aliceID)
            #expect(response.status == 200)
            let token = try #require(response.json["access_token"] as? String)
            func active() async throws -> Bool {
                let answer = try await server.post(
                    "/introspect", ["token": token], basic: (aliceID, ServerFixture.secret))
                #expect(answer.status == 200)
                let active = answer.json["active"] as? Bool == true
                if active { #expect(answer.json["username"] as? String == "alice", "the user's token, not the app's") }
                return active
            }
            #expect(try await active())
            // The user's checks still apply: deactivated, her token is dead at once.
            try await server.updateUser("alice") { $0.isActive = false }
            #expect(try await active() == false)
        }
    }
}
