import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The impact preview reads only the users in reach, with only the permission sets that can matter, and decides
/// once for each kind of user. On random directories and changes it must find exactly what deciding before and after
/// for every user and every app finds.
@Suite struct ImpactEquivalenceTests {
    static let actor = AuditActor(name: "t")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A random number generator with a seed, so that a failure can be played again.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Every loss deciding for everyone finds: before and after for each user and app of the whole directory.
    static func bruteForce(_ changes: [DirectoryChange], _ before: Directory, usage: AppUsage) -> Set<String> {
        let after = before.applying(changes)
        let context = AccessContext(flow: .introspection, time: start)
        var losses: Set<String> = []
        for user in before.users.values {
            for app in before.apps.values {
                let pair = AppUsage.Pair(user: user.id, app: app.id)
                let was = AccessPolicy.decide(user: user, app: app, context: context, in: before)
                let inUse = usage.liveGrants[pair, default: 0] > 0 || usage.approvals.contains(pair)
                let preauthorized = app.permittedUsers == .adminApprovedPreauthorized && was.wouldRefuse == nil
                guard was.isAllowed && (inUse || preauthorized) else { continue }
                let reason: String?
                if let appAfter = after.apps[app.id], let userAfter = after.users[user.id] {
                    reason =
                        AccessPolicy.decide(user: userAfter, app: appAfter, context: context, in: after).refusal?
                        .reason.rawValue
                } else {
                    reason = after.apps[app.id] == nil ? "app_deleted" : "user_deleted"
                }
                if let reason {
                    losses.insert("\(user.username) \(app.name) \(reason) \(usage.liveGrants[pair, default: 0])")
                }
            }
        }
        return losses
    }

