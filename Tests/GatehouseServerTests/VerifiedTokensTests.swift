import Foundation
import GatehouseCore
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
            app: app, user: nil, scopes: Scopes(["api"]), grant: nil, authTime: nil, at: now, keys: keys
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
                app: app, user: nil, scopes: Scopes(["api"]), grant: nil, authTime: nil, at: now, keys: keys
            ).value
            #expect(cache.verify(another, keys: keys, at: now) != nil)
        }
        #expect(cache.count <= 2)
    }
}
