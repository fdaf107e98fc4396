import Foundation
import GatehouseCore
import Testing

/// The parts of the decision beyond permitted users: the user's own approval, report-only enforcement and the
/// refresh-token policy, each with an injected time.
@Suite struct AccessDecisionExtrasTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func fixture(
        permitted: PermittedUsers, enforcement: AccessEnforcement = .enforce,
        policy: RefreshTokenPolicy =
            .validUntilRevoked
    ) -> (Directory, User, ConnectedApp) {
        let app = ConnectedApp(
            name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"], permittedUsers: permitted,
            refreshTokenPolicy: policy, enforcement: enforcement)
        let profile = Profile(name: "Sales User")
        let alice = User(username: "alice", email: "alice@example.com", profile: profile.id)
        return (Directory(users: [alice], profiles: [profile], apps: [app]), alice, app)
    }

    @Test func theJWTBearerGrantNeedsTheUsersApprovalOfASelfAuthorizeApp() {
        let (directory, alice, app) = fixture(permitted: .allUsersSelfAuthorize)
        let refused = AccessPolicy.decide(
            user: alice, app: app, context: AccessContext(flow: .jwtBearer, time: start), in: directory)
        #expect(refused.refusal == .userNotApproved)
        #expect(refused.refusal?.description == "user hasn't approved this app")
        #expect(refused.checks.last?.name == "user_approval")

        let approval = Approval(user: alice.id, app: app.id, scopes: Scopes(["api"]), approvedAt: start)
        let allowed = AccessPolicy.decide(
            user: alice, app: app, context: AccessContext(flow: .jwtBearer, time: start, approval: approval),
            in: directory)
        #expect(allowed.isAllowed)
        #expect(allowed.checks.last?.detail == "alice approved Deduper for api")

        let explanation = AccessExplanation.explain(
            user: alice, app: app, context: AccessContext(flow: .jwtBearer, time: start), in: directory)
        #expect(
            explanation.summary
                == "have alice connect Deduper once through its sign-in page and approve it, or make Deduper admin-approved and pre-authorize alice"
        )
        #expect(
            explanation.remedies.compactMap(\.command) == [
                "gatehouse apps set-policy Deduper --permitted-users admin-approved-preauthorized"
            ])
    }

    @Test(arguments: [AccessFlow.authorize, .clientCredentials, .codeExchange, .refresh, .introspection, .userinfo])
    func otherFlowsDoNotNeedAnApprovalOnRecord(flow: AccessFlow) {
        let (directory, alice, app) = fixture(permitted: .allUsersSelfAuthorize)
        #expect(
            AccessPolicy.decide(user: alice, app: app, context: AccessContext(flow: flow, time: start), in: directory)
                .isAllowed)
    }

    @Test func reportOnlyEnforcementAllowsButNamesTheRefusalItWouldHaveMade() {
        let (directory, alice, app) = fixture(permitted: .adminApprovedPreauthorized, enforcement: .reportOnly)
        let decision = AccessPolicy.decide(
            user: alice, app: app, context: AccessContext(flow: .refresh, time: start), in: directory)
        #expect(decision.isAllowed)
        #expect(decision.wouldRefuse == .userNotAdminApproved)
        #expect(decision.checks.last?.passed == false)
        #expect(decision.checks.last?.detail.contains("report-only") == true)
        let explanation = AccessExplanation.explain(
            user: alice, app: app, context: AccessContext(flow: .refresh, time: start), in: directory)
        #expect(explanation.summary == "enable profile Sales User on app Deduper")
    }

    @Test func reportOnlyNeverLetsABlockedAppOrAnInactiveUserIn() {
        var (directory, alice, app) = fixture(permitted: .adminApprovedPreauthorized, enforcement: .reportOnly)
        alice.isActive = false
        directory = directory.applying([.updateUser(before: directory.users[alice.id] ?? alice, after: alice)])
        let decision = AccessPolicy.decide(
            user: alice, app: app, context: AccessContext(flow: .refresh, time: start), in: directory)
        #expect(decision.refusal == .userInactive)
    }

    static let day = PolicyDuration(seconds: 86_400)
    static let twoHours = PolicyDuration(seconds: 7_200)
    static let policyCases: [(RefreshTokenPolicy, TimeInterval, Bool)] = [
        (.validUntilRevoked, 315_360_000, false),
        (.immediatelyExpire, 1, true),
        (.expireAfter(day), 86_399, false),
        (.expireAfter(day), 86_400, true),
        (.expireIfUnused(twoHours), 10_799, false),
        (.expireIfUnused(twoHours), 10_800, true),
    ]

    /// Each policy against a token whose grant was made at `start` and last used at `start + 1h`.
    @Test(arguments: policyCases)
    func theRefreshTokenPolicyIsTheLastCheckOfARefresh(policy: RefreshTokenPolicy, elapsed: TimeInterval, refused: Bool)
    {
        let (directory, alice, app) = fixture(permitted: .allUsersSelfAuthorize, policy: policy)
        let use = RefreshTokenUse(grantCreatedAt: start, lastUsedAt: start.addingTimeInterval(3_600))
        let decision = AccessPolicy.decide(
            user: alice, app: app,
            context: AccessContext(flow: .refresh, time: start.addingTimeInterval(elapsed), refreshToken: use),
            in: directory)
        #expect(decision.checks.last?.name == "refresh_token_policy")
        #expect(decision.refusal == (refused ? .refreshTokenExpired : nil))
        #expect(decision.refusal?.description == (refused ? "expired refresh token" : nil))
    }
}

