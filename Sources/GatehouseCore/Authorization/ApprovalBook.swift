import Foundation

/// Every user's approvals of self-authorize apps, held in memory so that the access decision reads them without a
/// database query.
public struct ApprovalBook: Sendable, Equatable {
    private struct Key: Hashable {
        var user: UserID
        var app: ConnectedAppID
    }

    private var approvals: [Key: Approval] = [:]

    public init(_ approvals: [Approval] = []) {
        for approval in approvals { self.approvals[Key(user: approval.user, app: approval.app)] = approval }
    }

    public var count: Int { approvals.count }

    public var all: [Approval] { Array(approvals.values) }

    public func approval(user: UserID, app: ConnectedAppID) -> Approval? {
        approvals[Key(user: user, app: app)]
    }

    /// Records `approval`, widening an existing one to the union of scopes; returns what is now on record.
    @discardableResult
    public mutating func record(_ approval: Approval) -> Approval {
        let key = Key(user: approval.user, app: approval.app)
        var merged = approval
        if let existing = approvals[key] { merged.scopes = Scopes(existing.scopes.values + approval.scopes.values) }
        approvals[key] = merged
        return merged
    }

    /// Forgets the approvals of `app`, by `user` only when given.
    public mutating func remove(app: ConnectedAppID, user: UserID? = nil) {
        approvals = approvals.filter { key, _ in key.app != app || (user != nil && key.user != user) }
    }
}
