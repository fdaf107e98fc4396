import Foundation
import GatehouseCore
import Testing

/// The access decision: every check in order, and the refusal with its reason and exact description.
@Suite struct AccessPolicyTests {
    let app = ConnectedApp(name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"])
    let context = AccessContext(flow: .refresh, time: Date(timeIntervalSince1970: 1_800_000_000))

    func directory(
        profileGrants: Bool = false, permissionSetGrants: Bool = false, permitted: PermittedUsers, active: Bool = true,
        blocked: Bool = false
    ) -> (Directory, User, ConnectedApp) {
        var app = self.app
        app.permittedUsers = permitted
        app.isBlocked = blocked
        let profile = Profile(name: "Sales User", connectedApps: profileGrants ? [app.id] : [])
        let set = PermissionSet(name: "Deduper Users", connectedApps: permissionSetGrants ? [app.id] : [])
        let alice = User(
            username: "alice", email: "alice@example.com", isActive: active, profile: profile.id,
            permissionSets: [set.id])
        return (Directory(users: [alice], profiles: [profile], permissionSets: [set], apps: [app]), alice, app)
    }

    @Test func selfAuthorizeAppsAdmitEveryActiveUser() {
        let (directory, alice, app) = directory(permitted: .allUsersSelfAuthorize)
        let decision = AccessPolicy.decide(user: alice, app: app, context: context, in: directory)
        #expect(decision.isAllowed)
        #expect(decision.checks.map(\.name) == ["app_not_blocked", "user_active", "permitted_users", "user_approval"])
    }

    @Test func adminApprovedAppsRefuseUsersWithoutAGrantWithTheExactDescription() {
        let (directory, alice, app) = directory(permitted: .adminApprovedPreauthorized)
        let decision = AccessPolicy.decide(user: alice, app: app, context: context, in: directory)
        #expect(decision.refusal?.reason == .userNotAdminApproved)
        #expect(decision.refusal?.description == "user is not admin approved to access this app")
        #expect(decision.checks.last?.passed == false)
    }

    @Test(arguments: [(true, false), (false, true), (true, true)])
    func aProfileOrAPermissionSetGrantIsEnough(profile: Bool, permissionSet: Bool) {
        let (directory, alice, app) = directory(
            profileGrants: profile, permissionSetGrants: permissionSet, permitted: .adminApprovedPreauthorized)
        let decision = AccessPolicy.decide(user: alice, app: app, context: context, in: directory)
        #expect(decision.isAllowed)
        let detail = decision.checks.last?.detail ?? ""
        #expect(detail.contains("profile Sales User") == profile)
        #expect(detail.contains("permission set Deduper Users") == permissionSet)
    }

    @Test func blockedAppsAndInactiveUsersAreRefusedFirst() {
        let (blockedDirectory, alice, blockedApp) = directory(
            profileGrants: true, permitted: .adminApprovedPreauthorized, blocked: true)
        let blocked = AccessPolicy.decide(user: alice, app: blockedApp, context: context, in: blockedDirectory)
        #expect(blocked.refusal == .appBlocked)
        #expect(blocked.checks.count == 1)
        let (inactiveDirectory, inactive, app) = directory(
            profileGrants: true, permitted: .adminApprovedPreauthorized, active: false)
        let refused = AccessPolicy.decide(user: inactive, app: app, context: context, in: inactiveDirectory)
        #expect(refused.refusal == .userInactive)
        #expect(refused.checks.map(\.name) == ["app_not_blocked", "user_active"])
    }

    @Test func anAppActingForItselfNeedsOnlyToBeUnblocked() {
        let (directory, _, app) = directory(permitted: .adminApprovedPreauthorized)
        #expect(AccessPolicy.decide(user: nil, app: app, context: context, in: directory).isAllowed)
    }
}
