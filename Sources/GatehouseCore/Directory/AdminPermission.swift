/// What a user may do in setup. Granted through a profile or a permission set.
public enum AdminPermission: String, CaseIterable, Sendable, Codable, Comparable {
    case viewSetup = "view-setup"
    case manageUsers = "manage-users"
    case manageProfilesAndPermissionSets = "manage-profiles-and-permission-sets"
    case manageConnectedApps = "manage-connected-apps"
    case viewAuditTrail = "view-audit-trail"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
