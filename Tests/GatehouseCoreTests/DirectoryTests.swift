import Foundation
import GatehouseCore
import Testing

@Suite struct DirectoryTests {
    let sales = Profile(name: "Sales User")
    let app = ConnectedApp(name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"])

    @Test func namesAreFoundRegardlessOfCaseButClientIDsExactly() {
        let alice = User(username: "Alice", email: "alice@example.com", profile: sales.id)
        let directory = Directory(users: [alice], profiles: [sales], apps: [app])
        #expect(directory.user(named: "ALICE")?.id == alice.id)
        #expect(directory.profile(named: " sales user ")?.id == sales.id)
        #expect(directory.app(clientID: "deduper")?.id == app.id)
        #expect(directory.app(clientID: "Deduper") == nil)
    }

    @Test func renamingMovesTheNameIndex() {
        var directory = Directory(profiles: [sales])
        var renamed = sales
        renamed.name = "Field Sales"
        directory.upsert(renamed)
        #expect(directory.profile(named: "Sales User") == nil)
        #expect(directory.profile(named: "field sales")?.id == sales.id)
    }

    @Test func deletingAnAppRemovesItFromEveryProfileAndPermissionSet() {
        var profile = sales
        profile.connectedApps = [app.id]
        let set = PermissionSet(name: "Deduper Users", connectedApps: [app.id])
        let directory = Directory(profiles: [profile], permissionSets: [set], apps: [app]).applying([.deleteApp(app)])
        #expect(directory.profiles[profile.id]?.connectedApps.isEmpty == true)
        #expect(directory.permissionSets[set.id]?.connectedApps.isEmpty == true)
    }

    @Test func danglingReferencesAreIntegrityIssues() {
        let orphan = User(username: "bob", email: "bob@example.com", profile: ProfileID(rawValue: "missing"))
        let issues = Directory(users: [orphan]).integrityIssues().map(\.description)
        #expect(issues == ["users[bob].profile: refers to a missing profile"])
    }

    @Test func changeSummariesNameTheFieldsThatChanged() {
        var after = app
        after.permittedUsers = .adminApprovedPreauthorized
        let before = Directory(apps: [app])
        let change = DirectoryChange.updateApp(before: app, after: after)
        #expect(
            change.summary(before: before, after: before.applying([change]))
                == #"~ connected-app "Deduper": permittedUsers: all-users-self-authorize → admin-approved-preauthorized"#
        )
    }

    @Test func auditEventsNeverCarrySecretsOrHashes() throws {
        var withSecret = app
        withSecret.secrets = [ClientSecret(hash: "hmac-sha256:abc:SECRET-HASH", createdAt: .now)]
        let user = User(
            username: "alice", email: "a@example.com", passwordHash: "$scrypt$PASSWORD-HASH", profile: sales.id)
        let directory = Directory(users: [user], profiles: [sales], apps: [withSecret])
        for change in [DirectoryChange.createApp(withSecret), .createUser(user)] {
            let event = change.auditEvent(actor: AuditActor(name: "t"), at: .now, before: Directory(), after: directory)
            let after = try #require(event.after)
            #expect(!after.contains("SECRET-HASH"))
            #expect(!after.contains("PASSWORD-HASH"))
        }
    }

    /// A delta may apply a new entity that took a name before the rename that freed it: the name then stays with
    /// the new entity (the renamed one must not drop an index entry that is no longer its own).
    @Test func aNameTakenBeforeItsRenameIsAppliedStaysWithItsNewOwner() {
        let profile = Profile(name: "P")
        let old = User(username: "alice", email: "a@example.com", profile: profile.id)
        var directory = Directory(users: [old], profiles: [profile], version: 1)
        var renamed = old
        renamed.username = "alice.old"
        let newcomer = User(username: "alice", email: "b@example.com", profile: profile.id)
        let delta = DirectoryDelta(
            base: 1, version: 3, refs: [.user(old.id), .user(newcomer.id)], users: [newcomer, renamed],
            versions: [.user(old.id): 2, .user(newcomer.id): 3])
        #expect(delta.apply(to: &directory))
        #expect(directory.user(named: "alice")?.id == newcomer.id)
        #expect(directory.user(named: "alice.old")?.id == old.id)
        directory.remove(old.id)
        #expect(directory.user(named: "alice")?.id == newcomer.id)
    }
}
