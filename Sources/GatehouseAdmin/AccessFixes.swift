import Foundation
import GatehouseCore
import GatehouseStorage

/// One exact change that lets a refused user use an app, as the console offers it (one button each): unblock the
/// app, activate the user, or grant the app through the user's profile or a permission set.
public enum AccessFix: Sendable, Hashable {
    case unblockApp
    case activateUser
    case grant(AccessRequest.Grant)

    /// As a form posts it: `unblock-app`, `activate-user`, or a grant's kind (`profile`, `permission-set`) with its
    /// name.
    public init?(kind: String, name: String?) {
        switch kind {
        case "unblock-app": self = .unblockApp
        case "activate-user": self = .activateUser
        default:
            guard let name, let grant = AccessRequest.Grant(kind: kind, name: name) else { return nil }
            self = .grant(grant)
        }
    }

    public var kind: String {
        switch self {
        case .unblockApp: "unblock-app"
        case .activateUser: "activate-user"
        case .grant(let grant): grant.kind.rawValue
        }
    }

    public var name: String? {
        if case .grant(let grant) = self { return grant.name }
        return nil
    }
}

/// A fix with what it changes, what else it gives, and whether the acting admin may make it.
public struct AccessFixOption: Sendable, Equatable {
    public var fix: AccessFix
    /// What choosing it changes, in one sentence.
    public var change: String
    /// What else it gives the user (other apps, admin permissions), or who else gains the app.
    public var alsoGives: [String]
    /// Why the acting admin may not make it (the permission it needs, or one it would give that they lack); nil
    /// when they may.
    public var refusal: AdminFailure?
}

/// Why a user may or may not use an app now, every check, and the fixes an admin can make from here.
public struct AccessDiagnosis: Sendable {
    public var user: User
    public var app: ConnectedApp
    public var explanation: AccessExplanation
    /// Empty when access is allowed, or when only the user or a policy edit can change the answer (the
    /// explanation's remedies say what).
    public var fixes: [AccessFixOption]
    /// The read it was made from: a fix is prepared from it.
    let directory: Directory
}

/// A fix ready to commit, with the decision it leaves.
public struct PreparedFix: Sendable {
    public var option: AccessFixOption
    public var prepared: PreparedChange
    /// The access decision for the user and app once the change is made.
    public var after: AccessDecision
}

extension Admin {
    /// The access decision for a user and an app (by name or id) as it stands now, with the fixes that would grant
    /// access: those the refusal's reason calls for.
    public func diagnose(user username: String, app nameOrClientID: String) async throws -> AccessDiagnosis {
        let (user, app, directory) = try await subjects(user: username, app: nameOrClientID)
        let context = AccessContext(
            flow: .authorize, time: now(), approval: try await store.approval(user: user.id, app: app.id),
            purpose: .question)
        let explanation = AccessExplanation.explain(user: user, app: app, context: context, in: directory)
        var fixes: [(fix: AccessFix, change: String, alsoGives: [String])] = []
        switch (explanation.decision.refusal ?? explanation.decision.wouldRefuse)?.reason {
        case .appBlocked?:
            let grants = try await store.liveGrantCount(app: app.id, user: nil)
            fixes.append(
                (
                    .unblockApp, "unblock app \(app.name)",
                    ["every user permitted to use \(app.name) may use it again"]
                        + (grants > 0 ? ["its \(grants) live grant\(grants == 1 ? "" : "s") work again"] : [])
                ))
        case .userInactive?:
            fixes.append(
                (
                    .activateUser, "activate \(user.username)",
                    ["\(user.username) may sign in again, to every app they are permitted to use"]
                ))
        case .userNotAdminApproved?:
            fixes += try await grantOptions(user: user, app: app, in: directory).filter { !$0.exists }.map {
                (.grant($0.grant), $0.change, $0.alsoGives)
            }
        default: break
        }
        let options = try fixes.map { found in
            // Whether this admin may make it: the same check its commit makes (no I/O).
            let change = try self.change(found.fix, user: user, app: app, in: directory)
            var refusal: AdminFailure?
            do throws(AdminFailure) {
                try require(change.permissionNeeded)
                try authorize([change], from: directory, to: directory.applying([change]), toCommit: true)
            } catch {
                refusal = error
            }
            return AccessFixOption(fix: found.fix, change: found.change, alsoGives: found.alsoGives, refusal: refusal)
        }
        return AccessDiagnosis(user: user, app: app, explanation: explanation, fixes: options, directory: directory)
    }

