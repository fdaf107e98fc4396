import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseStorage

/// What a listing of apps is narrowed to.
public struct AppQuery: Sendable, Equatable {
    public var name: String?
    public var clientID: String?

    public init(name: String? = nil, clientID: String? = nil) {
        self.name = name
        self.clientID = clientID
    }
}

/// A grant as admins list it, named for people.
public struct GrantView: Encodable, Sendable {
    public var id: String
    public var app: String
    public var appId: String
    public var user: String?
    public var userId: String?
    public var scopes: String
    public var flow: String
    public var createdAt: String
    public var lastUsedAt: String?
}

/// Connected apps by id, for the admin API, the console and SCIM.
extension Admin {
    /// One page of apps in name order after `boundary`; `name` or `clientID`: exactly that one.
    public func apps(_ query: AppQuery, after boundary: String?, limit: Int) async throws -> Page<Versioned<AppView>> {
        try require(.viewSetup)
        let refs: [EntityRef]
        if query.name != nil || query.clientID != nil {
            let named = try await directory(apps: [query.name, query.clientID].compactMap { $0 })
            let app =
                (query.name.flatMap { named.app(named: $0) } ?? query.clientID.flatMap { named.app(clientID: $0) })
                .flatMap { app -> ConnectedApp? in
                    let sameName = query.name.map { uniquenessKey($0) == uniquenessKey(app.name) } ?? true
                    let sameClientID = query.clientID.map { $0 == app.clientID } ?? true
                    return sameName && sameClientID ? app : nil
                }
            refs = boundary == nil ? [app].compactMap { $0.map { EntityRef.app($0.id) } } : []
        } else {
            refs = try await store.page(of: .connectedApp, after: boundary, limit: limit + 1)
        }
        let directory = try await directory(ids: Array(refs.prefix(limit)))
        let found = refs.prefix(limit).compactMap { ref -> ConnectedApp? in
            if case .app(let id) = ref { directory.apps[id] } else { nil }
        }
        return Page.of(found, more: refs.count > limit, key: \.name) { app in versioned(app, in: directory) }
    }

    /// The app with `id` itself and its version, from one read (a form is filled from what its version names).
    public func connectedApp(id: ConnectedAppID) async throws -> (app: ConnectedApp, version: Int64) {
        try require(.viewSetup)
        let directory = try await directory(ids: [.app(id)])
        return (try directory.requireApp(id: id), directory.version(of: .app(id)) ?? 0)
    }

    public func app(id: ConnectedAppID) async throws -> Versioned<AppView> {
        try require(.viewSetup)
        let directory = try await directory(ids: [.app(id)])
        return versioned(try directory.requireApp(id: id), in: directory)
    }

    /// A new app as `spec` names it; the client id defaults to one made from the name, and a confidential app gets
    /// a secret, returned once.
    public func createApp(_ spec: ConnectedAppSpec) async throws -> PreparedSecretChange {
        try requireToPrepare(.manageConnectedApps)
        var spec = spec
        let clientID = spec.clientId ?? NewApp.clientID(from: spec.name)
        spec.clientId = clientID
        let directory = try await directory(
            users: spec.runAsUser.flatMap { $0 }.map { [$0] } ?? [], apps: [spec.name, clientID])
        if directory.app(named: spec.name) != nil {
            throw AdminFailure(.conflict, "an app named \"\(spec.name)\" already exists")
        }
        if directory.app(clientID: clientID) != nil {
            throw AdminFailure(.conflict, "client id \"\(clientID)\" is taken")
        }
        var app = try planner.edit(
            ConnectedApp(name: spec.name, clientID: clientID), with: spec, isNew: true, in: directory)
        let secret = app.isPublic ? nil : ClientSecretGenerator.generate()
        if let secret { app.secrets = [ClientSecret(hash: secretHasher.hash(secret), createdAt: now())] }
        return PreparedSecretChange(
            change: try await prepare([.createApp(app)], basedOn: directory, needing: [.manageConnectedApps]),
            clientID: clientID, secret: secret)
    }

    /// The app with `id` changed as `spec` says (keys left out are left as they are).
    public func editApp(_ id: ConnectedAppID, _ spec: ConnectedAppSpec, from condition: VersionCondition)
        async throws -> PreparedChange
    {
        try await changeApp(
            id, from: condition, users: spec.runAsUser.flatMap { $0 }.map { [$0] } ?? [],
            apps: (spec.nameGiven ? [spec.name] : []) + (spec.clientId.map { [$0] } ?? [])
        ) { before, directory in
            var spec = spec
            if !spec.nameGiven { spec.name = before.name }
            if let other = directory.app(named: spec.name), other.id != id {
                throw AdminFailure(.conflict, "an app named \"\(other.name)\" already exists")
            }
            return try planner.edit(before, with: spec, isNew: false, in: directory)
        }
    }

    /// Deletes the app with `id`, its secrets, approvals and grants, and its place in profiles and permission sets.
    public func deleteApp(_ id: ConnectedAppID, from condition: VersionCondition) async throws -> PreparedChange {
        try requireToPrepare(.manageConnectedApps)
        let directory = try await directory(ids: [.app(id)])
        let app = try directory.requireApp(id: id)
        try check(condition, of: .app(id), in: directory)
        return try await prepare([.deleteApp(app)], basedOn: directory, needing: [.manageConnectedApps])
    }

