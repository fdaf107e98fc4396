import Foundation
import GatehouseCore
import GatehouseStorage

/// One app a user is granted or uses, with the decision for it now and why.
public struct UserAppAccess: Sendable, Equatable {
    public var app: ConnectedApp
    /// The decision's refusal now; nil when the user may use it.
    public var refusal: String?
    /// What lets them in (or would): the profile and permission sets that grant it, or their approval on record.
    public var through: [String]
}

/// A user as the console's user page shows them: the entity and its version, the sign-in lockout, and the apps
/// they can use and why.
public struct UserOverview: Sendable {
    public var user: User
    public var version: Int64
    public var view: UserView
    /// When the sign-in throttle lets the account try again, if it is locked out now.
    public var lockedUntil: Date?
    /// Failed sign-ins counted against the account within the throttle's window.
    public var failedSignIns: Int
    /// Apps their profile or a permission set grants, or that they approved, by name.
    public var apps: [UserAppAccess]
    /// Self-authorize apps they have not approved: each asks them once at sign-in.
    public var selfAuthorizeNotApproved: Int
    /// Their second factors (authenticator apps), oldest first.
    public var secondFactors: [SecondFactor]
}

extension Admin {
    /// The user with `id`, and every app they are granted or use with the decision for it now.
    public func userOverview(id: UserID) async throws -> UserOverview {
        try require(.viewSetup)
        let directory = try await directory(ids: [.user(id)])
        let user = try directory.requireUser(id: id)
        let approvals = Dictionary(
            try await store.approvals(user: id, app: nil).map { ($0.approval.app, $0.approval) },
            uniquingKeysWith: { first, _ in first })
        let throttle = LoginThrottle()
        let keys = throttle.keys(account: user.username, address: nil)
        let failures = try await SQLSessionStore(store: store).signInFailures(
            keys: keys.map(\.value), since: throttle.cutoff(at: now()))
        let lockedUntil = throttle.retryAfter(failures, keys: keys).flatMap { $0 > now() ? $0 : nil }
        let sets = directory.sortedPermissionSets.filter { user.permissionSets.contains($0.id) }
        let profile = directory.profiles[user.profile]
        var apps: [UserAppAccess] = []
        var notApproved = 0
        for app in directory.sortedApps {
            var through = sets.filter { $0.connectedApps.contains(app.id) }.map { "permission set \($0.name)" }
            if let profile, profile.connectedApps.contains(app.id) { through.insert("profile \(profile.name)", at: 0) }
            let approval = approvals[app.id]
            if app.permittedUsers == .allUsersSelfAuthorize {
                guard let approval else {
                    notApproved += 1
                    continue
                }
                through = ["approved \(approval.approvedAt.formatted(.iso8601)) for \(approval.scopes)"]
            } else if through.isEmpty {
                continue
            }
            let decision = AccessPolicy.decide(
                user: user, app: app,
                context: AccessContext(flow: .authorize, time: now(), approval: approval, purpose: .question),
                in: directory)
            apps.append(UserAppAccess(app: app, refusal: decision.refusal?.description, through: through))
        }
        return UserOverview(
            user: user, version: directory.version(of: .user(id)) ?? 0, view: UserView(user, in: directory),
            lockedUntil: lockedUntil, failedSignIns: failures[keys[0].value]?.count ?? 0, apps: apps,
            selfAuthorizeNotApproved: notApproved,
            secondFactors: try await SQLSecondFactorStore(store: store).secondFactors(of: id))
    }
}
