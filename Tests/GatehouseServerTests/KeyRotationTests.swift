import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

@Suite struct KeyRotationTests {
    @Test(arguments: TestBackend.available)
    func aTokenSignedBeforeRotationStillVerifiesAfterIt(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let auth = ("jwt-app", ServerFixture.secret)
            let before = try await server.post("/token", ["grant_type": "client_credentials"], basic: auth)
            let oldToken = try #require(before.json["access_token"] as? String)
            let oldKid = try decodeSegment(oldToken.split(separator: ".")[0])["kid"] as? String

            // What `gatehouse keys rotate --publish-for 0s` does.
            let keyStore = SigningKeyStore(store: server.store, masterKey: testMasterKey)
            let ring = try await keyStore.load()
            let rotation = ring.rotation(
                .es256, newKey: try SigningKey.generate(.es256), at: Date(), publicationDelay: 0,
                longestTokenLifetime: 86_400)
            try await keyStore.save([rotation.new], updating: rotation.retired)
            // The save bumps the signing keys' change counter; the node's watcher reloads the keys when it sees it
            // move (not with the directory version), so wait until /jwks shows the new key or 10 s pass.
            var kids: Set<String> = []
            let deadline = ContinuousClock.now + .seconds(10)
            repeat {
                let jwks = try #require(try await server.raw("/jwks", method: .get).json["keys"] as? [[String: Any]])
                kids = Set(jwks.compactMap { $0["kid"] as? String })
                if kids.contains(rotation.new.key.kid) { break }
                try await Task.sleep(for: .milliseconds(20))
            } while ContinuousClock.now < deadline
            #expect(kids.contains(try #require(oldKid)), "the old key stays published")
            #expect(kids.contains(rotation.new.key.kid), "the new key is published")

            let after = try await server.post("/token", ["grant_type": "client_credentials"], basic: auth)
            let newToken = try #require(after.json["access_token"] as? String)
            #expect(try decodeSegment(newToken.split(separator: ".")[0])["kid"] as? String == rotation.new.key.kid)
            for token in [oldToken, newToken] {
                let introspection = try await server.post("/introspect", ["token": token], basic: auth)
                #expect(introspection.json["active"] as? Bool == true)
            }
        }
    }
}
