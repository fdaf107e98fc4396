import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The code exchange and refresh grants against real storage, with an injected clock.
@Suite struct GrantFlowTests {
    static let verifier = "dBjftJeZ4CVP-mJ0K1zbDmKUVCCoPwq5Wkf4jkQ1BmM"
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    struct Fixture {
        var store: GatehouseStore
        var tokens: SQLTokenStore
        var directory: Directory
        var keys: KeyRing
        var app: ConnectedApp
        var alice: User

        func context(at time: Date) -> GrantContext {
            GrantContext(
                directory: directory, keys: keys, now: time, issuer: TokenIssuer(issuer: "https://gatehouse.test"),
                store: tokens, clientIP: "127.0.0.1")
        }

        /// A code as the authorize endpoint would store it; returns the code value.
        func issueCode(at time: Date = GrantFlowTests.start, scopes: String = "openid offline_access") async throws
            -> String
        {
            let code = TokenValue.generate(prefix: "ghc_")
            try await tokens.saveCode(
                AuthorizationCodeRecord(
                    codeHash: TokenValue.hash(code), app: app.id, user: alice.id, redirectURI: "https://d.example/cb",
                    scopes: Scopes(parameter: scopes) ?? Scopes([]),
                    codeChallenge: PKCE.challenge(for: GrantFlowTests.verifier),
                    nonce: "n-0S6_WzA2Mj", authTime: time, createdAt: time,
                    expiresAt: time.addingTimeInterval(AuthorizationCodeRecord.lifetime)))
            return code
        }

        func exchange(_ code: String, verifier: String? = GrantFlowTests.verifier, at time: Date = GrantFlowTests.start)
            async throws -> JSONObject
        {
            var parameters = ["grant_type": "authorization_code", "code": code, "redirect_uri": "https://d.example/cb"]
            parameters["code_verifier"] = verifier
            return try await TokenEndpoint.standard.respond(
                to: TokenRequest(parameters), app: app, context: context(at: time))
        }

        func refresh(_ token: String, scope: String? = nil, at time: Date) async throws -> JSONObject {
            var parameters = ["grant_type": "refresh_token", "refresh_token": token]
            parameters["scope"] = scope
            return try await TokenEndpoint.standard.respond(
                to: TokenRequest(parameters), app: app, context: context(at: time))
        }

        func with(policy: RefreshTokenPolicy, rotation: Bool = true) -> Fixture {
            var copy = self
            copy.app.refreshTokenPolicy = policy
            copy.app.isRefreshTokenRotationEnabled = rotation
            return copy
        }
    }

