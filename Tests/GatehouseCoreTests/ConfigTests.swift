import Foundation
import GatehouseConfig
import GatehouseCore
import Testing

@Suite struct ConfigTests {
    let planner: ConfigPlanner

    init() throws {
        planner = ConfigPlanner(
            secretHasher: SecretHasher(masterKey: try MasterKey(bytes: [UInt8](repeating: 3, count: 32))),
            passwordHasher: .forTesting, now: Date(timeIntervalSince1970: 1_800_000_000))
    }

    /// An empty instance: just the built-in profile.
    let empty = Directory(profiles: [.systemAdministrator()], version: 1)

    static let example = """
        profiles:
          - name: Sales User
            connectedApps: [Deduper]
        permissionSets:
          - name: Deduper Users
            connectedApps: [Deduper]
        users:
          - username: alice
            email: alice@example.com
            password: alice-password
            profile: Sales User
            permissionSets: [Deduper Users]
            active: true
        connectedApps:
          - name: Deduper
            clientId: deduper
            clientSecret: deduper-secret-0123456789
            callbackUrls: [http://127.0.0.1:9999/cb]
            scopes: [openid, profile, email, offline_access, api]
            grantTypes: [authorization_code, refresh_token, client_credentials]
            permittedUsers: all-users-self-authorize
            refreshTokenPolicy: expire-if-unused 7d
            runAsUser: alice
            accessTokenFormat: jwt
        """

    private func errors(_ yaml: String) -> [String] {
        do {
            _ = try planner.plan(try ConfigReader.read(yaml: yaml), against: empty)
            return []
        } catch let failure as ValidationFailure {
            return failure.issues.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    @Test func theExampleCreatesEveryEntityWithItsReferencesResolved() throws {
        let plan = try planner.plan(try ConfigReader.read(yaml: Self.example), against: empty)
        #expect(plan.changes.count == 4)
        let alice = try #require(plan.result.user(named: "alice"))
        let app = try #require(plan.result.app(clientID: "deduper"))
        #expect(plan.result.profiles[alice.profile]?.name == "Sales User")
        #expect(plan.result.profile(named: "Sales User")?.connectedApps == [app.id])
        #expect(app.runAsUser == alice.id)
        #expect(app.refreshTokenPolicy == .expireIfUnused(PolicyDuration(seconds: 604_800)))
        #expect(planner.secretHasher.verify("deduper-secret-0123456789", against: try #require(app.secrets.first).hash))
        #expect(PasswordHasher.forTesting.verify("alice-password", against: try #require(alice.passwordHash)))
        #expect(plan.generatedSecrets.isEmpty)
    }

    @Test func applyingTheSameFileTwicePlansNothing() throws {
        let document = try ConfigReader.read(yaml: Self.example)
        let first = try planner.plan(document, against: empty)
        let second = try planner.plan(document, against: first.result)
        #expect(second.changes.isEmpty)
    }

    @Test func exportThenApplyOnAnEmptyDirectoryRebuildsTheSameState() throws {
        let built = try planner.plan(try ConfigReader.read(yaml: Self.example), against: empty).result
        let exported = try ConfigExporter.export(built)
        let rebuilt = try planner.plan(try ConfigReader.read(yaml: exported), against: empty).result
        #expect(try ConfigExporter.export(rebuilt) == exported)
        #expect(!exported.contains("alice-password"))
        #expect(!exported.contains("deduper-secret-0123456789"))
    }

    @Test func newConfidentialAppsWithoutASecretGetOneGenerated() throws {
        let yaml = """
            connectedApps:
              - name: Sync
                clientId: sync
                grantTypes: [client_credentials]
            """
        let plan = try planner.plan(try ConfigReader.read(yaml: yaml), against: empty)
        let generated = try #require(plan.generatedSecrets.first)
        #expect(generated.clientID == "sync")
        let stored = try #require(plan.result.app(clientID: "sync")?.secrets.first)
        #expect(planner.secretHasher.verify(generated.secret, against: stored.hash))
    }

    @Test func malformedYAMLIsReportedNotCrashed() {
        #expect(errors("users: [unclosed").first?.hasPrefix("not valid YAML") == true)
    }

    @Test func unknownKeysAreErrorsNamingTheirPath() {
        let found = errors("users:\n  - username: alice\n    pasword: x\n")
        #expect(found.first?.hasPrefix("users[0].pasword: unknown key (expected one of: username, email") == true)
        #expect(errors("profile: []").first?.hasPrefix("profile: unknown key") == true)
    }

    @Test func danglingReferencesNameThePathAndTheMissingName() {
        let found = errors(
            """
            users:
              - {username: a, email: a@example.com, profile: Sales}
              - {username: b, email: b@example.com, profile: System Administrator, permissionSets: [Nope]}
            connectedApps:
              - {name: X, clientId: x, callbackUrls: ["https://x.example/cb"], runAsUser: ghost}
            """)
        #expect(found.contains(#"users[0].profile: no profile named "Sales""#))
        #expect(found.contains(#"users[1].permissionSets[0]: no permission set named "Nope""#))
        #expect(found.contains(#"connectedApps[0].runAsUser: no user named "ghost""#))
    }

    @Test func duplicateNamesAreRefusedRegardlessOfCase() {
        let found = errors("profiles:\n  - name: Sales\n  - name: SALES\n")
        #expect(
            found == [
                #"profiles[1].name: "SALES" is already defined at profiles[0] (profile names are unique regardless of case)"#
            ])
    }

    @Test func invalidURLsAndScopesAreReportedTogether() {
        let found = errors(
            """
            connectedApps:
              - name: Bad
                clientId: bad
                callbackUrls: [https://ok.example/cb, http://example.com/cb]
                scopes: [openid, "has space"]
            """)
        #expect(found.count == 2)
        #expect(
            found.contains(
                #"connectedApps[0].callbackUrls[1]: "http://example.com/cb" must use https (http is allowed only for loopback hosts)"#
            ))
        #expect(found.contains { $0.hasPrefix(#"connectedApps[0].scopes[1]: "has space" is not a valid scope"#) })
    }