/// Who would lose access through a change, before it is made.
@Suite struct AccessImpactTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let sales = Profile(name: "Sales User")
    let ops = Profile(name: "Ops")

    func fixture() -> (Directory, ConnectedApp, User, User, User) {
        var app = ConnectedApp(name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"])
        app.permittedUsers = .allUsersSelfAuthorize
        var salesWithApp = sales
        salesWithApp.connectedApps = [app.id]
        let alice = User(username: "alice", email: "alice@example.com", profile: ops.id)
        let bob = User(username: "bob", email: "bob@example.com", profile: ops.id)
        let carol = User(username: "carol", email: "carol@example.com", profile: sales.id)
        let directory = Directory(users: [alice, bob, carol], profiles: [salesWithApp, ops], apps: [app])
        return (directory, app, alice, bob, carol)
    }

    @Test func flippingToAdminApprovedListsTheUsersWhoUseTheAppAndAreNotPreauthorized() {
        let (directory, app, alice, _, carol) = fixture()
        var after = app
        after.permittedUsers = .adminApprovedPreauthorized
        let changes: [DirectoryChange] = [.updateApp(before: app, after: after)]
        // alice has two live grants; bob never used the app; carol uses it but her profile grants it.
        let usage = AppUsage(
            liveGrants: [.init(user: alice.id, app: app.id): 2, .init(user: carol.id, app: app.id): 1])
        let impact = AccessImpact.of(
            changes, before: directory, after: directory.applying(changes), users: Array(directory.users.values),
            usage: usage, at: now)
        #expect(
            impact.losses == [
                AccessLoss(user: "alice", app: "Deduper", reason: "user_not_admin_approved", liveGrants: 2)
            ])
        #expect(impact.liveGrants == 2)
        #expect(impact.summary().contains("Impact: 1 user would lose access; 2 live grants would end."))
    }

    @Test func revokingAnAppFromAProfileListsItsPreauthorizedUsersEvenWithoutGrants() {
        var (directory, app, _, _, carol) = fixture()
        var adminApproved = app
        adminApproved.permittedUsers = .adminApprovedPreauthorized
        directory = directory.applying([.updateApp(before: app, after: adminApproved)])
        let profile = directory.profiles[sales.id] ?? sales
        var revoked = profile
        revoked.connectedApps = []
        let changes: [DirectoryChange] = [.updateProfile(before: profile, after: revoked)]
        let impact = AccessImpact.of(
            changes, before: directory, after: directory.applying(changes), users: Array(directory.users.values),
            usage: AppUsage(), at: now)
        #expect(impact.losses.map(\.user) == [carol.username])
    }

    @Test func deactivatingAUserListsEveryAppTheyUse() {
        let (directory, app, alice, _, _) = fixture()
        var inactive = alice
        inactive.isActive = false
        let changes: [DirectoryChange] = [.updateUser(before: alice, after: inactive)]
        let usage = AppUsage(approvals: [.init(user: alice.id, app: app.id)])
        let impact = AccessImpact.of(
            changes, before: directory, after: directory.applying(changes), users: Array(directory.users.values),
            usage: usage, at: now)
        #expect(impact.losses == [AccessLoss(user: "alice", app: "Deduper", reason: "user_inactive", liveGrants: 0)])
    }

    @Test func grantingAccessLosesNobody() {
        let (directory, app, alice, _, _) = fixture()
        var ops = directory.profiles[self.ops.id] ?? self.ops
        let before = ops
        ops.connectedApps = [app.id]
        let changes: [DirectoryChange] = [.updateProfile(before: before, after: ops)]
        let usage = AppUsage(approvals: [.init(user: alice.id, app: app.id)])
        let impact = AccessImpact.of(
            changes, before: directory, after: directory.applying(changes), users: Array(directory.users.values),
            usage: usage, at: now)
        #expect(impact.isEmpty)
        #expect(impact.summary() == "Impact: no user loses access.")
    }
}

