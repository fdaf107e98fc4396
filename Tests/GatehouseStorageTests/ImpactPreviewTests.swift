import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The impact preview reads the users in reach of a change by index (ADR 8): from a directory holding no users it
/// finds the same losses as deciding for every user, and leaves out everyone a change cannot touch.
@Suite struct ImpactPreviewTests {
    static let actor = AuditActor(name: "t")

    struct Seeded {
        var app: ConnectedApp
        var set: PermissionSet
        var byProfile: User
        var bySet: User
        var approved: User
        var bystander: User
    }

    /// App A is granted by profile P (held by `byProfile`) and permission set S (held by `bySet`); `approved` has
    /// approved it; `bystander` has nothing to do with it.
    func seed(_ store: GatehouseStore, permittedUsers: PermittedUsers) async throws -> Seeded {
        let base = try await store.loadDirectory()
        let admin = try #require(base.profile(named: Profile.systemAdministratorName))
        let app = ConnectedApp(
            name: "A", clientID: "a", callbackURLs: ["https://a.example/cb"], permittedUsers: permittedUsers)
        let profile = Profile(name: "P", connectedApps: [app.id])
        let set = PermissionSet(name: "S", connectedApps: [app.id])
        let seeded = Seeded(
            app: app, set: set, byProfile: User(username: "by-profile", email: "p@example.com", profile: profile.id),
            bySet: User(username: "by-set", email: "s@example.com", profile: admin.id, permissionSets: [set.id]),
            approved: User(username: "approved", email: "a@example.com", profile: admin.id),
            bystander: User(username: "bystander", email: "b@example.com", profile: admin.id))
        try await store.commit(
            [
                .createApp(app), .createProfile(profile), .createPermissionSet(set), .createUser(seeded.byProfile),
                .createUser(seeded.bySet), .createUser(seeded.approved), .createUser(seeded.bystander),
            ], basedOn: base, actor: Self.actor, at: Date())
        try await SQLSessionStore(store: store).recordApproval(
            Approval(user: seeded.approved.id, app: app.id, scopes: Scopes(["openid"]), approvedAt: Date()))
        return seeded
    }

    /// Who loses app A, and why (System Administrator's holders lose the console too: not what these tests ask).
    func losses(_ impact: AccessImpact) -> [String: String] {
        Dictionary(uniqueKeysWithValues: impact.losses.filter { $0.app == "A" }.map { ($0.user, $0.reason) })
    }

    @Test(arguments: TestBackend.available)
    func blockingAnAdminApprovedAppFindsItsPreauthorizedUsersFromADirectoryWithoutUsers(backend: TestBackend)
        async throws
    {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await seed(store, permittedUsers: .adminApprovedPreauthorized)
            let partial = try await store.loadDirectory(usersNamed: [])
            #expect(partial.users.isEmpty)
            var blocked = seeded.app
            blocked.isBlocked = true
            let impact = try await store.impactPreview(
                of: [.updateApp(before: seeded.app, after: blocked)], basedOn: partial, at: Date())
            #expect(losses(impact) == ["by-profile": "app_blocked", "by-set": "app_blocked"])
        }
    }

    @Test(arguments: TestBackend.available)
    func switchingASelfAuthorizeAppToAdminApprovedFindsWhoApprovedIt(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await seed(store, permittedUsers: .allUsersSelfAuthorize)
            var switched = seeded.app
            switched.permittedUsers = .adminApprovedPreauthorized
            let impact = try await store.impactPreview(
                of: [.updateApp(before: seeded.app, after: switched)],
                basedOn: try await store.loadDirectory(usersNamed: []), at: Date())
            // The pre-authorized users had not used it (no approval): they keep what they had, access.
            #expect(losses(impact) == ["approved": "user_not_admin_approved"])
        }
    }

    @Test(arguments: TestBackend.available)
    func takingAnAppFromAPermissionSetFindsOnlyItsHolders(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await seed(store, permittedUsers: .adminApprovedPreauthorized)
            var emptied = seeded.set
            emptied.connectedApps = []
            let partial = try await store.loadDirectory(usersNamed: [])
            let impact = try await store.impactPreview(
                of: [.updatePermissionSet(before: try #require(partial.permissionSets[seeded.set.id]), after: emptied)],
                basedOn: partial, at: Date())
            #expect(losses(impact) == ["by-set": "user_not_admin_approved"])
            // The same from a whole directory: the index read finds what deciding for everyone finds.
            let whole = try await store.loadDirectory()
            let fromWhole = try await store.impactPreview(
                of: [.updatePermissionSet(before: try #require(whole.permissionSets[seeded.set.id]), after: emptied)],
                basedOn: whole, at: Date())
            #expect(fromWhole == impact)
        }
    }

    /// A use case's read around the entities it names: the user's profile, permission sets and the apps they grant,
    /// and nothing unrelated; previewing a change from it finds what a whole read finds.
    @Test(arguments: TestBackend.available)
    func aSelectionReadsWhatDecidingAboutItsEntitiesNeedsAndNoMore(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await seed(store, permittedUsers: .adminApprovedPreauthorized)
            let base = try await store.loadDirectory()
            let other = ConnectedApp(name: "Other", clientID: "other", callbackURLs: ["https://o.example/cb"])
            try await store.commit([.createApp(other)], basedOn: base, actor: Self.actor, at: Date())

            let around = try await store.loadDirectory(DirectorySelection(usernames: ["by-set"]))
            #expect(Set(around.users.values.map(\.username)) == ["by-set"])
            #expect(around.permissionSets[seeded.set.id] != nil)
            #expect(around.profile(named: Profile.systemAdministratorName) != nil)
            #expect(around.apps[seeded.app.id] != nil, "the app its permission set grants")
            #expect(around.app(clientID: "other") == nil, "an app nothing of the user's touches")
            #expect(around.integrityIssues().isEmpty)

            let byApp = try await store.loadDirectory(DirectorySelection(apps: ["a"]))
            #expect(byApp.profile(named: "P") != nil && byApp.permissionSet(named: "S") != nil, "what grants it")
            #expect(byApp.users.isEmpty)

            var inactive = try #require(around.user(named: "by-set"))
            inactive.isActive = false
            let change = DirectoryChange.updateUser(before: try #require(around.user(named: "by-set")), after: inactive)
            let impact = try await store.impactPreview(of: [change], basedOn: around, at: Date())
            #expect(losses(impact) == ["by-set": "user_inactive"])
            #expect(
                impact
                    == (try await store.impactPreview(
                        of: [change], basedOn: try await store.loadDirectory(), at: Date())))
        }
    }
}