    @Test func unreadableValuesAreReportedTogetherBeforeAnythingIsPlanned() {
        let found = errors(
            """
            connectedApps:
              - name: Bad
                clientId: bad
                refreshTokenPolicy: forever
                permittedUsers: everyone
            """)
        #expect(found.count == 2)
        #expect(found.contains { $0.hasPrefix(#"connectedApps[0].refreshTokenPolicy: "forever" is not valid"#) })
        #expect(found.contains { $0.hasPrefix(#"connectedApps[0].permittedUsers: "everyone" is not valid"#) })
    }

    @Test func wrongTypesAreReported() {
        #expect(errors("users: {username: a}").first == "users: must be a list")
        #expect(
            errors(
                "users:\n  - username: a\n    email: a@example.com\n    profile: System Administrator\n    active: maybe\n"
            ) == ["users[0].active: must be true or false"])
    }

    @Test func newUsersNeedAnEmailAndAProfile() {
        let found = errors("users:\n  - username: a\n")
        #expect(found.contains("users[0].email: is required"))
        #expect(found.contains("users[0].profile: is required: every user has exactly one profile"))
    }

    @Test func secretHashesFromAnotherInstanceAreRefused() {
        let foreign = "hmac-sha256:000000000000:" + String(repeating: "a", count: 64)
        let found = errors(
            "connectedApps:\n  - {name: A, clientId: a, callbackUrls: [\"https://a.example/cb\"], clientSecretHashes: [\"\(foreign)\"]}\n"
        )
        #expect(
            found.first?.hasPrefix(
                "connectedApps[0].clientSecretHashes[0]: was not made under this instance's master key") == true)
    }

    @Test func absentKeysLeaveExistingValuesAlone() throws {
        let first = try planner.plan(try ConfigReader.read(yaml: Self.example), against: empty).result
        let plan = try planner.plan(
            try ConfigReader.read(yaml: "connectedApps:\n  - name: Deduper\n    blocked: true\n"), against: first)
        #expect(plan.changes.count == 1)
        let app = try #require(plan.result.app(named: "Deduper"))
        #expect(app.isBlocked)
        #expect(app.refreshTokenPolicy == .expireIfUnused(PolicyDuration(seconds: 604_800)))
    }
}
