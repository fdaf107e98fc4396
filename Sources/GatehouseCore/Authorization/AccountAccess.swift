import Foundation

/// An app that has access to a user's account, as the user's account page shows it: their approval (for a
/// self-authorize app) and the grants they hold that have not been revoked.
public struct AccountAccess: Sendable, Equatable {
    public var app: ConnectedAppID
    public var approval: Approval?
    /// Grants not revoked: each is a sign-in the app keeps (its refresh tokens, its stored access tokens).
    public var liveGrants: Int
    /// The scopes approved and granted, together.
    public var scopes: Scopes
    /// The first approval or grant still in force.
    public var since: Date

    public init(app: ConnectedAppID, approval: Approval?, liveGrants: Int, scopes: Scopes, since: Date) {
        self.app = app
        self.approval = approval
        self.liveGrants = liveGrants
        self.scopes = scopes
        self.since = since
    }
}
