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

    static func app(_ app: ConnectedApp, in directory: Directory) -> String { json(AppSummary(app, in: directory)) }
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
