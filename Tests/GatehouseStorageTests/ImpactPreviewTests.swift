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

    func losses(_ impact: AccessImpact) -> [String: String] {
        Dictionary(uniqueKeysWithValues: impact.losses.map { ($0.user, $0.reason) })
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
}
