import Foundation

/// What an admin sees of a user: references by name, no password hash. The audit trail records these, and the
/// CLI and API print them.
public struct UserSummary: Codable, Sendable, Equatable {
    public var username: String
    public var email: String
    public var displayName: String
    public var active: Bool
    public var hasPassword: Bool
    public var profile: String
    public var permissionSets: [String]

    public init(_ user: User, in directory: Directory) {
        username = user.username
        email = user.email
        displayName = user.displayName
        active = user.isActive
        hasPassword = user.passwordHash != nil
        profile = directory.profiles[user.profile]?.name ?? user.profile.rawValue
        permissionSets = user.permissionSets.map { directory.permissionSets[$0]?.name ?? $0.rawValue }.sorted()
    }
}

/// What an admin sees of a profile or permission set.
public struct BundleSummary: Encodable, Sendable, Equatable {
    public var name: String
    public var adminPermissions: [String]
    public var connectedApps: [String]
    /// A profile's sign-in policies (left out for a permission set); login hours in their stored form.
    public var loginIpRanges: [String]?
    public var loginHours: String?
    public var requireSecondFactor: Bool?

    public init(name: String, permissions: Set<AdminPermission>, apps: Set<ConnectedAppID>, in directory: Directory) {
        self.name = name
        adminPermissions = permissions.sorted().map(\.rawValue)
        connectedApps = apps.map { directory.apps[$0]?.name ?? $0.rawValue }.sorted()
    }
}

/// What an admin sees of a connected app: every policy, secret ids but never secrets or their hashes.
public struct AppSummary: Codable, Sendable, Equatable {
    public var name: String
    public var clientId: String
    public var secretIds: [String]
    public var `public`: Bool
    public var callbackUrls: [String]
    public var scopes: [String]
    public var grantTypes: [String]
    public var permittedUsers: String
    public var refreshTokenPolicy: String
    public var refreshTokenRotation: Bool
    public var runAsUser: String?
    public var accessTokenFormat: String
    public var accessTokenLifetime: String
    public var idTokenLifetime: String
    /// A duration, or nil for none: how long a browser session may be reused for the app.
    public var sessionTimeout: String?
    /// none, raise-session-level or block; nil from a server from before high assurance.
    public var highAssurance: String?
    /// Nil from a server from before custom attributes.
    public var customAttributes: [CustomAttribute]?
    public var requirePkce: Bool
    public var blocked: Bool
    public var enforcement: String
    public var ipRelaxation: String
    public var trustedIpRanges: [String]
    /// How many assertion keys are registered (the keys are public, but long).
    public var assertionKeys: Int
    /// ISO 8601: tokens issued before it are dead (the last revoke-all).
    public var tokensNotBefore: String?
    public var introspectAllTokens: Bool
    /// Made by Gatehouse (the admin console): not deletable, its client id, callbacks, grants and scopes fixed.
    public var builtIn: Bool

    public init(_ app: ConnectedApp, in directory: Directory) {
        name = app.name
        clientId = app.clientID
        secretIds = app.secrets.map(\.id.rawValue)
        `public` = app.isPublic
        callbackUrls = app.callbackURLs
        scopes = app.scopes
        grantTypes = app.grantTypes.sorted().map(\.rawValue)
        permittedUsers = app.permittedUsers.rawValue
        refreshTokenPolicy = app.refreshTokenPolicy.description
        refreshTokenRotation = app.isRefreshTokenRotationEnabled
        runAsUser = app.runAsUser.map { directory.users[$0]?.username ?? $0.rawValue }
        accessTokenFormat = app.accessTokenFormat.rawValue
        accessTokenLifetime = app.accessTokenLifetime.description
        idTokenLifetime = app.idTokenLifetime.description
        sessionTimeout = app.sessionTimeout?.description
        highAssurance = app.highAssurance.rawValue
        customAttributes = app.customAttributes
        requirePkce = app.requiresPKCE
        blocked = app.isBlocked
        enforcement = app.enforcement.rawValue
        ipRelaxation = app.ipRelaxation.rawValue
        trustedIpRanges = app.trustedIPRanges.map(\.description)
        assertionKeys = app.assertionKeys.count
        tokensNotBefore = app.tokensNotBefore.map { $0.formatted(.iso8601) }
        introspectAllTokens = app.introspectsAllTokens
        builtIn = app.isBuiltIn
    }
}
