import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The seed article's story over HTTP: an app flips to admin-approved, a connected user's next refresh and
/// authorization are refused with the exact reason, the admin grants the profile, and access returns at once,
/// with no consent page.
@Suite struct PermittedUsersTests {

    @Test(arguments: TestBackend.available)
    func flippingToAdminApprovedRefusesAtOnceAndAProfileGrantRestoresAccessAtOnce(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = Browser(client: server.client)
            let refresh = try await connect(server, browser)
            let refreshed = try await server.refresh(refresh)
            let current = try #require(refreshed.json["refresh_token"] as? String)

            // The admin switches the app to admin-approved: alice's profile does not grant it.
            try await server.commit { directory in
                let app = try requireValue(directory.app(clientID: "jwt-app"))
                var approvedOnly = app
                approvedOnly.permittedUsers = .adminApprovedPreauthorized
                return [.updateApp(before: app, after: approvedOnly)]
            }
            let refused = try await server.refresh(current)
            #expect(refused.status == 400)
            #expect(refused.json["error"] as? String == "invalid_grant")
            #expect(refused.json["reason"] as? String == "user_not_admin_approved")
            #expect(refused.json["error_description"] as? String == "user is not admin approved to access this app")
            let redirect = try await browser.backToApp(
                from: try await browser.get(AuthorizationCodeFlowTests.authorizePath()))
            #expect(redirect.redirectParameters["error"] == "access_denied")
            #expect(redirect.redirectParameters["reason"] == "user_not_admin_approved")
            #expect(redirect.redirectParameters["error_description"] == "user is not admin approved to access this app")

            // The admin enables alice's profile on the app: the same refresh token works again, at once.
            try await server.grantAdminProfile("jwt-app")
            let restored = try await server.refresh(current)
            #expect(restored.status == 200, "\(restored.json)")
            // She reconnects with no consent page: straight back to the app with a code.
            let again = try await browser.get(AuthorizationCodeFlowTests.authorizePath(extra: ["prompt": "consent"]))
            #expect(again.status == 302)
            #expect(again.redirectParameters["code"] != nil)
        }
    }
}

/// Alice signs in, allows jwt-app, and the app exchanges the code; returns her refresh token.
func connect(_ server: ServerFixture, _ browser: Browser) async throws -> String {
    try await AuthorizationCodeFlowTests.setPassword(server, "alice-password")
    let code = try requireValue(try await AuthorizationCodeFlowTests.signInAndAllow(browser).redirectParameters["code"])
    return try requireValue(try await server.exchange(code).json["refresh_token"] as? String)
}

/// Revoking an app's grants (what `gatehouse apps revoke-grants` does) ends refresh with `refresh_token_revoked`.
@Suite struct RevokeGrantsTests {
    @Test(arguments: TestBackend.available)
    func revokedGrantsRefuseTheirRefreshTokens(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let browser = Browser(client: server.client)
            let refresh = try await connect(server, browser)
            let directory = try await server.store.loadDirectory()
            let revoked = try await server.store.revokeGrants(
                of: try #require(directory.app(clientID: "jwt-app")), user: directory.user(named: "alice"),
                actor: AuditActor(name: "t"), at: Date())
            #expect(revoked == 1)
            let refused = try await server.refresh(refresh)
            #expect(refused.json["reason"] as? String == "refresh_token_revoked")
            #expect(refused.json["error_description"] as? String == "refresh token was revoked")
            let events = try await server.store.auditEvents(AuditQuery(targetType: .connectedApp))
            #expect(events.first?.action == .connectedAppGrantsRevoked)
        }
    }
}
