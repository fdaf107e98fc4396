import Foundation

/// Every path that mints or honours a token, named as the access decision and login history see it.
public enum AccessFlow: String, Sendable, Codable, CaseIterable {
    case authorize
    case codeExchange = "code_exchange"
    case refresh
    case clientCredentials = "client_credentials"
    case jwtBearer = "jwt_bearer"
    case introspection
    case userinfo
}

/// One check the decision made, in order, with its outcome: the explanation shown to admins.
public struct AccessCheck: Sendable, Equatable, Codable {
    public var name: String
    public var passed: Bool
    public var detail: String
}

/// The outcome of the access decision: allowed or refused with a reason, and every check made.
public struct AccessDecision: Sendable, Equatable {
    public var checks: [AccessCheck]
    /// The refusal, or nil when access is allowed.
    public var refusal: AccessRefusal?

    public var isAllowed: Bool { refusal == nil }
}

/// A stable reason for a refusal, with its human description (docs/errors.md).
public struct AccessRefusal: Sendable, Equatable {
    public var reason: String
    public var description: String

    public static let appBlocked = AccessRefusal(reason: "app_blocked", description: "this app is blocked by admin")
    public static let userInactive = AccessRefusal(reason: "user_inactive", description: "user is inactive")
    public static let userNotAdminApproved = AccessRefusal(
        reason: "user_not_admin_approved", description: "user is not admin approved to access this app")
}

/// The context of one decision.
public struct AccessContext: Sendable {
    public var flow: AccessFlow
    public var time: Date
    public var clientIP: String?

    public init(flow: AccessFlow, time: Date, clientIP: String? = nil) {
        self.flow = flow
        self.time = time
        self.clientIP = clientIP
    }
}

/// The one access decision, called on every path that mints or honours a token. Pure: it reads only the
/// directory snapshot it is given, and returns every check it made, in order, so the same result can be shown
/// as an explanation.
public enum AccessPolicy {
    public static func decide(user: User?, app: ConnectedApp, context: AccessContext, in directory: Directory)
        -> AccessDecision
    {
        var checks: [AccessCheck] = []
        func refuse(_ refusal: AccessRefusal) -> AccessDecision { AccessDecision(checks: checks, refusal: refusal) }

        checks.append(
            AccessCheck(
                name: "app_not_blocked", passed: !app.isBlocked,
                detail: app.isBlocked ? "app \(app.name) is blocked" : "app \(app.name) is not blocked"))
        if app.isBlocked { return refuse(.appBlocked) }
        // An app acting for itself (client credentials without a run-as user) has no user to check.
        guard let user else { return AccessDecision(checks: checks, refusal: nil) }

        checks.append(
            AccessCheck(
                name: "user_active", passed: user.isActive,
                detail: user.isActive ? "user \(user.username) is active" : "user \(user.username) is inactive"))
        if !user.isActive { return refuse(.userInactive) }

        switch app.permittedUsers {
        case .allUsersSelfAuthorize:
            checks.append(
                AccessCheck(
                    name: "permitted_users", passed: true,
                    detail: "app \(app.name) lets all users self-authorize (each approves it once)"))
        case .adminApprovedPreauthorized:
            let grants = grantsOfApp(app, to: user, in: directory)
            checks.append(
                AccessCheck(
                    name: "permitted_users", passed: !grants.isEmpty,
                    detail: grants.isEmpty
                        ? "app \(app.name) admits only admin-approved users, and neither \(user.username)'s profile nor any of their permission sets grants it"
                        : "app \(app.name) admits only admin-approved users; \(user.username) is approved through \(grants.joined(separator: " and "))"
                ))
            if grants.isEmpty { return refuse(.userNotAdminApproved) }
        }
        return AccessDecision(checks: checks, refusal: nil)
    }

    /// The profile and permission sets through which `user` is pre-authorized for `app`, named for people.
    public static func grantsOfApp(_ app: ConnectedApp, to user: User, in directory: Directory) -> [String] {
        var grants: [String] = []
        if let profile = directory.profiles[user.profile], profile.connectedApps.contains(app.id) {
            grants.append("profile \(profile.name)")
        }
        for id in user.permissionSets.sorted() {
            if let set = directory.permissionSets[id], set.connectedApps.contains(app.id) {
                grants.append("permission set \(set.name)")
            }
        }
        return grants
    }
}
