import Foundation

/// One record of an admin change ("setup audit trail"). Append-only.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Assigned by storage, increasing.
    public var id: Int64?
    public var occurredAt: Date
    /// Who made the change: a username, or `cli:<os user>` for the command line.
    public var actor: String
    /// What was done, e.g. `connected-app.updated`.
    public var action: AuditAction
    /// What kind of thing changed: `user`, `profile`, `permission-set`, `connected-app` (the action's).
    public var targetType: EntityKind
    /// The name of what changed.
    public var target: String
    /// JSON of the target before the change (nil for a creation). Never holds a secret or a hash.
    public var before: String?
    /// JSON of the target after the change (nil for a deletion). Never holds a secret or a hash.
    public var after: String?
    public var sourceIP: String?

    public init(
        id: Int64? = nil, occurredAt: Date, actor: String, action: AuditAction, target: String, before: String?,
        after: String?, sourceIP: String?
    ) {
        self.id = id
        self.occurredAt = occurredAt
        self.actor = actor
        self.action = action
        self.targetType = action.targetType
        self.target = target
        self.before = before
        self.after = after
        self.sourceIP = sourceIP
    }
}

/// Every admin change the audit trail records, `<target type>.<verb>`; the compiler checks each one written.
public enum AuditAction: String, Sendable, Hashable, Codable, CaseIterable {
    case userCreated = "user.created"
    case userUpdated = "user.updated"
    case userDeleted = "user.deleted"
    /// The account's failed sign-ins cleared (`gatehouse users unlock`).
    case userSignInUnlocked = "user.sign-in-unlocked"
    /// A user's access request approved; the change that grants the app is audited beside it.
    case userAccessRequestApproved = "user.access-request-approved"
    /// A user's access request declined.
    case userAccessRequestDeclined = "user.access-request-declined"
    /// A second factor enrolled (on the account page, or while signing in).
    case userSecondFactorAdded = "user.second-factor-added"
    /// A second factor removed by its user.
    case userSecondFactorRemoved = "user.second-factor-removed"
    /// A user's recovery codes replaced by new ones.
    case userRecoveryCodesReplaced = "user.recovery-codes-replaced"
    /// Every second factor and recovery code of the user removed by an admin, and their sessions ended.
    case userSecondFactorsReset = "user.second-factors-reset"
    /// A passkey answered with a signature counter that did not grow: the authenticator may have been cloned. The
    /// answer was refused.
    case userPasskeyCloneSuspected = "user.passkey-clone-suspected"
    case profileCreated = "profile.created"
    case profileUpdated = "profile.updated"
    case profileDeleted = "profile.deleted"
    case permissionSetCreated = "permission-set.created"
    case permissionSetUpdated = "permission-set.updated"
    case permissionSetDeleted = "permission-set.deleted"
    case connectedAppCreated = "connected-app.created"
    case connectedAppUpdated = "connected-app.updated"
    case connectedAppDeleted = "connected-app.deleted"
    /// Grants of the app revoked, by an admin or by a user on their account page.
    case connectedAppGrantsRevoked = "connected-app.grants-revoked"

    public var targetType: EntityKind {
        switch self {
        case .userCreated, .userUpdated, .userDeleted, .userSignInUnlocked, .userAccessRequestApproved,
            .userAccessRequestDeclined, .userSecondFactorAdded, .userSecondFactorRemoved, .userRecoveryCodesReplaced,
            .userSecondFactorsReset, .userPasskeyCloneSuspected:
            .user
        case .profileCreated, .profileUpdated, .profileDeleted: .profile
        case .permissionSetCreated, .permissionSetUpdated, .permissionSetDeleted: .permissionSet
        case .connectedAppCreated, .connectedAppUpdated, .connectedAppDeleted, .connectedAppGrantsRevoked: .connectedApp
        }
    }
}

/// Who is making a change and from where; stamped on every audit event.
public struct AuditActor: Sendable, Hashable {
    public var name: String
    public var sourceIP: String?

    public init(name: String, sourceIP: String? = nil) {
        self.name = name
        self.sourceIP = sourceIP
    }

    /// Gatehouse itself: the bootstrap of the first profile and administrator.
    public static let system = AuditActor(name: "system")

    /// An operator at the command line, named by their OS account.
    public static func cli(osUser: String) -> AuditActor { AuditActor(name: "cli:\(osUser)") }

    /// A signed-in user acting on their own account (removing an app's access on the account page).
    public static func user(_ username: String, sourceIP: String?) -> AuditActor {
        AuditActor(name: "user:\(username)", sourceIP: sourceIP)
    }
}
