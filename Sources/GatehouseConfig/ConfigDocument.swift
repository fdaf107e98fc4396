import GatehouseCore

/// A config-as-code file: the desired profiles, permission sets, users and connected apps.
///
/// A key that is absent leaves that field of an existing entity as it is (and takes the default for a new one);
/// a list that is present replaces the whole list. Nothing is ever deleted by `apply`.
public struct ConfigDocument: Sendable, Equatable {
    public var profiles: [ProfileSpec] = []
    public var permissionSets: [PermissionSetSpec] = []
    public var users: [UserSpec] = []
    public var connectedApps: [ConnectedAppSpec] = []

    public init() {}
}

/// A profile as written in config.
public struct ProfileSpec: Sendable, Equatable {
    public var path: String
    public var name: String
    /// False for a change that leaves the name out (a JSON merge patch): `name` is then empty, to be filled from
    /// the entity changed.
    public var nameGiven = true
    public var adminPermissions: [AdminPermission]?
    public var connectedApps: [String]?
    public var loginIpRanges: [IPRange]?
    /// `.some(nil)` removes the profile's login hours (`loginHours: null`).
    public var loginHours: LoginHours??
    /// In a JSON merge patch, the members of `loginHours` given (RFC 7396): merged into the profile's hours.
    public var loginHoursPatch: LoginHoursPatch?
    public var requireSecondFactor: Bool?
}

/// Members of a profile's login hours as a merge patch gives them: a time zone, and weekdays' windows (nil deletes
/// the day, which then allows no sign-in).
public struct LoginHoursPatch: Sendable, Equatable {
    public var timeZone: String?
    public var days: [LoginHours.Weekday: [LoginHours.Window]?] = [:]

    /// The profile's hours with these members merged in; nil when no time zone is known.
    public func merged(into hours: LoginHours?) -> LoginHours?? {
        guard let zone = timeZone ?? hours?.timeZoneName else { return nil }
        var merged = hours?.days ?? [:]
        for (day, windows) in days { merged[day] = windows }
        return .some(LoginHours(timeZone: zone, days: merged))
    }
}

/// A permission set as written in config.
public struct PermissionSetSpec: Sendable, Equatable {
    public var path: String
    public var name: String
    public var adminPermissions: [AdminPermission]?
    public var connectedApps: [String]?
}

/// A user as written in config.
public struct UserSpec: Sendable, Equatable {
    public var path: String
    public var username: String
    /// False for a change that leaves the username out (a JSON merge patch).
    public var nameGiven = true
    public var email: String?
    public var displayName: String?
    /// A password in clear, hashed on apply; never exported.
    public var password: String?
    /// A Gatehouse password hash, as `export` writes it.
    public var passwordHash: String?
    public var profile: String?
    public var permissionSets: [String]?
    public var active: Bool?
}

/// A connected app as written in config.
public struct ConnectedAppSpec: Sendable, Equatable {
    public var path: String
    public var name: String
    /// False for a change that leaves the name out (a JSON merge patch).
    public var nameGiven = true
    public var clientId: String?
    /// A secret in clear, accepted for migrations and tests; stored only as a hash.
    public var clientSecret: String?
    /// Secret hashes as `export` writes them; valid only under the same master key.
    public var clientSecretHashes: [String]?
    public var isPublic: Bool?
    public var callbackUrls: [String]?
    public var scopes: [String]?
    public var grantTypes: [GrantType]?
    public var permittedUsers: PermittedUsers?
    public var refreshTokenPolicy: RefreshTokenPolicy?
    public var refreshTokenRotation: Bool?
    public var runAsUser: String??
    public var accessTokenFormat: AccessTokenFormat?
    public var accessTokenLifetime: PolicyDuration?
    public var idTokenLifetime: PolicyDuration?
    /// `.some(nil)`: no session timeout (`null`).
    public var sessionTimeout: PolicyDuration??
    public var requirePkce: Bool?
    public var blocked: Bool?
    public var enforcement: AccessEnforcement?
    public var ipRelaxation: IPRelaxation?
    public var highAssurance: HighAssurance?
    public var customAttributes: [CustomAttribute]?
    public var trustedIpRanges: [IPRange]?
    public var assertionKeys: [String]?
    public var introspectAllTokens: Bool?

    /// A spec that sets nothing but the name: the fields set afterwards are the ones that change.
    public init(path: String, name: String) {
        self.path = path
        self.name = name
    }
}

extension ProfileSpec {
    /// The same fields for a permission set (the two are written alike).
    public var asPermissionSet: PermissionSetSpec {
        PermissionSetSpec(path: path, name: name, adminPermissions: adminPermissions, connectedApps: connectedApps)
    }
}
