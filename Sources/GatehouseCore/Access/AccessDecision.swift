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
    /// A request to the admin API, with a token carrying `gatehouse.admin`.
    case adminAPI = "admin_api"
    /// A page of the admin console, signed in with the console's own tokens.
    case adminConsole = "admin_console"
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
    public var reason: RefusalReason
    public var description: String

    public static let appBlocked = AccessRefusal(reason: .appBlocked, description: "this app is blocked by admin")
    public static let userInactive = AccessRefusal(reason: .userInactive, description: "user is inactive")
    public static let userNotAdminApproved = AccessRefusal(
        reason: .userNotAdminApproved, description: "user is not admin approved to access this app")
    public static let userNotApproved = AccessRefusal(
        reason: .userNotApproved, description: "user hasn't approved this app")
    public static let consentDenied = AccessRefusal(
        reason: .consentDenied, description: "end-user denied authorization")
    public static let refreshTokenExpired = AccessRefusal(
        reason: .refreshTokenExpired, description: "expired refresh token")
    public static let refreshTokenRevoked = AccessRefusal(
        reason: .refreshTokenRevoked, description: "refresh token was revoked")
    public static let refreshTokenReused = AccessRefusal(
        reason: .refreshTokenReused, description: "refresh token was already used; its grant has been revoked")
    public static let ipRestricted = AccessRefusal(
        reason: .ipRestricted,
        description: "IP restricted: the client's address is outside the login IP ranges of the user's profile")
    public static let outsideLoginHours = AccessRefusal(
        reason: .outsideLoginHours, description: "outside the login hours of the user's profile")
    public static let highAssuranceRequired = AccessRefusal(
        reason: .highAssuranceRequired,
        description: "this app requires a high-assurance session: the user must sign in with a second factor")
    /// The same reason, where the user's profile is what requires the second factor.
    public static let secondFactorRequiredByProfile = AccessRefusal(
        reason: .highAssuranceRequired,
        description: "the user's profile requires a second factor: the user must sign in with one")
}

/// The context of one decision.
public struct AccessContext: Sendable {
    /// What the decision is for: a request, whose address and time are checked; or a question an admin asks (an
    /// explanation, a fix), which may give no address: the IP check then says what it would check, and passes.
    public enum Purpose: Sendable {
        case request
        case question
    }

    public var flow: AccessFlow
    public var time: Date
    /// The client's address as the request's peer or trusted proxies give it; nil when unknown (a request is
    /// then refused where its user's profile restricts addresses).
    public var clientIP: String?
    public var purpose: Purpose
    /// The user's approval of the app on record, if any (from the in-memory ``ApprovalBook``).
    public var approval: Approval?
    /// On a refresh: the token being used, for the app's refresh-token policy.
    public var refreshToken: RefreshTokenUse?
    /// How the user authenticated for this request: the browser session's methods at authorize, the code's at its
    /// exchange, the grant's on a refresh; nil where no user step took place or none is known (a question).
    public var authentication: AuthenticationMethods?

    public init(
        flow: AccessFlow, time: Date, clientIP: String? = nil, approval: Approval? = nil,
        refreshToken: RefreshTokenUse? = nil, authentication: AuthenticationMethods? = nil,
        purpose: Purpose = .request
    ) {
        self.authentication = authentication
        self.flow = flow
        self.time = time
        self.clientIP = clientIP
        self.purpose = purpose
        self.approval = approval
        self.refreshToken = refreshToken
    }
}

/// The one access decision, called on every path that mints or honours a token. Pure: it reads only the
/// directory snapshot it is given, and returns every check it made, in order, so the same result can be shown
/// as an explanation. Of the user it reads only their ``UserFacts`` (and quotes their name).
public enum AccessPolicy {
    /// All that ``decide(user:app:context:in:)`` reads of a user, besides the name it quotes in its checks: two
    /// users alike in these get the same refusal (and the same `wouldRefuse`) on every app in the same context and
    /// directory; only the sentences of their checks differ. The impact preview decides once for each such kind of
    /// user. A check that reads anything else of the user must add it here.
    public struct UserFacts: Hashable, Sendable {
        public var isActive: Bool
        public var profile: ProfileID
        public var permissionSets: Set<PermissionSetID>

        public init(_ user: User) {
            isActive = user.isActive
            profile = user.profile
            permissionSets = user.permissionSets
        }
    }

