/// A person or an integration identity.
public struct User: Sendable, Hashable, Codable {
    public var id: UserID
    /// Unique, compared case-insensitively (see ``uniquenessKey(_:)``).
    public var username: String
    public var email: String
    public var displayName: String
    public var isActive: Bool
    /// The encoded password hash (``PasswordHash``), or nil for an identity that cannot log in with a password.
    public var passwordHash: String?
    /// Every user has exactly one profile.
    public var profile: ProfileID
    public var permissionSets: Set<PermissionSetID>

    public init(
        id: UserID = .random(),
        username: String,
        email: String,
        displayName: String = "",
        isActive: Bool = true,
        passwordHash: String? = nil,
        profile: ProfileID,
        permissionSets: Set<PermissionSetID> = []
    ) {
        self.id = id
        self.username = username
        self.email = email
        self.displayName = displayName
        self.isActive = isActive
        self.passwordHash = passwordHash
        self.profile = profile
        self.permissionSets = permissionSets
    }
}

extension User {
    /// Whether changing a user from `before` to this must end their browser sessions: a new password (whoever knew
    /// the old one may be signed in) or a deactivation.
    public func endsSessions(comparedTo before: User) -> Bool {
        passwordHash != before.passwordHash || (before.isActive && !isActive)
    }
}
