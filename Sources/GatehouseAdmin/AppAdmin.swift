import Foundation
import GatehouseCore
import GatehouseStorage

/// An app as admins see it (`apps list --json`, `apps show --json`, the admin API): the summary, and the profiles
/// and permission sets that grant it.
public struct AppView: Codable, Sendable {
    public var summary: AppSummary
    /// Profiles and permission sets that grant the app.
    public var grantedBy: [String]

    public init(_ app: ConnectedApp, in directory: Directory) {
        summary = AppSummary(app, in: directory)
        grantedBy =
            directory.sortedProfiles.filter { $0.connectedApps.contains(app.id) }.map { "profile \($0.name)" }
            + directory.sortedPermissionSets.filter { $0.connectedApps.contains(app.id) }.map {
                "permission set \($0.name)"
            }
    }

    private enum Extra: String, CodingKey { case grantedBy }

    /// An app as the admin API answered it (`gatehouse --server`).
    public init(from decoder: any Decoder) throws {
        summary = try AppSummary(from: decoder)
        grantedBy = try decoder.container(keyedBy: Extra.self).decode([String].self, forKey: .grantedBy)
    }

    public func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: Extra.self)
        try container.encode(grantedBy, forKey: .grantedBy)
    }
}

/// An app to register, as an admin names it.
public struct NewApp: Sendable {
    public var name: String
    /// nil: derived from the name (`Data Deduper` → `data-deduper`).
    public var clientID: String?
    public var isPublic: Bool
    public var callbackURLs: [String]
    /// Empty: the defaults (`openid`; authorization code and refresh token).
    public var scopes: [String]
    public var grantTypes: [GrantType]
    public var permittedUsers: PermittedUsers

    public init(
        name: String, clientID: String? = nil, isPublic: Bool = false, callbackURLs: [String] = [],
        scopes: [String] = [], grantTypes: [GrantType] = [], permittedUsers: PermittedUsers = .allUsersSelfAuthorize
    ) {
        self.name = name
        self.clientID = clientID
        self.isPublic = isPublic
        self.callbackURLs = callbackURLs
        self.scopes = scopes
        self.grantTypes = grantTypes
        self.permittedUsers = permittedUsers
    }

    /// `Data Deduper` → `data-deduper`.
    public static func clientID(from name: String) -> String {
        let lowered = name.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "-" }
        return String(lowered).split(separator: "-").joined(separator: "-")
    }
}

/// A prepared change that also made a client secret: shown once to whoever asked, stored only as a keyed hash.
public struct PreparedSecretChange: Sendable {
    public let change: PreparedChange
    public let clientID: String
    /// nil for a public app.
    public let secret: String?
}

extension Admin {
    public func apps() async throws -> [AppView] {
        try require(.viewSetup)
        let directory = try await sharedDirectory()
        return directory.sortedApps.map { AppView($0, in: directory) }
    }

    /// An app by name or client id.
    public func app(_ nameOrClientID: String) async throws -> AppView {
        try require(.viewSetup)
        let directory = try await directory(apps: [nameOrClientID])
        return AppView(try directory.requireApp(nameOrClientID), in: directory)
    }

    public func createApp(_ spec: NewApp) async throws -> PreparedSecretChange {
        try requireToPrepare(.manageConnectedApps)
        let clientID = spec.clientID ?? NewApp.clientID(from: spec.name)
        let directory = try await directory(apps: [spec.name, clientID])
        if directory.app(named: spec.name) != nil {
            throw AdminFailure(.conflict, "an app named \"\(spec.name)\" already exists")
        }
        if directory.app(clientID: clientID) != nil {
            throw AdminFailure(.conflict, "client id \"\(clientID)\" is taken")
        }
        var app = ConnectedApp(
            name: spec.name, clientID: clientID, isPublic: spec.isPublic, callbackURLs: spec.callbackURLs,
            permittedUsers: spec.permittedUsers)
        if !spec.scopes.isEmpty { app.scopes = spec.scopes }
        if !spec.grantTypes.isEmpty { app.grantTypes = Set(spec.grantTypes) }
        let secret = spec.isPublic ? nil : ClientSecretGenerator.generate()
        if let secret { app.secrets = [ClientSecret(hash: secretHasher.hash(secret), createdAt: now())] }
        try ValidationFailure.check { app.validate(at: "", into: &$0) }
        return PreparedSecretChange(
            change: try await prepare([.createApp(app)], basedOn: directory, needing: [.manageConnectedApps]),
            clientID: clientID, secret: secret)
    }