    public static func decide(user: User?, app: ConnectedApp, context: AccessContext, in directory: Directory)
        -> AccessDecision
    {
        // Hot path (every token request): the checks carry facts, and their sentences are written only when read.
        var checks: [AccessCheck] = []
        checks.reserveCapacity(7)
        var wouldRefuse: AccessRefusal?
        func refuse(_ refusal: AccessRefusal) -> AccessDecision { AccessDecision(checks: checks, refusal: refusal) }

        checks.append(
            AccessCheck("app_not_blocked", passed: !app.isBlocked, .appBlocked(app: app.name, blocked: app.isBlocked)))
        if app.isBlocked { return refuse(.appBlocked) }
        // A flow without a user step cannot give the second factor the app requires, with or without a user.
        if app.highAssurance.requiresSecondFactor, context.flow == .clientCredentials || context.flow == .jwtBearer {
            checks.append(
                AccessCheck("high_assurance", passed: false, .assuranceWithoutUserStep(app: app.name, context.flow)))
            return refuse(.highAssuranceRequired)
        }
        // An app acting for itself (client credentials without a run-as user) has no user to check.
        guard let user else { return AccessDecision(checks: checks, refusal: nil) }

        checks.append(
            AccessCheck("user_active", passed: user.isActive, .userActive(user: user.username, active: user.isActive)))
        if !user.isActive { return refuse(.userInactive) }

        switch app.permittedUsers {
        case .allUsersSelfAuthorize:
            checks.append(AccessCheck("permitted_users", passed: true, .selfAuthorize(app: app.name)))
            let approval = approvalCheck(user: user, app: app, context: context)
            checks.append(approval)
            if !approval.passed { return refuse(.userNotApproved) }
        case .adminApprovedPreauthorized:
            let (profile, permissionSets) = sources(of: app.id, for: user, in: directory)
            let granted = profile != nil || !permissionSets.isEmpty
            let reportOnly = !granted && app.enforcement == .reportOnly
            checks.append(
                AccessCheck(
                    "permitted_users", passed: granted,
                    .preauthorization(
                        app: app.name, user: user.username, profile: profile, permissionSets: permissionSets,
                        reportOnly: reportOnly)))
            if reportOnly { wouldRefuse = .userNotAdminApproved }
            if !granted && !reportOnly { return refuse(.userNotAdminApproved) }
        }
        let profile = directory.profiles[user.profile]
        if let profile {
            if let check = addressCheck(profile: profile, app: app, context: context) {
                checks.append(check)
                if !check.passed { return refuse(.ipRestricted) }
            }
            if let check = hoursCheck(profile: profile, app: app, context: context) {
                checks.append(check)
                if !check.passed { return refuse(.outsideLoginHours) }
            }
        }
        let requiringProfile = profile.flatMap { $0.requireSecondFactor ? $0.name : nil }
        if let check = assuranceCheck(app: app, requiringProfile: requiringProfile, context: context) {
            checks.append(check)
            if !check.passed {
                return refuse(
                    app.highAssurance.requiresSecondFactor ? .highAssuranceRequired : .secondFactorRequiredByProfile)
            }
        }
        if let use = context.refreshToken {
            let expired = app.refreshTokenPolicy.refuses(use, at: context.time)
            checks.append(
                AccessCheck(
                    "refresh_token_policy", passed: !expired,
                    .refreshTokenPolicy(app: app.name, policy: app.refreshTokenPolicy, refused: expired)))
            if expired { return refuse(.refreshTokenExpired) }
        }
        return AccessDecision(checks: checks, refusal: nil, wouldRefuse: wouldRefuse)
    }

    /// On a self-authorize app, the user's own approval. Only a grant that acts for the user without asking them
    /// (the JWT bearer grant) needs one on record; the consent page asks for it at authorize, a grant made there
    /// carries it, and a run-as user is the admin's choice.
    static func approvalCheck(user: User, app: ConnectedApp, context: AccessContext) -> AccessCheck {
        let onRecord = context.approval.map {
            AccessFact.approvalOnRecord(user: user.username, app: app.name, scopes: $0.scopes)
        }
        let (passed, fact): (Bool, AccessFact) =
            switch context.flow {
            case .jwtBearer: (onRecord != nil, onRecord ?? .neverApproved(user: user.username, app: app.name))
            case .authorize: (true, onRecord ?? .consentWillAsk(user: user.username, app: app.name))
            case .clientCredentials: (true, .runAsUser(user: user.username, app: app.name))
            case .codeExchange, .refresh, .introspection, .userinfo, .adminAPI, .adminConsole:
                (true, onRecord ?? .grantCarriesApproval(user: user.username))
            }
        return AccessCheck("user_approval", passed: passed, fact)
    }

    /// The names of the profile and permission sets that grant `app` to `user` (unsorted; nil and empty when none).
    static func sources(of app: ConnectedAppID, for user: User, in directory: Directory) -> (String?, [String]) {
        var profile: String?
        if let candidate = directory.profiles[user.profile], candidate.connectedApps.contains(app) {
            profile = candidate.name
        }
        var permissionSets: [String] = []
        for id in user.permissionSets {
            if let set = directory.permissionSets[id], set.connectedApps.contains(app) {
                permissionSets.append(set.name)
            }
        }
        return (profile, permissionSets)
    }
}
