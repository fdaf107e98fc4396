import Foundation

/// One change that would grant access, in words and as the command that makes it.
public struct AccessRemedy: Sendable, Equatable, Codable {
    public var description: String
    /// The admin command that makes the change; nil when only the user can (approving on the consent page).
    public var command: String?
}

/// The decision for a user and an app, every check made, and the exact changes that would grant access.
public struct AccessExplanation: Sendable, Equatable {
    public var user: String
    public var app: String
    public var decision: AccessDecision
    /// Empty when access is allowed; otherwise alternatives, any one of which grants access.
    public var remedies: [AccessRemedy]

    /// Explains the decision `AccessPolicy.decide` makes for `user` and `app` now.
    public static func explain(user: User, app: ConnectedApp, context: AccessContext, in directory: Directory)
        -> AccessExplanation
    {
        let decision = AccessPolicy.decide(user: user, app: app, context: context, in: directory)
        return AccessExplanation(
            user: user.username, app: app.name, decision: decision,
            remedies: remedies(
                for: decision.refusal ?? decision.wouldRefuse, user: user, app: app, context: context, in: directory))
    }

    /// The sentence admins read: "enable profile Sales User on app Deduper, or assign permission set
    /// Deduper Users to alice".
    public var summary: String {
        guard decision.refusal != nil || decision.wouldRefuse != nil else { return "\(user) may use \(app)" }
        return remedies.map(\.description).joined(separator: ", or ")
    }

    static func remedies(
        for refusal: AccessRefusal?, user: User, app: ConnectedApp, context: AccessContext, in directory: Directory
    ) -> [AccessRemedy] {
        guard let refusal else { return [] }
        let appArgument = quoted(app.name)
        switch refusal.reason {
        case .appBlocked:
            return [
                AccessRemedy(
                    description: "unblock app \(app.name)",
                    command: "gatehouse apps unblock \(appArgument)")
            ]
        case .userInactive:
            return [
                AccessRemedy(
                    description: "activate \(user.username)",
                    command: "gatehouse users activate \(quoted(user.username))")
            ]
        case .userNotAdminApproved:
            var remedies: [AccessRemedy] = []
            if let profile = directory.profiles[user.profile] {
                remedies.append(
                    AccessRemedy(
                        description: "enable profile \(profile.name) on app \(app.name)",
                        command: "gatehouse profiles grant-app \(quoted(profile.name)) \(appArgument)"))
            }
            for set in directory.sortedPermissionSets where set.connectedApps.contains(app.id) {
                remedies.append(
                    AccessRemedy(
                        description: "assign permission set \(set.name) to \(user.username)",
                        command: "gatehouse users assign \(quoted(user.username)) \(quoted(set.name))"))
            }
            return remedies
        case .userNotApproved:
            return [
                AccessRemedy(
                    description:
                        "have \(user.username) connect \(app.name) once through its sign-in page and approve it",
                    command: nil),
                AccessRemedy(
                    description: "make \(app.name) admin-approved and pre-authorize \(user.username)",
                    command: "gatehouse apps set-policy \(appArgument) --permitted-users admin-approved-preauthorized"),
            ]
        case .refreshTokenExpired:
            return [
                AccessRemedy(
                    description: "have \(user.username) authorize \(app.name) again, or relax its refresh-token policy",
                    command: "gatehouse apps set-policy \(appArgument) --refresh-token-policy valid-until-revoked")
            ]
        case .ipRestricted:
            return addressRemedies(user: user, app: app, context: context, in: directory)
        case .outsideLoginHours:
            return hoursRemedies(user: user, app: app, context: context, in: directory)
        case .highAssuranceRequired:
            var lower: [AccessRemedy] = []
            if app.highAssurance.requiresSecondFactor {
                lower.append(
                    AccessRemedy(
                        description: "stop requiring a second factor for app \(app.name)",
                        command: "gatehouse apps set-policy \(appArgument) --high-assurance none"))
            }
            if let profile = directory.profiles[user.profile], profile.requireSecondFactor,
                context.flow != .clientCredentials, context.flow != .jwtBearer
            {
                lower.append(
                    AccessRemedy(
                        description: "stop requiring a second factor of profile \(profile.name)",
                        command: "gatehouse profiles set-policy \(quoted(profile.name)) --no-require-second-factor"))
            }
            switch context.flow {
            case .clientCredentials, .jwtBearer: return lower
            default:
                return [
                    AccessRemedy(
                        description:
                            "have \(user.username) sign in to \(app.name) again, with a code from their authenticator app",
                        command: nil)
                ] + lower
            }
        default:
            return []
        }
    }

    /// Quotes a CLI argument when it holds anything but letters, digits and `-_.@`.
    public static func quoted(_ argument: String) -> String {
        let plain = argument.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@".contains($0)) }
        return plain && !argument.isEmpty ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
