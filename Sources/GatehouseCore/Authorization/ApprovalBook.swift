import Foundation

/// Every user's approvals of self-authorize apps, and when an admin last revoked a user's grants of an app, held in
/// memory so that request paths read them without a database query.
public struct ApprovalBook: Sendable, Equatable {
    private struct Key: Hashable {
        var user: UserID
        var app: ConnectedAppID
    }

    private var approvals: [Key: Approval] = [:]
    private var revocations: [Key: Date] = [:]

    public init(_ approvals: [Approval] = [], revocations: [(user: UserID, app: ConnectedAppID, at: Date)] = []) {
        for approval in approvals { self.approvals[Key(user: approval.user, app: approval.app)] = approval }
        for revocation in revocations {
            self.revocations[Key(user: revocation.user, app: revocation.app)] = revocation.at
        }
    }

    /// When an admin last revoked `user`'s grants of `app`: tokens of that user for that app issued before it are
    /// dead, JWT access tokens included.
    public func grantsRevoked(user: UserID, app: ConnectedAppID) -> Date? { revocations[Key(user: user, app: app)] }

    /// Every approval on record, in no particular order.
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

    /// Removes `user`'s approval of `app` and records that their grants of it ended at `time`, as
    /// revoking their grants in the database does.
    public mutating func revoke(user: UserID, app: ConnectedAppID, at time: Date) {
        let key = Key(user: user, app: app)
        approvals[key] = nil
        revocations[key] = time
    }
}
