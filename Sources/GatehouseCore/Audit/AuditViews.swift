import Foundation

/// Audit trail records of entities: the admin summaries as compact JSON with sorted keys.
enum AuditView {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func user(_ user: User, in directory: Directory) -> String { json(UserSummary(user, in: directory)) }

    static func bundle(
        name: String, permissions: Set<AdminPermission>, apps: Set<ConnectedAppID>, in directory: Directory
    ) -> String {
        json(BundleSummary(name: name, permissions: permissions, apps: apps, in: directory))
    }

    /// A profile: a bundle with its sign-in policies.
    static func profile(_ profile: Profile, in directory: Directory) -> String {
        var summary = BundleSummary(
            name: profile.name, permissions: profile.adminPermissions, apps: profile.connectedApps, in: directory)
        summary.loginIpRanges = profile.loginIPRanges.map(\.description)
        summary.loginHours = profile.loginHours?.stored
        summary.requireSecondFactor = profile.requireSecondFactor
        return json(summary)
    }

    static func app(_ app: ConnectedApp, in directory: Directory) -> String { json(AppSummary(app, in: directory)) }
}

extension DirectoryChange {
    /// The audit event that records this change. `before` views resolve names in the directory as it was,
    /// `after` views in the directory as it is once the whole batch is applied.
    public func auditEvent(
        actor: AuditActor, at time: Date, before old: Directory, after new: Directory
    ) -> AuditEvent {
        func event(_ action: AuditAction, _ target: String, _ before: String?, _ after: String?) -> AuditEvent {
            AuditEvent(
                occurredAt: time, actor: actor.name, action: action, target: target, before: before, after: after,
                sourceIP: actor.sourceIP)
        }
        func bundle(
            _ name: String, _ permissions: Set<AdminPermission>, _ apps: Set<ConnectedAppID>, _ directory: Directory
        )
            -> String
        { AuditView.bundle(name: name, permissions: permissions, apps: apps, in: directory) }
        switch self {
        case .createProfile(let p):
            return event(.profileCreated, p.name, nil, AuditView.profile(p, in: new))
        case .updateProfile(let b, let a):
            return event(.profileUpdated, a.name, AuditView.profile(b, in: old), AuditView.profile(a, in: new))
        case .deleteProfile(let p):
            return event(.profileDeleted, p.name, AuditView.profile(p, in: old), nil)
        case .createPermissionSet(let s):
            return event(.permissionSetCreated, s.name, nil, bundle(s.name, s.adminPermissions, s.connectedApps, new))
        case .updatePermissionSet(let b, let a):
            return event(
                .permissionSetUpdated, a.name, bundle(b.name, b.adminPermissions, b.connectedApps, old),
                bundle(a.name, a.adminPermissions, a.connectedApps, new))
        case .deletePermissionSet(let s):
            return event(.permissionSetDeleted, s.name, bundle(s.name, s.adminPermissions, s.connectedApps, old), nil)
        case .createUser(let u):
            return event(.userCreated, u.username, nil, AuditView.user(u, in: new))
        case .updateUser(let b, let a):
            return event(.userUpdated, a.username, AuditView.user(b, in: old), AuditView.user(a, in: new))
        case .deleteUser(let u):
            return event(.userDeleted, u.username, AuditView.user(u, in: old), nil)
        case .createApp(let app):
            return event(.connectedAppCreated, app.name, nil, AuditView.app(app, in: new))
        case .updateApp(let b, let a):
            return event(.connectedAppUpdated, a.name, AuditView.app(b, in: old), AuditView.app(a, in: new))
        case .deleteApp(let app):
            return event(.connectedAppDeleted, app.name, AuditView.app(app, in: old), nil)
        }
    }
}
