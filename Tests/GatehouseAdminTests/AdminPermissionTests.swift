import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Every admin operation needs its permission, checked in the admin library (so the CLI, the API, the console and
/// SCIM cannot differ): allowed with exactly that permission, refused naming it without.
@Suite struct AdminPermissionTests {
    /// One operation, what it needs, and how to run it (committing what it prepares).
    struct Operation: CustomTestStringConvertible, Sendable {
        let name: String
        /// Any one of these lets it run (most operations name one).
        let needs: [AdminPermission]
        /// Every one of these is needed together.
        var needsAll = false
        let run: @Sendable (Admin) async throws -> Void
        var testDescription: String { name }

        /// The permissions it is run with when allowed.
        var granted: Set<AdminPermission> { needsAll ? Set(needs) : [needs[0]] }
    }

    static func committing(_ prepare: @escaping @Sendable (Admin) async throws -> PreparedChange)
        -> @Sendable (Admin) async throws -> Void
    {
        { admin in _ = try await admin.commit(try await prepare(admin)) }
    }

    static let operations: [Operation] = [
        // Reads
        Operation(name: "list a page of users", needs: [.viewSetup]) { _ = try await $0.users(after: nil, limit: 10) },
        Operation(name: "list every user", needs: [.viewSetup]) { try await $0.allUsers { _ in } },
        Operation(name: "show a user", needs: [.viewSetup]) { _ = try await $0.user(named: "bob") },
        Operation(name: "list apps", needs: [.viewSetup]) { _ = try await $0.apps() },
        Operation(name: "show an app", needs: [.viewSetup]) { _ = try await $0.app("Deduper") },
        Operation(name: "list profiles", needs: [.viewSetup]) { _ = try await $0.bundles(.profile) },
        Operation(name: "show a permission set", needs: [.viewSetup]) {
            _ = try await $0.bundle(.permissionSet, named: "Deduper Users")
        },
        Operation(name: "explain", needs: [.viewSetup]) { _ = try await $0.explain(user: "bob", app: "Deduper") },
        Operation(name: "list approvals", needs: [.viewSetup]) { _ = try await $0.approvals(user: nil, app: nil) },
        Operation(name: "preview a change", needs: [.manageConnectedApps, .viewSetup]) {
            _ = try await $0.changeApp("Deduper") { app, _ in app.permittedUsers = .allUsersSelfAuthorize }
        },
        Operation(name: "export without hashes", needs: [.viewSetup]) { _ = try await $0.export() },
        // Users
        Operation(
            name: "create a user", needs: [.manageUsers],
            run: committing {
                try await $0.createUser(NewUser(username: "carol", email: "c@example.com", profile: "Sales"))
            }),
        Operation(
            name: "set a user's profile", needs: [.manageUsers],
            run: committing { try await $0.setProfile(of: "user-profile", to: "Sales") }),
        Operation(
            name: "assign a permission set", needs: [.manageUsers],
            run: committing { try await $0.assign("Deduper Users", to: "user-assign") }),
        Operation(
            name: "unassign a permission set", needs: [.manageUsers],
            run: committing { try await $0.unassign("Deduper Users", from: "user-unassign") }),
        Operation(
            name: "deactivate a user", needs: [.manageUsers],
            run: committing { try await $0.setActive("user-active", false) }
        ),
        Operation(
            name: "reset a password", needs: [.manageUsers],
            run: committing { try await $0.setPassword(of: "user-password", to: "a new password for bob") }),
        Operation(name: "unlock a user", needs: [.manageUsers]) { _ = try await $0.unlock("bob") },
        Operation(name: "revoke a user's grants of an app", needs: [.manageUsers, .manageConnectedApps]) {
            _ = try await $0.revokeGrants(of: "Deduper", user: "bob")
        },
        // Profiles and permission sets
        Operation(
            name: "create a profile", needs: [.manageProfilesAndPermissionSets],
            run: committing { try await $0.createBundle(.profile, named: "Support", permissions: []) }),
        Operation(
            name: "create a permission set", needs: [.manageProfilesAndPermissionSets],
            run: committing { try await $0.createBundle(.permissionSet, named: "CRM Users", permissions: []) }),
        Operation(
            name: "grant an app through a profile", needs: [.manageProfilesAndPermissionSets],
            run: committing { try await $0.setApp("Deduper", granted: true, on: .profile, named: "Sales") }),
        // Apps
        Operation(name: "create an app", needs: [.manageConnectedApps]) {
            _ = try await $0.commit(
                try await $0.createApp(NewApp(name: "CRM Sync", callbackURLs: ["https://crm.example/cb"])).change)
        },
        Operation(
            name: "change an app's policy", needs: [.manageConnectedApps],
            run: committing {
                try await $0.changeApp("App Policy") { app, _ in app.permittedUsers = .adminApprovedPreauthorized }
            }),
        Operation(
            name: "block an app", needs: [.manageConnectedApps],
            run: committing { try await $0.setBlocked("App Block", true) }),
        Operation(name: "rotate a secret", needs: [.manageConnectedApps]) {
            _ = try await $0.commit(try await $0.rotateSecret(of: "App Secret").change)
        },
        Operation(
            name: "retire old secrets", needs: [.manageConnectedApps],
            run: committing { try await $0.retireOldSecrets(of: "App Secret") }),
        Operation(
            name: "delete an app", needs: [.manageConnectedApps],
            run: committing { try await $0.deleteApp("App Delete") }),
        Operation(name: "revoke every grant of an app", needs: [.manageConnectedApps]) {
            _ = try await $0.revokeGrants(of: "Deduper", user: nil)
        },
        // Audit trail and login history
        Operation(name: "read the audit trail", needs: [.viewAuditTrail]) {
            _ = try await $0.auditEvents(AuditQuery())
        },
        Operation(name: "read login history", needs: [.viewAuditTrail]) {
            _ = try await $0.loginEvents(LoginEventQuery(), username: "bob", app: nil)
        },
        Operation(name: "find a login event", needs: [.viewAuditTrail]) {
            do {
                _ = try await $0.loginEvent(traceID: "0123456789abcdef", explain: false)
            } catch let failure as AdminFailure where failure.kind == .notFound {}
        },
        // The whole directory
        Operation(name: "list signing keys", needs: AdminPermissionTests.manageAll, needsAll: true) {
            _ = try await $0.signingKeys()
        },
        Operation(name: "rotate signing keys", needs: AdminPermissionTests.manageAll, needsAll: true) {
            _ = try await $0.rotateSigningKeys(nil, publicationDelay: 0)
        },
        Operation(name: "apply a config document", needs: AdminPermissionTests.manageAll, needsAll: true) {
            let document = try ConfigReader.read(
                yaml: "users:\n  - username: dora\n    email: d@example.com\n    profile: Sales\n")
            _ = try await $0.commit(try await $0.planApply(document).change)
        },
    ]

    static let manageAll: [AdminPermission] = [.manageUsers, .manageProfilesAndPermissionSets, .manageConnectedApps]

    /// A directory for the operations: the Sales profile, the Deduper app granted by the Deduper Users set, and one
    /// user per operation that changes a user or an app, made by a break-glass admin.
    static func seeded(_ store: GatehouseStore) async throws {
        let root = admin(store, .all)
        _ = try await root.commit(try await root.createBundle(.profile, named: "Sales", permissions: []))
        _ = try await root.commit(try await root.createBundle(.permissionSet, named: "Deduper Users", permissions: []))
        for name in ["Deduper", "App Policy", "App Block", "App Secret", "App Delete"] {
            _ = try await root.commit(
                try await root.createApp(NewApp(name: name, callbackURLs: ["https://a.example/cb"])).change)
        }
        _ = try await root.commit(
            try await root.setApp("Deduper", granted: true, on: .permissionSet, named: "Deduper Users"))
        for name in ["bob", "user-profile", "user-assign", "user-unassign", "user-active", "user-password"] {
            _ = try await root.commit(
                try await root.createUser(
                    NewUser(
                        username: name, email: "\(name)@example.com", profile: "Sales",
                        permissionSets: name == "user-unassign" ? ["Deduper Users"] : [])))
        }
    }

    static func admin(_ store: GatehouseStore, _ permissions: Set<AdminPermission>) -> Admin {
        Admin(
            store: store, actor: AuditActor(name: "limited-admin"), permissions: permissions, masterKey: testMasterKey,
            passwordHasher: PasswordHasher(logRounds: 4, blockSize: 8, parallelism: 1))
    }

    @Test(arguments: operations)
    func eachOperationIsAllowedWithItsPermissionAndRefusedNamingItWithout(_ operation: Operation) async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            // Without: every other permission, none of those that let it run (or one of those it needs together).
            for missing in operation.needsAll ? operation.needs : [operation.needs[0]] {
                let held =
                    operation.needsAll
                    ? Set<AdminPermission>.all.subtracting([missing])
                    : Set<AdminPermission>.all.subtracting(operation.needs)
                do {
                    try await operation.run(Self.admin(store, held))
                    Issue.record("\(operation.name) ran without \(missing.rawValue)")
                } catch let failure as AdminFailure {
                    #expect(failure.missingPermission == missing, "\(operation.name): \(failure)")
                    #expect(failure.description.contains("\"\(missing.rawValue)\""))
                }
            }
            // With: exactly what it needs.
            try await operation.run(Self.admin(store, operation.granted))
        }
    }

    @Test func eitherPermissionLetsAUsersGrantsBeRevoked() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            _ = try await Self.admin(store, [.manageConnectedApps]).revokeGrants(of: "Deduper", user: "bob")
            _ = try await Self.admin(store, [.manageUsers]).revokeGrants(of: "Deduper", user: "bob")
            await #expect(throws: AdminFailure.self) {
                _ = try await Self.admin(store, [.manageUsers]).revokeGrants(of: "Deduper", user: nil)
            }
        }
    }

    @Test func noAdminGivesAPermissionTheyDoNotHold() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            let root = Self.admin(store, .all)
            _ = try await root.commit(
                try await root.createBundle(.permissionSet, named: "App Admins", permissions: [.manageConnectedApps]))
            let userAdmin = Self.admin(store, [.manageUsers, .viewSetup])

            // Through a user: a permission set, a profile, a new user's profile.
            for attempt: @Sendable (Admin) async throws -> PreparedChange in [
                { try await $0.assign("App Admins", to: "bob") },
                { try await $0.setProfile(of: "bob", to: Profile.systemAdministratorName) },
                {
                    try await $0.createUser(
                        NewUser(username: "eve", email: "e@example.com", profile: Profile.systemAdministratorName))
                },
            ] {
                await #expect(throws: AdminFailure.self) { _ = try await attempt(userAdmin) }
                do { _ = try await attempt(userAdmin) } catch let failure as AdminFailure {
                    #expect(failure.missingPermission != nil)
                    #expect(failure.description.contains("cannot give the admin permission"))
                }
            }
            // Through a bundle: adding or creating with a permission not held.
            let bundleAdmin = Self.admin(store, [.manageProfilesAndPermissionSets])
            await #expect(throws: AdminFailure.self) {
                _ = try await bundleAdmin.createBundle(.profile, named: "Auditors", permissions: [.viewAuditTrail])
            }
            // What the admin holds can be given.
            let both = Self.admin(store, [.manageUsers, .manageConnectedApps])
            _ = try await both.commit(try await both.assign("App Admins", to: "bob"))
            #expect(try await root.user(named: "bob").adminPermissions == ["manage-connected-apps"])
            // Nor can an admin act on a user who holds a permission they lack (a new password would be a way in;
            // deactivating or demoting them a way to silence a stronger admin)...
            for attempt: @Sendable (Admin) async throws -> PreparedChange in [
                { try await $0.unassign("App Admins", from: "bob") },
                { try await $0.setPassword(of: "bob", to: "a-new-password-for-bob") },
                { try await $0.setActive("bob", false) },
            ] {
                do {
                    _ = try await attempt(userAdmin)
                    Issue.record("an admin without manage-connected-apps changed bob, who holds it")
                } catch let failure as AdminFailure {
                    #expect(failure.missingPermission == .manageConnectedApps)
                    #expect(failure.description.contains("cannot change or delete bob"))
                }
            }
            // ...but one who holds as much can; removing a permission is not giving one.
            _ = try await both.commit(try await both.unassign("App Admins", from: "bob"))
        }
    }

    @Test func anAdminWhoMayOnlyViewSetupPreviewsAChangeButCannotMakeIt() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            let viewer = Self.admin(store, [.viewSetup])
            let preview = try await viewer.setActive("bob", false)
            #expect(preview.summaries.count == 1)
            do {
                _ = try await viewer.commit(preview)
                Issue.record("a viewer deactivated a user")
            } catch let failure as AdminFailure {
                #expect(failure.missingPermission == .manageUsers)
            }
            #expect(try await viewer.user(named: "bob").summary.active)
        }
    }

    @Test func aChangePreparedByOneAdminIsCheckedAgainWhenAnotherCommitsIt() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            let prepared = try await Self.admin(store, .all).setBlocked("Deduper", true)
            await #expect(throws: AdminFailure.self) {
                _ = try await Self.admin(store, [.manageUsers]).commit(prepared)
            }
            #expect(try await Self.admin(store, .all).app("Deduper").summary.blocked == false)
            // A change assembled by hand gets no further than one made by a use case.
            let directory = try await store.loadDirectory(DirectorySelection(apps: ["Deduper"]))
            let app = try directory.requireApp("Deduper")
            var blocked = app
            blocked.isBlocked = true
            await #expect(throws: AdminFailure.self) {
                _ = try await Self.admin(store, [.manageUsers]).prepare(
                    [.updateApp(before: app, after: blocked)], basedOn: directory)
            }
        }
    }

    /// The weakest admin cannot lock the stronger ones out: who may use the console (blocked, permitted users,
    /// enforcement) is for an admin with every permission, and a change that takes the console from an admin who
    /// holds a permission the acting admin lacks is refused when prepared to be committed and when committed; taking
    /// it from an admin no stronger than oneself is an ordinary change, and a full admin may block it.
    @Test func aLimitedAdminCannotTakeTheConsoleFromAStrongerAdmin() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            let root = Self.admin(store, .all)
            let console = ConnectedApp.consoleName
            _ = try await root.commit(
                try await root.createUser(
                    NewUser(username: "super", email: "super@example.com", profile: Profile.systemAdministratorName)))
            _ = try await root.commit(
                try await root.createBundle(.permissionSet, named: "Console Viewers", permissions: [.viewSetup]))
            _ = try await root.commit(
                try await root.setApp(console, granted: true, on: .permissionSet, named: "Console Viewers"))
            _ = try await root.commit(
                try await root.createUser(
                    NewUser(
                        username: "viewer", email: "viewer@example.com", profile: "Sales",
                        permissionSets: ["Console Viewers"])))

            func expectRefused(
                _ what: String, saying words: String = "cannot take the admin console from super",
                _ body: () async throws -> Void
            ) async {
                do {
                    try await body()
                    Issue.record("\(what) was not refused")
                } catch let failure as AdminFailure {
                    #expect(failure.missingPermission != nil, "\(what): \(failure)")
                    #expect(failure.description.contains(words), "\(failure)")
                } catch {
                    Issue.record("\(what): \(error)")
                }
            }
            let appsAdmin = Self.admin(store, [.manageConnectedApps, .viewSetup])
            // A preview is a read: it shows super losing the console.
            let blocking = try await appsAdmin.setBlocked(console, true)
            #expect(blocking.impact.losses.contains { $0.user == "super" && $0.app == console })
            let whoMay = "cannot change who may use the admin console"
            await expectRefused("blocking the console", saying: whoMay) { _ = try await appsAdmin.commit(blocking) }
            var committing = appsAdmin
            committing.preparesToCommit = true
            await expectRefused("preparing to block the console", saying: whoMay) {
                _ = try await committing.setBlocked(console, true)
            }
            // Opening it to everyone widens what its tokens reach: refused by the rule for apps asking gatehouse.admin.
            await expectRefused("making the console self-authorize", saying: "could act with the admin permission") {
                _ = try await appsAdmin.commit(
                    try await appsAdmin.changeApp(console) { app, _ in app.permittedUsers = .allUsersSelfAuthorize })
            }
            let bundlesAdmin = Self.admin(store, [.manageProfilesAndPermissionSets, .viewSetup])
            await expectRefused("taking the console from System Administrator") {
                _ = try await bundlesAdmin.commit(
                    try await bundlesAdmin.setApp(
                        console, granted: false, on: .profile, named: Profile.systemAdministratorName))
            }
            #expect(try await root.app(console).summary.blocked == false)

            // viewer holds only view-setup, which the acting admin holds too: an ordinary change.
            _ = try await bundlesAdmin.commit(
                try await bundlesAdmin.setApp(console, granted: false, on: .permissionSet, named: "Console Viewers"))
            // An admin with every permission may block it (the CLI on the database unblocks it).
            _ = try await root.commit(try await root.setBlocked(console, true))
            #expect(try await root.app(console).summary.blocked)
        }
    }

    /// Restricting where and when a profile's holders sign in could lock them out of the console and the API: only
    /// an admin holding every admin permission the profile gives may (issue 13).
    @Test func aLimitedAdminCannotRestrictTheSignInOfAStrongerProfile() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            let bundlesAdmin = Self.admin(store, [.manageProfilesAndPermissionSets, .viewSetup])
            for restrict in [
                { (profile: inout Profile) in profile.loginHours = LoginHours(timeZone: "UTC", days: [:]) },
                { (profile: inout Profile) in profile.loginIPRanges = [IPRange("192.0.2.1")].compactMap { $0 } },
            ] {
                do {
                    _ = try await bundlesAdmin.commit(
                        try await bundlesAdmin.changeProfile(Profile.systemAdministratorName, restrict))
                    Issue.record("restricting System Administrator was not refused")
                } catch let failure as AdminFailure {
                    #expect(failure.missingPermission != nil, "\(failure)")
                    #expect(failure.description.contains("change where and when the holders of"), "\(failure)")
                }
            }
            // A profile no stronger than the acting admin is theirs to restrict; the root admin may restrict any.
            _ = try await bundlesAdmin.commit(
                try await bundlesAdmin.changeProfile("Sales") {
                    $0.loginIPRanges = [IPRange("10.0.0.0/8")].compactMap { $0 }
                })
            let root = Self.admin(store, .all)
            _ = try await root.commit(
                try await root.changeProfile(Profile.systemAdministratorName) {
                    $0.loginIPRanges = [IPRange("10.0.0.0/8")].compactMap { $0 }
                })
            #expect(
                try await root.bundle(.profile, named: Profile.systemAdministratorName).loginIpRanges == ["10.0.0.0/8"])
        }
    }

    @Test func anExportShowsHashesOnlyToAnAdminWithEveryManagePermission() async throws {
        try await withScratchStore(.sqlite) { store, _ in
            try await Self.seeded(store)
            _ = try await Self.admin(store, .all).commit(
                try await Self.admin(store, .all).setPassword(of: "bob", to: "a password for bob here"))
            let full = try await Self.admin(store, .all).export()
            #expect(full.contains("passwordHash"))
            #expect(full.contains("clientSecretHashes"))
            let viewer = try await Self.admin(store, [.viewSetup, .manageUsers, .manageConnectedApps]).export()
            #expect(!viewer.contains("passwordHash"))
            #expect(!viewer.contains("clientSecretHashes"))
            #expect(!viewer.contains("hmac-sha256:"), "no secret hash anywhere")
            #expect(viewer.contains("username: bob"))
        }
    }
}