    @Test(arguments: TestBackend.available)
    func thePreviewFindsWhatDecidingForEveryoneFinds(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            var random = Seeded(state: 20_261_207)
            let base = try await store.loadDirectory()
            let admin = try #require(base.profile(named: Profile.systemAdministratorName))
            var apps: [ConnectedApp] = (0..<4).map { index in
                ConnectedApp(
                    name: "App \(index)", clientID: "app-\(index)", callbackURLs: ["https://a\(index).example/cb"],
                    permittedUsers: index % 2 == 0 ? .adminApprovedPreauthorized : .allUsersSelfAuthorize)
            }
            apps[2].enforcement = .reportOnly
            let profiles = (0..<3).map { index in
                Profile(
                    name: "Profile \(index)",
                    connectedApps: Set(apps.filter { _ in Bool.random(using: &random) }.map(\.id)))
            }
            let sets = (0..<4).map { index in
                PermissionSet(
                    name: "Set \(index)",
                    connectedApps: Set(apps.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }.map(\.id)))
            }
            let users = (0..<40).map { index in
                User(
                    username: "user-\(index)", email: "u\(index)@example.com",
                    isActive: Int.random(in: 0..<6, using: &random) > 0,
                    profile: index == 0 ? admin.id : profiles[Int.random(in: 0..<3, using: &random)].id,
                    permissionSets: Set(sets.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }.map(\.id)))
            }
            try await store.commit(
                apps.map { .createApp($0) } + profiles.map { .createProfile($0) }
                    + sets.map { .createPermissionSet($0) } + users.map { .createUser($0) },
                basedOn: base, actor: Self.actor, at: Self.start)
            // Usage: approvals and live grants at random (a grant made the way a code exchange makes it).
            var usage = AppUsage()
            let sessions = SQLSessionStore(store: store)
            let tokens = SQLTokenStore(store: store)
            for user in users {
                for app in apps where Int.random(in: 0..<4, using: &random) == 0 {
                    try await sessions.recordApproval(
                        Approval(user: user.id, app: app.id, scopes: Scopes(["openid"]), approvedAt: Self.start))
                    usage.approvals.insert(AppUsage.Pair(user: user.id, app: app.id))
                }
                for app in apps where Int.random(in: 0..<5, using: &random) == 0 {
                    let hash = TokenValue.hash(TokenValue.generate(prefix: "ghc_"))
                    try await tokens.saveCode(
                        AuthorizationCodeRecord(
                            codeHash: hash, app: app.id, user: user.id, redirectURI: "https://a.example/cb",
                            scopes: Scopes(["openid"]), codeChallenge: nil, nonce: nil, authTime: Self.start,
                            createdAt: Self.start, expiresAt: Self.start.addingTimeInterval(60)))
                    _ = try await tokens.consumeCode(hash: hash, app: app.id, at: Self.start)
                    let grant = Grant(
                        app: app.id, user: user.id, scopes: Scopes(["openid"]), flow: .authorizationCode,
                        createdAt: Self.start)
                    #expect(
                        try await tokens.completeCodeExchange(
                            grant: grant, codeHash: hash, issued: IssuedTokenRecords()))
                    usage.liveGrants[AppUsage.Pair(user: user.id, app: app.id), default: 0] += 1
                }
            }
            let whole = try await store.loadDirectory()
            let withoutUsers = try await store.loadDirectory(usersNamed: [])
            for round in 0..<150 {
                let changes = Self.changes(whole, &random)
                let expected = Self.bruteForce(changes, whole, usage: usage)
                // A base as a use case reads it: some users named, with their entities (and every app, profile and
                // permission set, as the server's directory holds them).
                let named = try await store.loadDirectory(
                    usersNamed: (0..<5).map { _ in "user-\(Int.random(in: 0..<40, using: &random))" })
                for directory in [whole, withoutUsers, named] {
                    let impact = try await store.impactPreview(of: changes, basedOn: directory, at: Self.start)
                    let found = Set(impact.losses.map { "\($0.user) \($0.app) \($0.reason) \($0.liveGrants)" })
                    #expect(found == expected, "round \(round): \(changes)")
                    #expect(found.count == impact.losses.count, "each loss once")
                }
            }
        }
    }

    /// A bundle that moves an app from a profile to a permission set its holder already has: the set granted nothing
    /// before, so only its being changed makes it one that can matter. The holder keeps the app.
    @Test(arguments: TestBackend.available)
    func anAppMovedFromAProfileToAHeldPermissionSetTakesNothing(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let app = ConnectedApp(
                name: "A", clientID: "a", callbackURLs: ["https://a.example/cb"],
                permittedUsers: .adminApprovedPreauthorized)
            let profile = Profile(name: "P", connectedApps: [app.id])
            let set = PermissionSet(name: "S")
            let user = User(username: "holder", email: "h@example.com", profile: profile.id, permissionSets: [set.id])
            try await store.commit(
                [.createApp(app), .createProfile(profile), .createPermissionSet(set), .createUser(user)],
                basedOn: base, actor: Self.actor, at: Self.start)
            var emptied = profile
            emptied.connectedApps = []
            var granting = set
            granting.connectedApps = [app.id]
            let moved: [DirectoryChange] = [
                .updateProfile(before: profile, after: emptied), .updatePermissionSet(before: set, after: granting),
            ]
            let taken: [DirectoryChange] = [.updateProfile(before: profile, after: emptied)]
            for directory in [try await store.loadDirectory(), try await store.loadDirectory(usersNamed: [])] {
                #expect(try await store.impactPreview(of: moved, basedOn: directory, at: Self.start).isEmpty)
                let impact = try await store.impactPreview(of: taken, basedOn: directory, at: Self.start)
                #expect(impact.losses.map(\.user) == ["holder"])
            }
        }
    }

    /// One to three random changes to distinct entities: an app's policy, what a profile or permission set grants,
    /// a user's profile, permission sets or activity; an app, a permission set or a user deleted.
    static func changes(_ directory: Directory, _ random: inout Seeded) -> [DirectoryChange] {
        let apps = directory.apps.values.filter { $0.name.hasPrefix("App ") }.sorted { $0.name < $1.name }
        let profiles = directory.profiles.values.filter { $0.name.hasPrefix("Profile ") }.sorted { $0.name < $1.name }
        let sets = directory.permissionSets.values.sorted { $0.name < $1.name }
        let users = directory.users.values.filter { $0.username.hasPrefix("user-") }.sorted {
            $0.username < $1.username
        }
        var changes: [DirectoryChange] = []
        var touched: Set<String> = []
        /// A random one of `items`, unless an earlier change of the bundle took it.
        func untouched<Item>(_ items: [Item], _ id: (Item) -> String) -> Item? {
            let item = items[Int.random(in: items.indices, using: &random)]
            return touched.insert(id(item)).inserted ? item : nil
        }
        func someApps() -> Set<ConnectedAppID> { Set(apps.filter { _ in Bool.random(using: &random) }.map(\.id)) }
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            switch Int.random(in: 0..<7, using: &random) {
            case 0:
                guard let app = untouched(apps, { $0.id.rawValue }) else { continue }
                var changed = app
                switch Int.random(in: 0..<3, using: &random) {
                case 0: changed.isBlocked.toggle()
                case 1:
                    changed.permittedUsers =
                        app.permittedUsers == .allUsersSelfAuthorize
                        ? .adminApprovedPreauthorized : .allUsersSelfAuthorize
                default: changed.enforcement = app.enforcement == .enforce ? .reportOnly : .enforce
                }
                changes.append(.updateApp(before: app, after: changed))
            case 1:
                guard let profile = untouched(profiles, { $0.id.rawValue }) else { continue }
                var changed = profile
                changed.connectedApps = someApps()
                changes.append(.updateProfile(before: profile, after: changed))
            case 2:
                guard let set = untouched(sets, { $0.id.rawValue }) else { continue }
                var changed = set
                changed.connectedApps = someApps()
                changes.append(.updatePermissionSet(before: set, after: changed))
            case 3:
                guard let app = untouched(apps, { $0.id.rawValue }) else { continue }
                changes.append(.deleteApp(app))
            case 4:
                guard let set = untouched(sets, { $0.id.rawValue }) else { continue }
                changes.append(.deletePermissionSet(set))
            case 5:
                guard let user = untouched(users, { $0.id.rawValue }) else { continue }
                changes.append(.deleteUser(user))
            default:
                guard let user = untouched(users, { $0.id.rawValue }) else { continue }
                var changed = user
                changed.isActive = Int.random(in: 0..<3, using: &random) > 0
                changed.profile = profiles[Int.random(in: profiles.indices, using: &random)].id
                changed.permissionSets = Set(
                    sets.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }.map(\.id))
                changes.append(.updateUser(before: user, after: changed))
            }
        }
        return changes
    }
}