    /// `fix` prepared from the decision as it is now: refused unless it is one of the diagnosis's fixes (a fix
    /// the decision no longer calls for, or one put together by hand, changes nothing).
    public func prepare(_ fix: AccessFix, user username: String, app nameOrClientID: String) async throws
        -> PreparedFix
    {
        let diagnosis = try await diagnose(user: username, app: nameOrClientID)
        guard let option = diagnosis.fixes.first(where: { $0.fix == fix }) else {
            throw AdminFailure(
                .conflict,
                diagnosis.explanation.decision.isAllowed && diagnosis.explanation.decision.wouldRefuse == nil
                    ? "\(diagnosis.user.username) may use \(diagnosis.app.name) now: nothing needs fixing"
                    : "that fix does not apply to why \(diagnosis.user.username) is refused \(diagnosis.app.name) now: choose one on the page"
            )
        }
        let (directory, user, app) = (diagnosis.directory, diagnosis.user, diagnosis.app)
        let change = try self.change(fix, user: user, app: app, in: directory)
        let prepared = try await self.prepare([change], basedOn: directory, needing: [change.permissionNeeded])
        let context = AccessContext(
            flow: .authorize, time: now(), approval: try await store.approval(user: user.id, app: app.id),
            purpose: .question)
        let decision = AccessPolicy.decide(
            user: prepared.after.users[user.id], app: prepared.after.apps[app.id] ?? app, context: context,
            in: prepared.after)
        return PreparedFix(option: option, prepared: prepared, after: decision)
    }

    /// The one change `fix` makes.
    private func change(_ fix: AccessFix, user: User, app: ConnectedApp, in directory: Directory)
        throws(AdminFailure) -> DirectoryChange
    {
        switch fix {
        case .unblockApp:
            var after = app
            after.isBlocked = false
            return .updateApp(before: app, after: after)
        case .activateUser:
            var after = user
            after.isActive = true
            return .updateUser(before: user, after: after)
        case .grant(.profile):
            let profile = try directory.requireProfile(id: user.profile)
            var after = profile
            after.connectedApps.insert(app.id)
            return .updateProfile(before: profile, after: after)
        case .grant(.permissionSet(let name)):
            var after = user
            after.permissionSets.insert(try directory.requirePermissionSet(name).id)
            return .updateUser(before: user, after: after)
        }
    }

    /// The user and the app of an explanation, by name or id (the admin API's `?user=` and `?app=` take either),
    /// in the directory around them.
    func subjects(user username: String, app nameOrClientID: String) async throws -> (
        User, ConnectedApp, Directory
    ) {
        try require(.viewSetup)
        let directory = try await directory(
            users: [username], apps: [nameOrClientID],
            ids: [.user(UserID(rawValue: username)), .app(ConnectedAppID(rawValue: nameOrClientID))])
        let user =
            try directory.user(named: username) ?? directory.users[UserID(rawValue: username)]
            ?? directory.requireUser(username)
        let app =
            try directory.app(named: nameOrClientID) ?? directory.app(clientID: nameOrClientID)
            ?? directory.apps[ConnectedAppID(rawValue: nameOrClientID)] ?? directory.requireApp(nameOrClientID)
        return (user, app, directory)
    }

    /// Each grant that would let `user` use `app`: the user's own profile enabled on the app (who else gains it),
    /// or a permission set that grants the app assigned (what else it gives).
    func grantOptions(user: User, app: ConnectedApp, in directory: Directory) async throws
        -> [AccessRequestReview.Option]
    {
        var options: [AccessRequestReview.Option] = []
        if let profile = directory.profiles[user.profile] {
            let holders = try await store.holderCounts(of: [.profile(profile.id)])[.profile(profile.id)] ?? 0
            let others = max(0, holders - 1)
            let grants = profile.connectedApps.contains(app.id)
            options.append(
                AccessRequestReview.Option(
                    grant: .profile(profile.name),
                    change: grants
                        ? "profile \(profile.name) already grants \(app.name)"
                        : "enable profile \(profile.name) on app \(app.name)",
                    alsoGives: grants || others == 0
                        ? []
                        : ["\(others) other \(others == 1 ? "user" : "users") of \(profile.name) gain \(app.name)"],
                    exists: grants))
        }
        for set in directory.sortedPermissionSets where set.connectedApps.contains(app.id) {
            let otherApps = set.connectedApps.subtracting([app.id]).compactMap { directory.apps[$0]?.name }.sorted()
            options.append(
                AccessRequestReview.Option(
                    grant: .permissionSet(set.name),
                    change: user.permissionSets.contains(set.id)
                        ? "\(user.username) already holds permission set \(set.name)"
                        : "assign permission set \(set.name) to \(user.username)",
                    alsoGives: otherApps.map { "app \($0)" }
                        + set.adminPermissions.sorted().map { "admin permission \($0.rawValue)" },
                    exists: user.permissionSets.contains(set.id)))
        }
        return options
    }
}
