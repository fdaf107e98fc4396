import Foundation

/// Audit trail views of entities: references by name instead of id, and no secrets or hashes.
enum AuditView {
    struct UserView: Encodable {
        var username: String
        var email: String
        var displayName: String
        var active: Bool
        var hasPassword: Bool
        var profile: String
        var permissionSets: [String]
    }

    struct BundleView: Encodable {
        var name: String
        var adminPermissions: [String]
        var connectedApps: [String]
    }

    struct AppView: Encodable {
        var name: String
        var clientId: String
        var secretIds: [String]
        var `public`: Bool
        var callbackUrls: [String]
        var scopes: [String]
        var grantTypes: [String]
        var permittedUsers: String
        var refreshTokenPolicy: String
        var refreshTokenRotation: Bool
        var runAsUser: String?
        var accessTokenFormat: String
        var accessTokenLifetime: String
        var idTokenLifetime: String
        var requirePkce: Bool
        var blocked: Bool
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func user(_ user: User, in directory: Directory) -> String {
        json(
            UserView(
                username: user.username, email: user.email, displayName: user.displayName, active: user.isActive,
                hasPassword: user.passwordHash != nil,
                profile: directory.profiles[user.profile]?.name ?? user.profile.rawValue,
                permissionSets: user.permissionSets.map { directory.permissionSets[$0]?.name ?? $0.rawValue }.sorted()))
    }

    static func bundle(
        name: String, permissions: Set<AdminPermission>, apps: Set<ConnectedAppID>, in directory: Directory
    )
        -> String
    {
        json(
            BundleView(
                name: name, adminPermissions: permissions.map(\.rawValue).sorted(),
                connectedApps: apps.map { directory.apps[$0]?.name ?? $0.rawValue }.sorted()))
    }

    static func app(_ app: ConnectedApp, in directory: Directory) -> String {
        json(
            AppView(
                name: app.name, clientId: app.clientID, secretIds: app.secrets.map(\.id.rawValue), public: app.isPublic,
                callbackUrls: app.callbackURLs, scopes: app.scopes, grantTypes: app.grantTypes.sorted().map(\.rawValue),
                permittedUsers: app.permittedUsers.rawValue, refreshTokenPolicy: app.refreshTokenPolicy.description,
                refreshTokenRotation: app.isRefreshTokenRotationEnabled,
                runAsUser: app.runAsUser.map { directory.users[$0]?.username ?? $0.rawValue },
                accessTokenFormat: app.accessTokenFormat.rawValue,
                accessTokenLifetime: app.accessTokenLifetime.description,
                idTokenLifetime: app.idTokenLifetime.description, requirePkce: app.requiresPKCE, blocked: app.isBlocked)
        )
    }
}

extension DirectoryChange {
    /// The audit event that records this change. `before` views resolve names in the directory as it was,
    /// `after` views in the directory as it is once the whole batch is applied.
    public func auditEvent(
        actor: AuditActor, at time: Date, before old: Directory, after new: Directory
    ) -> AuditEvent {
        func event(_ type: String, _ verb: String, _ target: String, _ before: String?, _ after: String?) -> AuditEvent
        {
            AuditEvent(
                occurredAt: time, actor: actor.name, action: "\(type).\(verb)", targetType: type, target: target,
                before: before, after: after, sourceIP: actor.sourceIP)
        }
        func bundle(
            _ name: String, _ permissions: Set<AdminPermission>, _ apps: Set<ConnectedAppID>, _ directory: Directory
        )
            -> String
        { AuditView.bundle(name: name, permissions: permissions, apps: apps, in: directory) }
        switch self {
        case .createProfile(let p):
            return event("profile", "created", p.name, nil, bundle(p.name, p.adminPermissions, p.connectedApps, new))
        case .updateProfile(let b, let a):
            return event(
                "profile", "updated", a.name, bundle(b.name, b.adminPermissions, b.connectedApps, old),
                bundle(a.name, a.adminPermissions, a.connectedApps, new))
        case .deleteProfile(let p):
            return event("profile", "deleted", p.name, bundle(p.name, p.adminPermissions, p.connectedApps, old), nil)
        case .createPermissionSet(let s):
            return event(
                "permission-set", "created", s.name, nil, bundle(s.name, s.adminPermissions, s.connectedApps, new))
        case .updatePermissionSet(let b, let a):
            return event(
                "permission-set", "updated", a.name, bundle(b.name, b.adminPermissions, b.connectedApps, old),
                bundle(a.name, a.adminPermissions, a.connectedApps, new))
        case .deletePermissionSet(let s):
            return event(
                "permission-set", "deleted", s.name, bundle(s.name, s.adminPermissions, s.connectedApps, old), nil)
        case .createUser(let u):
            return event("user", "created", u.username, nil, AuditView.user(u, in: new))
        case .updateUser(let b, let a):
            return event("user", "updated", a.username, AuditView.user(b, in: old), AuditView.user(a, in: new))
        case .deleteUser(let u):
            return event("user", "deleted", u.username, AuditView.user(u, in: old), nil)
        case .createApp(let app):
            return event("connected-app", "created", app.name, nil, AuditView.app(app, in: new))
        case .updateApp(let b, let a):
            return event("connected-app", "updated", a.name, AuditView.app(b, in: old), AuditView.app(a, in: new))
        case .deleteApp(let app):
            return event("connected-app", "deleted", app.name, AuditView.app(app, in: old), nil)
        }
    }
}
