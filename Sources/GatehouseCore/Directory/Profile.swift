/// A named bundle every user has exactly one of: admin permissions and the connected apps it grants
/// access to ("Connected App Access").
public struct Profile: Sendable, Hashable, Codable {
    /// The name of the built-in profile that holds every admin permission.
    public static let systemAdministratorName = "System Administrator"

    public var id: ProfileID
    public var name: String
    /// Built-in profiles cannot be renamed or lose admin permissions.
    public var isBuiltIn: Bool
    public var adminPermissions: Set<AdminPermission>
    /// The apps this profile grants access to when an app admits only admin-approved users.
    public var connectedApps: Set<ConnectedAppID>
    /// The addresses the profile's users may sign in from (IPv4 and IPv6 CIDR blocks); empty means anywhere. Each
    /// app's ``ConnectedApp/ipRelaxation`` and ``ConnectedApp/trustedIPRanges`` say how they apply.
    public var loginIPRanges: [IPRange]
    /// When the profile's users may sign in; nil means at any time.
    public var loginHours: LoginHours?
    /// Whether the profile's users must sign in with a second factor: one without sets one up while signing in.
    public var requireSecondFactor: Bool

    public init(
        id: ProfileID = .random(),
        name: String,
        isBuiltIn: Bool = false,
        adminPermissions: Set<AdminPermission> = [],
        connectedApps: Set<ConnectedAppID> = [],
        loginIPRanges: [IPRange] = [],
        loginHours: LoginHours? = nil,
        requireSecondFactor: Bool = false
    ) {
        self.id = id
        self.name = name
        self.isBuiltIn = isBuiltIn
        self.adminPermissions = adminPermissions
        self.connectedApps = connectedApps
        self.loginIPRanges = loginIPRanges
        self.loginHours = loginHours
        self.requireSecondFactor = requireSecondFactor
    }

    /// The built-in "System Administrator" profile, with every admin permission.
    public static func systemAdministrator(id: ProfileID = .random()) -> Profile {
        Profile(id: id, name: systemAdministratorName, isBuiltIn: true, adminPermissions: Set(AdminPermission.allCases))
    }
}

/// A named bundle assigned to any number of users on top of their profile: admin permissions and
/// assigned connected apps.
public struct PermissionSet: Sendable, Hashable, Codable {
    public var id: PermissionSetID
    public var name: String
    public var adminPermissions: Set<AdminPermission>
    public var connectedApps: Set<ConnectedAppID>

    public init(
        id: PermissionSetID = .random(),
        name: String,
        adminPermissions: Set<AdminPermission> = [],
        connectedApps: Set<ConnectedAppID> = []
    ) {
        self.id = id
        self.name = name
        self.adminPermissions = adminPermissions
        self.connectedApps = connectedApps
    }
}