    /// One change to one app, computed by `change` from the app as read now (with `users` read too, for a run-as
    /// user); no change when it leaves the app as it was.
    public func changeApp(
        _ nameOrClientID: String, users: [String] = [], _ change: (inout ConnectedApp, Directory) throws -> Void
    ) async throws -> PreparedChange {
        try requireToPrepare(.manageConnectedApps)
        let directory = try await directory(users: users, apps: [nameOrClientID])
        let before = try directory.requireApp(nameOrClientID)
        var after = before
        try change(&after, directory)
        try ValidationFailure.check { after.validate(at: "", into: &$0) }
        return try await prepare(
            before == after ? [] : [.updateApp(before: before, after: after)], basedOn: directory,
            needing: [.manageConnectedApps])
    }

    /// Blocks (no tokens for anyone; every token it holds stops working) or unblocks an app. No change when it is
    /// already so.
    public func setBlocked(_ nameOrClientID: String, _ isBlocked: Bool) async throws -> PreparedChange {
        try await changeApp(nameOrClientID) { app, _ in app.isBlocked = isBlocked }
    }

    /// Adds a client secret; the old ones keep working until retired.
    public func rotateSecret(of nameOrClientID: String) async throws -> PreparedSecretChange {
        let secret = ClientSecretGenerator.generate()
        let hash = secretHasher.hash(secret)
        let time = now()
        var clientID = ""
        let change = try await changeApp(nameOrClientID) { app, _ in
            guard !app.isPublic else {
                throw AdminFailure(.invalid, "\"\(app.name)\" is a public app and has no secret")
            }
            app.secrets.append(ClientSecret(hash: hash, createdAt: time))
            clientID = app.clientID
        }
        return PreparedSecretChange(change: change, clientID: clientID, secret: secret)
    }

    /// Removes every client secret but the newest.
    public func retireOldSecrets(of nameOrClientID: String) async throws -> PreparedChange {
        try await changeApp(nameOrClientID) { app, _ in
            guard !app.isPublic else {
                throw AdminFailure(.invalid, "\"\(app.name)\" is a public app and has no secret")
            }
            app.secrets = Array(app.secrets.suffix(1))
        }
    }

    /// Deletes an app, its secrets, its approvals and its profile and permission-set grants.
    public func deleteApp(_ nameOrClientID: String) async throws -> PreparedChange {
        try requireToPrepare(.manageConnectedApps)
        let directory = try await directory(apps: [nameOrClientID])
        return try await prepare(
            [.deleteApp(try directory.requireApp(nameOrClientID))], basedOn: directory, needing: [.manageConnectedApps])
    }

    /// Ends every grant of an app, or one user's: refresh and opaque access tokens stop working at once and the
    /// approvals are withdrawn. Returns the app, the user, and how many grants ended.
    public func revokeGrants(of nameOrClientID: String, user username: String?) async throws -> (
        app: ConnectedApp, user: User?, revoked: Int
    ) {
        // Every grant of an app is the app's admins' to end; one user's grants, the user's admins' too.
        try require(anyOf: username == nil ? [.manageConnectedApps] : [.manageUsers, .manageConnectedApps])
        let directory = try await directory(users: username.map { [$0] } ?? [], apps: [nameOrClientID])
        let app = try directory.requireApp(nameOrClientID)
        let user = try username.map { try directory.requireUser($0) }
        if let user { try requireOutranks(user, in: directory) }
        return (app, user, try await store.revokeGrants(of: app, user: user, actor: actor, at: now()))
    }
}