    /// Adds a client secret to the app with `id`; the others keep working until retired.
    public func rotateSecret(_ id: ConnectedAppID, from condition: VersionCondition) async throws
        -> PreparedSecretChange
    {
        let secret = ClientSecretGenerator.generate()
        let hash = secretHasher.hash(secret)
        let time = now()
        var clientID = ""
        let change = try await changeApp(id, from: condition) { before, _ in
            guard !before.isPublic else {
                throw AdminFailure(.invalid, "\"\(before.name)\" is a public app and has no secret")
            }
            var app = before
            app.secrets.append(ClientSecret(hash: hash, createdAt: time))
            clientID = app.clientID
            return app
        }
        return PreparedSecretChange(change: change, clientID: clientID, secret: secret)
    }

    /// Retires one client secret of the app with `id` (it stops working at once); the last one cannot be retired.
    public func retireSecret(_ secretID: ClientSecretID, of id: ConnectedAppID, from condition: VersionCondition)
        async throws -> PreparedChange
    {
        try await changeApp(id, from: condition) { before, _ in
            guard before.secrets.contains(where: { $0.id == secretID }) else {
                throw AdminFailure(.notFound, "\"\(before.name)\" has no secret with id \"\(secretID.rawValue)\"")
            }
            guard before.secrets.count > 1 else {
                throw AdminFailure(
                    .conflict, "that is the only secret of \"\(before.name)\": rotate to add a new one first")
            }
            var app = before
            app.secrets.removeAll { $0.id == secretID }
            return app
        }
    }

    /// Grants not revoked, of an app or of a user or both, a page at a time in grant id order.
    public func grants(app: ConnectedAppID?, user: UserID?, after boundary: String?, limit: Int) async throws
        -> Page<GrantView>
    {
        try require(.viewSetup)
        let refs: [EntityRef] = (app.map { [.app($0)] } ?? []) + (user.map { [.user($0)] } ?? [])
        let directory = try await directory(ids: refs)
        if let app { _ = try directory.requireApp(id: app) }
        if let user { _ = try directory.requireUser(id: user) }
        let found = try await store.liveGrants(app: app, user: user, after: boundary, limit: limit + 1)
        let apps = try await self.directory(ids: Set(found.map(\.app)).sorted().map(EntityRef.app))
        return Page.of(found, limit: limit, key: \.id.rawValue) { grant in
            GrantView(
                id: grant.id.rawValue, app: apps.apps[grant.app]?.name ?? grant.app.rawValue, appId: grant.app.rawValue,
                user: grant.username, userId: grant.user?.rawValue, scopes: grant.scopes.description,
                flow: grant.flow, createdAt: grant.createdAt.formatted(.iso8601),
                lastUsedAt: grant.lastUsedAt?.formatted(.iso8601))
        }
    }

    /// Ends the grants of the app with `id` (every user's, or `user`'s); returns how many. A `dryRun` (which
    /// `view-setup` may make) ends none and returns how many it would.
    public func revokeGrants(ofApp id: ConnectedAppID, user: UserID?, dryRun: Bool = false) async throws -> Int {
        let accepted: [AdminPermission] = user == nil ? [.manageConnectedApps] : [.manageUsers, .manageConnectedApps]
        try require(anyOf: dryRun ? accepted + [.viewSetup] : accepted)
        let directory = try await directory(ids: [.app(id)] + (user.map { [.user($0)] } ?? []))
        let app = try directory.requireApp(id: id)
        let user = try user.map { try directory.requireUser(id: $0) }
        if let user, !dryRun { try requireOutranks(user, in: directory) }
        if dryRun { return try await store.liveGrantCount(app: app.id, user: user?.id) }
        return try await store.revokeGrants(of: app, user: user, actor: actor, at: now())
    }

    /// Ends every grant and approval of the user with `id`, of every app; returns how many grants. A `dryRun`
    /// (which `view-setup` may make) ends none and returns how many it would.
    public func revokeGrants(ofUser id: UserID, dryRun: Bool = false) async throws -> Int {
        try require(anyOf: dryRun ? [.manageUsers, .viewSetup] : [.manageUsers])
        // The selection around a user holds every app the user has approved or holds grants of.
        let directory = try await directory(ids: [.user(id)])
        let user = try directory.requireUser(id: id)
        if !dryRun { try requireOutranks(user, in: directory) }
        let inUse = Set(try await store.accountAccess(of: id).map(\.app))
        var revoked = 0
        for app in directory.sortedApps where inUse.contains(app.id) {
            revoked +=
                dryRun
                ? try await store.liveGrantCount(app: app.id, user: user.id)
                : try await store.revokeGrants(of: app, user: user, actor: actor, at: now())
        }
        return revoked
    }

    /// One change to the app with `id`, computed by `change` from the app as read now, from the version `condition`
    /// admits; no change when it leaves the app as it was.
    private func changeApp(
        _ id: ConnectedAppID, from condition: VersionCondition, users: [String] = [], apps: [String] = [],
        _ change: (ConnectedApp, Directory) throws -> ConnectedApp
    ) async throws -> PreparedChange {
        try requireToPrepare(.manageConnectedApps)
        let directory = try await directory(users: users, apps: apps, ids: [.app(id)])
        let before = try directory.requireApp(id: id)
        let after = try change(before, directory)
        try ValidationFailure.check { after.validate(at: "", into: &$0) }
        try check(condition, of: .app(id), in: directory)
        return try await prepare(
            before == after ? [] : [.updateApp(before: before, after: after)], basedOn: directory,
            needing: [.manageConnectedApps])
    }

    private func versioned(_ app: ConnectedApp, in directory: Directory) -> Versioned<AppView> {
        Versioned(
            id: app.id.rawValue, version: directory.version(of: .app(app.id)) ?? 0, view: AppView(app, in: directory))
    }
}
