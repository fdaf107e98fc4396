import Foundation

/// Identifies an ``AccessRequest``.
public struct AccessRequestID: EntityIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A user's request to use an admin-approved app they are not pre-authorized for, made on the page Gatehouse shows
/// when it refuses them at `/authorize`; an admin with `manage-users` approves it (by the profile or permission set
/// that grants the app) or declines it. At most one request per user and app is pending at a time.
public struct AccessRequest: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case pending
        case approved
        case declined
    }

    public var id: AccessRequestID
    public var user: UserID
    public var app: ConnectedAppID
    /// The user's words for the admin, if any (at most ``noteLimit`` characters).
    public var note: String?
    public var state: State
    public var requestedAt: Date
    public var decision: Decision?

    /// What an admin decided, and how access was granted.
    public struct Decision: Sendable, Equatable {
        /// Who decided: the admin's username (or `cli:<os user>`).
        public var decidedBy: String
        public var decidedAt: Date
        /// The admin's words for the user (a decline's reason).
        public var note: String?
        /// For an approval: the profile or permission set, by name at the time, that now grants the app.
        public var grantedThrough: Grant?

        public init(decidedBy: String, decidedAt: Date, note: String?, grantedThrough: Grant?) {
            self.decidedBy = decidedBy
            self.decidedAt = decidedAt
            self.note = AccessRequest.cleanNote(note)
            self.grantedThrough = grantedThrough
        }
    }

    /// The bundle an approval grants the app through.
    public enum Grant: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// The app enabled on the user's profile: every user of the profile gains it.
        case profile(String)
        /// The permission set assigned to the user (it grants the app already, or is made to).
        case permissionSet(String)

        public var name: String {
            switch self {
            case .profile(let name), .permissionSet(let name): name
            }
        }

        public var kind: EntityKind {
            switch self {
            case .profile: .profile
            case .permissionSet: .permissionSet
            }
        }

        public var description: String {
            switch self {
            case .profile(let name): "profile \(name)"
            case .permissionSet(let name): "permission set \(name)"
            }
        }

        public init?(kind: String, name: String) {
            switch EntityKind(rawValue: kind) {
            case .profile: self = .profile(name)
            case .permissionSet: self = .permissionSet(name)
            default: return nil
            }
        }
    }

    /// The longest note kept, from the user or the admin.
    public static let noteLimit = 500

    public init(
        id: AccessRequestID = .random(), user: UserID, app: ConnectedAppID, note: String?, requestedAt: Date,
        state: State = .pending, decision: Decision? = nil
    ) {
        self.id = id
        self.user = user
        self.app = app
        self.note = Self.cleanNote(note)
        self.state = state
        self.requestedAt = requestedAt
        self.decision = decision
    }

    /// A note as kept: trimmed, at most ``noteLimit`` characters, nil when empty. Line breaks stay (shown escaped
    /// on terminals, as text in pages), tabs become spaces, other control characters are dropped.
    public static func cleanNote(_ note: String?) -> String? {
        guard let note else { return nil }
        let kept = String(
            String.UnicodeScalarView(
                note.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\t", with: " ")
                    .unicodeScalars.filter {
                        $0 == "\n" || !UntrustedText.isInvisible($0)
                    }))
        let trimmed = kept.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : UntrustedText.bounded(trimmed, to: noteLimit)
    }
}

/// Where access requests are kept, as the sign-in pages and the account page use them.
public protocol AccessRequestStore: Sendable {
    /// Records `request` unless its user already has a pending one for the app: returns the pending request
    /// either way, and whether it is the one made now.
    func requestAccess(_ request: AccessRequest) async throws -> (request: AccessRequest, isNew: Bool)
    /// The user's newest request for the app, in any state.
    func latestAccessRequest(user: UserID, app: ConnectedAppID) async throws -> AccessRequest?
    /// The user's newest requests, any app.
    func accessRequests(of user: UserID, limit: Int) async throws -> [AccessRequest]
}
