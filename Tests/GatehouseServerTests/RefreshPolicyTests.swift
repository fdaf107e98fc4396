import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The refresh-token policies over HTTP, with the server's clock moved by hand: each is checked on every use, as
/// it stands then.
@Suite struct RefreshPolicyTests {
    static let hour: TimeInterval = 3_600

    /// Runs a server on a hand-moved clock, sets jwt-app's policy, and connects alice; returns her refresh token.
    func withConnectedAlice(
        _ backend: TestBackend, policy: RefreshTokenPolicy,
        _ body: @escaping @Sendable (ServerFixture, TestClock, String?) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now }
        try await ServerFixture.run(backend, now: now) { server in
            try await server.updateApp("jwt-app") { $0.refreshTokenPolicy = policy }
            try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
            let browser = Browser(client: server.client)
            let code = try requireValue(
                try await AuthorizationCodeFlowTests.signInAndAllow(browser).redirectParameters["code"])
            let tokens = try await server.exchange(code)
            #expect(tokens.status == 200, "\(tokens.json)")
            #expect(tokens.json["access_token"] is String)
            try await body(server, clock, tokens.json["refresh_token"] as? String)
        }
    }

    @Test(arguments: TestBackend.available)
    func expireAfterEndsTheGrantAFixedTimeAfterItWasMade(backend: TestBackend) async throws {
        try await withConnectedAlice(backend, policy: .expireAfter(PolicyDuration(seconds: 3_600))) {
            server, clock, refreshToken in
            clock.advance(by: 59 * 60)
            let fine = try await server.refresh(try #require(refreshToken))
            #expect(fine.status == 200)
            clock.advance(by: 2 * 60)
            let expired = try await server.refresh(try #require(fine.json["refresh_token"] as? String))
            #expect(expired.status == 400)
            #expect(expired.json["reason"] as? String == "refresh_token_expired")
            #expect(expired.json["error_description"] as? String == "expired refresh token")
        }
    }

    @Test(arguments: TestBackend.available)
    func expireIfUnusedLastsWhileTheTokenIsUsed(backend: TestBackend) async throws {
        try await withConnectedAlice(backend, policy: .expireIfUnused(PolicyDuration(seconds: 1_800))) {
            server, clock, refreshToken in
            var token = try #require(refreshToken)
            for _ in 0..<3 {  // 75 minutes in all, never 30 without use
                clock.advance(by: 25 * 60)
                let used = try await server.refresh(token)
                #expect(used.status == 200, "\(used.json)")
                token = try #require(used.json["refresh_token"] as? String)
            }
            clock.advance(by: 31 * 60)
            #expect(try await server.refresh(token).json["reason"] as? String == "refresh_token_expired")
        }
    }

    @Test(arguments: TestBackend.available)
    func immediatelyExpireIssuesNoRefreshTokenEvenForOfflineAccess(backend: TestBackend) async throws {
        try await withConnectedAlice(backend, policy: .immediatelyExpire) { _, _, refreshToken in
            #expect(refreshToken == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func validUntilRevokedOutlastsAnyTimeAndAPolicyChangeAppliesToTokensAlreadyIssued(backend: TestBackend)
        async throws
    {
        try await withConnectedAlice(backend, policy: .validUntilRevoked) { server, clock, refreshToken in
            clock.advance(by: 400 * 24 * Self.hour)
            let later = try await server.refresh(try #require(refreshToken))
            #expect(later.status == 200, "\(later.json)")
            // The admin tightens the policy: the token issued under the old one is held to the new one.
            try await server.updateApp("jwt-app") {
                $0.refreshTokenPolicy = .expireIfUnused(PolicyDuration(seconds: 600))
            }
            clock.advance(by: 11 * 60)
            let token = try #require(later.json["refresh_token"] as? String)
            #expect(try await server.refresh(token).json["reason"] as? String == "refresh_token_expired")
        }
    }

    @Test(arguments: TestBackend.available)
    func rotationRetiresEachTokenAndReuseRevokesTheGrant(backend: TestBackend) async throws {
        try await withConnectedAlice(backend, policy: .validUntilRevoked) { server, clock, refreshToken in
            let first = try #require(refreshToken)
            clock.advance(by: 60)
            let rotated = try await server.refresh(first)
            let second = try #require(rotated.json["refresh_token"] as? String)
            #expect(second != first)
            let reused = try await server.refresh(first)
            #expect(reused.json["reason"] as? String == "refresh_token_reused")
            #expect(
                reused.json["error_description"] as? String
                    == "refresh token was already used; its grant has been revoked")
            let afterReuse = try await server.refresh(second)
            #expect(afterReuse.json["reason"] as? String == "refresh_token_revoked")
            #expect(afterReuse.json["error_description"] as? String == "refresh token was revoked")
        }
    }
}