    func withFixture(_ backend: TestBackend, _ body: (Fixture) async throws -> Void) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let profile = try #require(base.profile(named: Profile.systemAdministratorName))
            let alice = User(username: "alice", email: "alice@example.com", profile: profile.id)
            let app = ConnectedApp(
                name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"],
                scopes: ["openid", "profile", "email", "offline_access", "api"])
            try await store.commit(
                [.createUser(alice), .createApp(app)], basedOn: base, actor: AuditActor(name: "t"), at: Self.start)
            let keys = try await TestKeys.seed(store)
            try await body(
                Fixture(
                    store: store, tokens: SQLTokenStore(store: store), directory: try await store.loadDirectory(),
                    keys: keys, app: app, alice: alice))
        }
    }

    func string(_ value: JSONValue?) throws -> String {
        guard case .string(let text) = value else { throw OAuthError.invalidRequest("missing") }
        return text
    }

    func refusal(_ body: () async throws -> Void) async -> OAuthError? {
        do {
            try await body()
            return nil
        } catch let error as OAuthError {
            return error
        } catch {
            return OAuthError(.serverError, "\(error)")
        }
    }

    @Test(arguments: TestBackend.available)
    func aCodeBuysTokensOnceAndAReplayRevokesThem(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let code = try await fixture.issueCode()
            let response = try await fixture.exchange(code)
            #expect(response["token_type"] == .string("Bearer"))
            #expect(response["scope"] == .string("openid offline_access"))
            let refreshToken = try string(response["refresh_token"])
            let idToken = try string(response["id_token"])
            let verified = try JWT.verify(idToken) { fixture.keys.verificationKey(kid: $0, at: Self.start) }
            #expect(verified.string("aud") == "deduper")
            #expect(verified.string("nonce") == "n-0S6_WzA2Mj")
            #expect(verified.string("sub") == fixture.alice.id.rawValue)
            #expect(verified.string("at_hash") != nil)

            let replay = await refusal { _ = try await fixture.exchange(code) }
            #expect(replay?.code == .invalidGrant)
            #expect(replay?.reason == .codeReused)
            let afterReplay = await refusal { _ = try await fixture.refresh(refreshToken, at: Self.start) }
            #expect(afterReplay?.reason == .refreshTokenRevoked)
            #expect(afterReplay?.message == "refresh token was revoked")
        }
    }

    @Test(arguments: TestBackend.available)
    func pkceRedirectURIAndExpiryAreEnforced(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let wrong = await refusal {
                _ = try await fixture.exchange(
                    try await fixture.issueCode(), verifier: String(repeating: "x", count: 43))
            }
            #expect(wrong?.reason == .pkceFailed)
            let missing = await refusal { _ = try await fixture.exchange(try await fixture.issueCode(), verifier: nil) }
            #expect(missing?.reason == .pkceFailed)
            let late = await refusal {
                _ = try await fixture.exchange(try await fixture.issueCode(), at: Self.start.addingTimeInterval(61))
            }
            #expect(late?.reason == .codeExpired)
            let unknown = await refusal { _ = try await fixture.exchange("ghc_nope") }
            #expect(unknown?.reason == .codeInvalid)
            let code = try await fixture.issueCode()
            let mismatch = await refusal {
                _ = try await TokenEndpoint.standard.respond(
                    to: TokenRequest([
                        "grant_type": "authorization_code", "code": code, "redirect_uri": "https://d.example/other",
                        "code_verifier": Self.verifier,
                    ]), app: fixture.app, context: fixture.context(at: Self.start))
            }
            #expect(mismatch?.reason == .redirectURIMismatch)
        }
    }

    @Test(arguments: TestBackend.available)
    func rotationRetiresTheOldTokenAndReuseRevokesTheFamily(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let first = try string(try await fixture.exchange(try await fixture.issueCode())["refresh_token"])
            let refreshed = try await fixture.refresh(first, at: Self.start.addingTimeInterval(10))
            let second = try string(refreshed["refresh_token"])
            #expect(second != first)
            #expect(refreshed["id_token"] != nil, "openid was granted, so a refresh carries a fresh ID token")

            let reuse = await refusal { _ = try await fixture.refresh(first, at: Self.start.addingTimeInterval(20)) }
            #expect(reuse?.code == .invalidGrant)
            #expect(reuse?.reason == .refreshTokenReused)
            #expect(reuse?.message == "refresh token was already used; its grant has been revoked")
            let family = await refusal { _ = try await fixture.refresh(second, at: Self.start.addingTimeInterval(30)) }
            #expect(family?.reason == .refreshTokenRevoked, "the newer token of the reused family is revoked too")
        }
    }

    @Test(arguments: TestBackend.available)
    func aRefreshMayNarrowScopesButNeverWiden(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let token = try string(try await fixture.exchange(try await fixture.issueCode())["refresh_token"])
            let narrowed = try await fixture.refresh(token, scope: "offline_access", at: Self.start)
            #expect(narrowed["scope"] == .string("offline_access"))
            let next = try string(narrowed["refresh_token"])
            let widened = await refusal {
                _ = try await fixture.refresh(next, scope: "offline_access api", at: Self.start)
            }
            #expect(widened?.code == .invalidScope)
            // A refused request leaves the token usable: nothing was retired.
            #expect(try await fixture.refresh(next, at: Self.start)["access_token"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func refreshTokenPoliciesAreCheckedOnEveryUse(backend: TestBackend) async throws {
        try await withFixture(backend) { base in
            let unused = base.with(policy: .expireIfUnused(PolicyDuration(seconds: 3_600)))
            let token = try string(try await unused.exchange(try await unused.issueCode())["refresh_token"])
            let kept = try string(
                try await unused.refresh(token, at: Self.start.addingTimeInterval(3_000))["refresh_token"])
            let idle = await refusal { _ = try await unused.refresh(kept, at: Self.start.addingTimeInterval(6_700)) }
            #expect(idle?.reason == .refreshTokenExpired)
            #expect(idle?.message == "expired refresh token")

            let fixed = base.with(policy: .expireAfter(PolicyDuration(seconds: 86_400)))
            let daily = try string(try await fixed.exchange(try await fixed.issueCode())["refresh_token"])
            #expect(try await fixed.refresh(daily, at: Self.start.addingTimeInterval(80_000))["access_token"] != nil)
            let old = try string(try await fixed.exchange(try await fixed.issueCode())["refresh_token"])
            let expired = await refusal { _ = try await fixed.refresh(old, at: Self.start.addingTimeInterval(86_400)) }
            #expect(expired?.reason == .refreshTokenExpired)

            let immediate = base.with(policy: .immediatelyExpire)
            let response = try await immediate.exchange(try await immediate.issueCode())
            #expect(response["refresh_token"] == nil, "immediately-expire issues no usable refresh token")
            #expect(response["access_token"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func withoutRotationTheSameRefreshTokenKeepsWorking(backend: TestBackend) async throws {
        try await withFixture(backend) { base in
            let fixture = base.with(policy: .validUntilRevoked, rotation: false)
            let token = try string(try await fixture.exchange(try await fixture.issueCode())["refresh_token"])
            let first = try await fixture.refresh(token, at: Self.start.addingTimeInterval(1))
            #expect(first["refresh_token"] == nil)
            #expect(try await fixture.refresh(token, at: Self.start.addingTimeInterval(2))["access_token"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func anInactiveUserGetsNoTokens(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let token = try string(try await fixture.exchange(try await fixture.issueCode())["refresh_token"])
            var inactive = fixture
            var alice = fixture.alice
            alice.isActive = false
            inactive.directory.upsert(alice)
            let refused = await refusal { _ = try await inactive.refresh(token, at: Self.start) }
            #expect(refused?.code == .invalidGrant)
            #expect(refused?.reason == .userInactive)
            #expect(refused?.message == "user is inactive")
        }
    }

    @Test(arguments: TestBackend.available)
    func aCodeCanOnlyBeSpentByTheAppItWasIssuedTo(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let base = try await fixture.store.loadDirectory()
            let thief = ConnectedApp(
                name: "Thief", clientID: "thief", isPublic: true, callbackURLs: ["https://d.example/cb"])
            try await fixture.store.commit(
                [.createApp(thief)], basedOn: base, actor: AuditActor(name: "t"), at: Self.start)
            let code = try await fixture.issueCode()
            #expect(
                try await fixture.tokens.consumeCode(hash: TokenValue.hash(code), app: thief.id, at: Self.start)
                    == .notFound)
            // Presented again by the thief (a "replay" of a code it never held): still nothing, nothing revoked.
            #expect(
                try await fixture.tokens.consumeCode(hash: TokenValue.hash(code), app: thief.id, at: Self.start)
                    == .notFound)
            let response = try await fixture.exchange(code)
            let refreshToken = try string(response["refresh_token"])
            #expect(
                try await fixture.tokens.consumeCode(hash: TokenValue.hash(code), app: thief.id, at: Self.start)
                    == .notFound)
            #expect(try await fixture.refresh(refreshToken, at: Self.start)["access_token"] != nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aReplaySeenBeforeTheFirstExchangeLinksItsGrantStopsThatExchange(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let code = try await fixture.issueCode()
            let hash = TokenValue.hash(code)
            guard
                case .consumed(let record) = try await fixture.tokens.consumeCode(
                    hash: hash, app: fixture.app.id, at: Self.start)
            else {
                Issue.record("the first consumption must win")
                return
            }
            guard
                case .replayed(let replayed) = try await fixture.tokens.consumeCode(
                    hash: hash, app: fixture.app.id, at: Self.start)
            else {
                Issue.record("the second consumption is a replay")
                return
            }
            #expect(replayed.grant == nil, "the first exchange has not linked its grant yet")
            let grant = Grant(
                app: fixture.app.id, user: record.user, scopes: record.scopes, flow: .authorizationCode,
                createdAt: Self.start)
            let refresh = RefreshTokenRecord(
                tokenHash: TokenValue.hash("r1"), grant: grant.id, createdAt: Self.start, expiresAt: nil,
                lastUsedAt: Self.start)
            let stored = try await fixture.tokens.completeCodeExchange(
                grant: grant, codeHash: hash, issued: IssuedTokenRecords(refreshToken: refresh))
            #expect(!stored, "the exchange that finishes after a replay issues nothing")
            #expect(try await fixture.tokens.grant(grant.id) == nil)
            #expect(try await fixture.tokens.refreshToken(hash: refresh.tokenHash) == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func revokingAGrantIsRecordedForEveryNodesJWTChecks(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let live = LiveRevocations()
            let tokens = SQLTokenStore(store: fixture.store, revocations: live)
            let grant = GrantID.random()
            let other = SQLTokenStore(store: fixture.store)  // another node: learns only from the database
            let response = try await fixture.exchange(try await fixture.issueCode())
            let claims = try JWT.verify(try string(response["access_token"])) {
                fixture.keys.verificationKey(kid: $0, at: Self.start)
            }
            let issued = try #require(claims.string("grant_id").map(GrantID.init))
            try await tokens.revokeGrant(issued, at: Self.start)
            try await other.revokeAccessToken(jti: "jti-1", expiresAt: Self.start.addingTimeInterval(300))
            #expect(live.current.isRevoked(grant: issued, jti: nil), "at once on the node that revoked")
            #expect(!live.current.isRevoked(grant: nil, jti: "jti-1"), "not yet: made elsewhere")

            let (found, version) = try await fixture.store.loadRevocations(after: -1, at: Self.start)
            let loaded = RevocationList(found)
            #expect(loaded.isRevoked(grant: issued, jti: nil))
            #expect(loaded.isRevoked(grant: nil, jti: "jti-1"))
            #expect(!loaded.isRevoked(grant: grant, jti: "jti-2"))
            #expect(version == 2)
            // Only what is new is loaded next time, and only what has not expired.
            #expect(try await fixture.store.loadRevocations(after: version, at: Self.start).revocations.isEmpty)
            let late = try await fixture.store.loadRevocations(after: -1, at: Self.start.addingTimeInterval(301))
            #expect(late.revocations.count == 1, "the JWT's revocation lapses with the JWT; the grant's stays")
            // Revoking again records nothing new.
            try await tokens.revokeGrant(issued, at: Self.start)
            #expect(try await fixture.store.loadRevocations(after: version, at: Self.start).version == version)
        }
    }

    @Test(arguments: TestBackend.available)
    func aRefreshAfterItsGrantWasRevokedStoresNothing(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let token = try string(try await fixture.exchange(try await fixture.issueCode())["refresh_token"])
            let hash = TokenValue.hash(token)
            let (_, grant) = try #require(try await fixture.tokens.refreshToken(hash: hash))
            // The refresh decided while the grant was live; the revocation commits before its write.
            try await fixture.tokens.revokeGrant(grant.id, at: Self.start)
            let late = OpaqueAccessToken(
                tokenHash: TokenValue.hash("late"), grant: grant.id, app: fixture.app.id, user: fixture.alice.id,
                scopes: grant.scopes, jti: "late", issuedAt: Self.start, expiresAt: Self.start.addingTimeInterval(300))
            let outcome = try await fixture.tokens.completeRefresh(
                hash: hash, retire: true, issued: IssuedTokenRecords(accessToken: late), at: Self.start)
            #expect(outcome == .grantRevoked)
            #expect(try await fixture.tokens.accessToken(hash: late.tokenHash) == nil)
        }
    }

    @Test(arguments: TestBackend.available)
    func aRefreshIssuesOnlyTheScopesTheAppStillAllows(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let response = try await fixture.exchange(try await fixture.issueCode(scopes: "openid offline_access api"))
            let token = try string(response["refresh_token"])
            var narrowed = fixture
            narrowed.app.scopes = ["openid", "offline_access"]  // an admin removed "api"
            let refreshed = try await narrowed.refresh(token, at: Self.start)
            #expect(refreshed["scope"] == .string("openid offline_access"))
            let next = try string(refreshed["refresh_token"])
            let asked = await refusal { _ = try await narrowed.refresh(next, scope: "api", at: Self.start) }
            #expect(asked?.code == .invalidScope)
            #expect(asked?.message == "scope 'api' is no longer allowed for this app")
        }
    }

    /// The scope policy is a step of every grant, not of refresh alone: a code issued before an admin removed a scope
    /// buys tokens without it, and the stored grant holds only what was issued.
    @Test(arguments: TestBackend.available)
    func aCodeExchangeIssuesOnlyTheScopesTheAppStillAllows(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let code = try await fixture.issueCode(scopes: "openid offline_access api")
            var narrowed = fixture
            narrowed.app.scopes = ["openid", "offline_access"]  // an admin removed "api" after the code was issued
            let response = try await narrowed.exchange(code)
            #expect(response["scope"] == .string("openid offline_access"))
            let refreshed = try await narrowed.refresh(try string(response["refresh_token"]), at: Self.start)
            #expect(refreshed["scope"] == .string("openid offline_access"))
            let widened = await refusal {
                _ = try await fixture.refresh(try string(refreshed["refresh_token"]), scope: "api", at: Self.start)
            }
            #expect(widened?.code == .invalidScope)
        }
    }

    /// A code whose every scope an admin removed buys nothing: `invalid_scope`, not a token that allows nothing.
    @Test(arguments: TestBackend.available)
    func aCodeWhoseEveryScopeWasRemovedIsRefused(backend: TestBackend) async throws {
        try await withFixture(backend) { fixture in
            let code = try await fixture.issueCode(scopes: "api")
            var narrowed = fixture
            narrowed.app.scopes = ["openid", "offline_access"]
            let refused = await refusal { _ = try await narrowed.exchange(code) }
            #expect(refused?.code == .invalidScope)
            #expect(refused?.reason == .scopeNotAllowed)
        }
    }

    /// Every grant type has exactly one handler, and the token endpoint is the only way to run one.
    @Test func theTokenEndpointServesEveryGrantType() {
        #expect(TokenEndpoint.standard.grantTypes == GrantType.allCases.sorted())
    }
}