/// Public keys apps register for JWT bearer assertions.
@Suite struct AssertionKeyTests {
    @Test(arguments: [SigningAlgorithm.es256, .rs256])
    func pemAndJWKFormsOfTheSameKeyVerifyItsSignatures(algorithm: SigningAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let token = try JWT.sign(["iss": .string("deduper")], type: "JWT", with: key)
        let pem = try AssertionKey.parse(key.verificationKey.pemRepresentation).get()
        let jwk = try AssertionKey.parse(key.verificationKey.jwk.serialized).get()
        for registered in [pem, jwk] {
            let verified = try JWT.verify(token) { _ in [registered] }
            #expect(verified.string("iss") == "deduper")
        }
    }

    @Test(arguments: [
        ("not a key", "is neither a PEM public key nor a JWK"),
        (
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "must be a PEM \"PUBLIC KEY\" block (never a private key)"
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "is not a P-256 or RSA (2048 bits or more) public key"
        ),
        (#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#, "is not a valid P-256 JWK (crv P-256 with x and y)"),
        (#"{"kty":"oct","k":"AA"}"#, "has an unsupported kty (EC P-256 or RSA)"),
        (#"{"kty":"EC","crv":"P-256","d":"AA"}"#, "is a private JWK; register only the public key"),
        ("{not json", "is not valid JSON"),
    ])
    func unusableKeysSayWhy(text: String, message: String) {
        #expect(throws: AssertionKeyError.self) { try AssertionKey.parse(text).get() }
        if case .failure(let error) = AssertionKey.parse(text) { #expect(error.message == message) }
    }

    @Test func theJWTBearerGrantNeedsAKeyAndEveryKeyMustParse() {
        var app = ConnectedApp(name: "Sync", clientID: "sync", grantTypes: [.jwtBearer])
        var report = ValidationReport()
        app.validate(at: "connectedApps[0]", into: &report)
        #expect(report.issues.map(\.path).contains("connectedApps[0].assertionKeys"))
        app.assertionKeys = ["junk"]
        report = ValidationReport()
        app.validate(at: "connectedApps[0]", into: &report)
        #expect(report.issues.map(\.path).contains("connectedApps[0].assertionKeys[0]"))
    }
}
