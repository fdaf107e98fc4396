import Foundation

/// One record of an admin change ("setup audit trail"). Append-only.
public struct AuditEvent: Sendable, Hashable, Codable {
    /// Assigned by storage, increasing.
    public var id: Int64?
    public var occurredAt: Date
    /// Who made the change: a username, or `cli:<os user>` for the command line.
    public var actor: String
    /// What was done, e.g. `connected-app.updated`.
    public var action: String
    /// What kind of thing changed: `user`, `profile`, `permission-set`, `connected-app`.
    public var targetType: String
    /// The name of what changed.
    public var target: String
    /// JSON of the target before the change (nil for a creation). Never holds a secret or a hash.
    public var before: String?
    /// JSON of the target after the change (nil for a deletion). Never holds a secret or a hash.
    public var after: String?
    public var sourceIP: String?

    public init(
        id: Int64? = nil, occurredAt: Date, actor: String, action: String, targetType: String, target: String,
        before: String?, after: String?, sourceIP: String?
    ) {
        self.id = id
        self.occurredAt = occurredAt
        self.actor = actor
        self.action = action
        self.targetType = targetType
        self.target = target
        self.before = before
        self.after = after
        self.sourceIP = sourceIP
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
}
