import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Expired rows are purged so tables stay bounded; live ones are kept.
@Suite struct HousekeepingTests {
    @Test(arguments: TestBackend.available)
    func purgingRemovesOnlyWhatHasExpired(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let profile = try #require(base.profile(named: Profile.systemAdministratorName))
            let user = User(username: "u", email: "u@example.com", profile: profile.id)
            let app = ConnectedApp(name: "A", clientID: "a", callbackURLs: ["https://a.example/cb"])
            try await store.commit(
                [.createUser(user), .createApp(app)], basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let tokens = SQLTokenStore(store: store)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func access(_ name: String, expiresIn seconds: TimeInterval) -> OpaqueAccessToken {
                OpaqueAccessToken(
                    tokenHash: TokenValue.hash(name), grant: nil, app: app.id, user: user.id, scopes: Scopes(["api"]),
                    jti: name, issuedAt: now, expiresAt: now.addingTimeInterval(seconds))
            }
            try await tokens.saveAccessToken(access("expired", expiresIn: -1))
            try await tokens.saveAccessToken(access("live", expiresIn: 300))
            try await tokens.saveCode(
                AuthorizationCodeRecord(
                    codeHash: "old-code", app: app.id, user: user.id, redirectURI: "https://a.example/cb",
                    scopes: Scopes([]),
                    codeChallenge: nil, nonce: nil, authTime: now, createdAt: now.addingTimeInterval(-2 * 86_400),
                    expiresAt: now.addingTimeInterval(-2 * 86_400 + 60)))

            let removed = try await tokens.purgeExpired(before: now)
            #expect(removed == 2)
            #expect(try await tokens.accessToken(hash: TokenValue.hash("live")) != nil)
            #expect(try await tokens.accessToken(hash: TokenValue.hash("expired")) == nil)
            #expect(try await tokens.consumeCode(hash: "old-code", app: app.id, at: now) == .notFound)
        }
    }
}
