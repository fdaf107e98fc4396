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

    public init(name: String, passed: Bool, detail: String) {
        self.name = name
        self.passed = passed
        self.detail = detail
    }
}

/// The outcome of the access decision: allowed or refused with a reason, and every check made.
public struct AccessDecision: Sendable, Equatable {
    public var checks: [AccessCheck]
    /// The refusal, or nil when access is allowed.
    public var refusal: AccessRefusal?
    /// Under report-only enforcement: the refusal the decision would have made, though access is allowed.
    public var wouldRefuse: AccessRefusal?

    public init(checks: [AccessCheck], refusal: AccessRefusal?, wouldRefuse: AccessRefusal? = nil) {
        self.checks = checks
        self.refusal = refusal
        self.wouldRefuse = wouldRefuse
    }

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
    public static let userNotApproved = AccessRefusal(
        reason: "user_not_approved", description: "user hasn't approved this app")
    public static let consentDenied = AccessRefusal(
        reason: "consent_denied", description: "end-user denied authorization")
    public static let refreshTokenExpired = AccessRefusal(
        reason: "refresh_token_expired", description: "expired refresh token")
    public static let refreshTokenRevoked = AccessRefusal(
        reason: "refresh_token_revoked", description: "refresh token was revoked")
    public static let refreshTokenReused = AccessRefusal(
        reason: "refresh_token_reused", description: "refresh token was already used; its grant has been revoked")
}

/// The context of one decision.
public struct AccessContext: Sendable {
    public var flow: AccessFlow
    public var time: Date
    public var clientIP: String?
    /// The user's approval of the app on record, if any (from the in-memory ``ApprovalBook``).
    public var approval: Approval?
    /// On a refresh: the token being used, for the app's refresh-token policy.
    public var refreshToken: RefreshTokenUse?

    public init(
        flow: AccessFlow, time: Date, clientIP: String? = nil, approval: Approval? = nil,
        refreshToken: RefreshTokenUse? = nil
    ) {
        self.flow = flow
        self.time = time
        self.clientIP = clientIP
        self.approval = approval
        self.refreshToken = refreshToken
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
        var wouldRefuse: AccessRefusal?
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
            let (passed, detail) = approvalCheck(user: user, app: app, context: context)
            checks.append(AccessCheck(name: "user_approval", passed: passed, detail: detail))
            if !passed { return refuse(.userNotApproved) }
        case .adminApprovedPreauthorized:
            let grants = grantsOfApp(app, to: user, in: directory)
            let reportOnly = grants.isEmpty && app.enforcement == .reportOnly
            var detail =
                grants.isEmpty
                ? "app \(app.name) admits only admin-approved users, and neither \(user.username)'s profile nor any of their permission sets grants it"
                : "app \(app.name) admits only admin-approved users; \(user.username) is approved through \(grants.joined(separator: " and "))"
            if reportOnly { detail += " (enforcement is report-only: allowed, and logged as would have refused)" }
            checks.append(AccessCheck(name: "permitted_users", passed: !grants.isEmpty, detail: detail))
            if reportOnly { wouldRefuse = .userNotAdminApproved }
            if grants.isEmpty && !reportOnly { return refuse(.userNotAdminApproved) }
        }
        if let use = context.refreshToken {
            let expired = app.refreshTokenPolicy.refuses(use, at: context.time)
            checks.append(
                AccessCheck(
                    name: "refresh_token_policy", passed: !expired,
                    detail: "app \(app.name)'s refresh-token policy is \(app.refreshTokenPolicy)"
                        + (expired ? ", which refuses this refresh token now" : ", which allows this refresh token")))
            if expired { return refuse(.refreshTokenExpired) }
        }
        return AccessDecision(checks: checks, refusal: nil, wouldRefuse: wouldRefuse)
    }

    /// On a self-authorize app, the user's own approval. Only a grant that acts for the user without asking them
    /// (the JWT bearer grant) needs one on record; the consent page asks for it at authorize, a grant made there
    /// carries it, and a run-as user is the admin's choice.
    static func approvalCheck(user: User, app: ConnectedApp, context: AccessContext) -> (Bool, String) {
        let onRecord = context.approval.map { "\(user.username) approved \(app.name) for \($0.scopes)" }
        switch context.flow {
        case .jwtBearer:
            return (onRecord != nil, onRecord ?? "\(user.username) has never approved \(app.name)")
        case .authorize:
            return (true, onRecord ?? "\(user.username) has not approved \(app.name) yet: the consent page asks")
        case .clientCredentials:
            return (true, "\(user.username) is the run-as user an admin chose for \(app.name)")
        case .codeExchange, .refresh, .introspection, .userinfo:
            return (true, onRecord ?? "the grant was made with \(user.username)'s approval")
        }
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
