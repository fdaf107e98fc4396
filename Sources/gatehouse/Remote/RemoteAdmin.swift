import Foundation
import GatehouseAdmin
import GatehouseCore
import NIOHTTP1

/// The admin commands' use cases through a server's admin API: entities found by name as the database path finds
/// them (with the same sentence when one is missing), and every change previewed with `dryRun=true` and then sent
/// again with `If-Match` on the version read, so another admin's change in between is refused, not overwritten.
struct RemoteAdmin: Sendable {
    let api: AdminAPIClient

    // MARK: Finding entities by name

    func user(named username: String) async throws -> Fetched<UserView> {
        let found: Listing<Fetched<UserView>> = try await api.get("users", [("username", username)])
        guard let user = found.items.first else { throw CommandFailure(#"no user named "\#(username)""#) }
        return user
    }

    /// An app by name, or else by client id.
    func app(_ nameOrClientID: String) async throws -> Fetched<AppView> {
        for key in ["name", "clientId"] {
            let found: Listing<Fetched<AppView>> = try await api.get("apps", [(key, nameOrClientID)])
            if let app = found.items.first { return app }
        }
        throw CommandFailure(#"no connected app named "\#(nameOrClientID)""#)
    }

    func bundle(_ kind: BundleKind, named name: String) async throws -> Fetched<RemoteBundle> {
        let found: Listing<Fetched<RemoteBundle>> = try await api.get(kind.collection, [("name", name)])
        guard let bundle = found.items.first else { throw CommandFailure(#"no \#(kind.rawValue) named "\#(name)""#) }
        return bundle
    }

    /// The usernames holding a profile or permission set, in username order.
    func holders(of kind: BundleKind, named name: String) async throws -> [String] {
        let filter = kind == .profile ? "profile" : "permissionSet"
        let users: [Fetched<UserView>] = try await api.all("users", [(filter, name)])
        return users.map(\.view.summary.username)
    }

    /// Up to `limit` users in username order after `username`. The API's user cursor is the last username shown,
    /// base64url-encoded (`Cursor`, AdminRequest.swift): `--after` names one.
    func users(after username: String?, limit: Int) async throws -> [UserView] {
        let users: [Fetched<UserView>] = try await api.first(
            limit, of: "users", from: username.map { Data($0.utf8).base64URLEncoded })
        return users.map(\.view)
    }

    /// Every profile or permission set with how many hold it, in name order (as the database path lists them);
    /// `withUsers` names the holders too (a listing of users per profile or permission set).
    func bundles(_ kind: BundleKind, withUsers: Bool) async throws -> [GatehouseAdmin.BundleSummary] {
        var summaries: [GatehouseAdmin.BundleSummary] = []
        for bundle in try await api.all(kind.collection) as [Fetched<RemoteBundle>] {
            let users = withUsers ? try await holders(of: kind, named: bundle.view.name) : []
            summaries.append(
                GatehouseAdmin.BundleSummary(
                    view: bundle.view.shown(users: users), holderCount: bundle.view.userCount ?? users.count))
        }
        return summaries
    }

    func bundleView(_ kind: BundleKind, named name: String) async throws -> BundleView {
        let bundle = try await self.bundle(kind, named: name)
        return bundle.view.shown(users: try await holders(of: kind, named: bundle.view.name))
    }

    /// A profile or permission set made to grant an app, or to stop granting it, from the version read.
    func setApp(_ appName: String, granted: Bool, on kind: BundleKind, named name: String) async throws
        -> ReviewedChange
    {
        let app = try await self.app(appName).view.summary.name  // the app first, as the database path looks
        let bundle = try await self.bundle(kind, named: name)
        var apps = bundle.view.connectedApps
        let holds = apps.contains { uniquenessKey($0) == uniquenessKey(app) }
        guard holds != granted else {
            let verb = granted ? "already grants" : "does not grant"
            throw CommandFailure(#"\#(kind.rawValue) "\#(name)" \#(verb) "\#(app)""#)
        }
        if granted { apps.append(app) } else { apps.removeAll { uniquenessKey($0) == uniquenessKey(app) } }
        return try await change(
            .PATCH, try AdminAPIClient.path(kind.collection, bundle.id),
            json: .object(["connectedApps": .strings(apps)]),
            version: bundle.version)
    }

    /// Approvals of a user or an app or both, sorted as the database path sorts them (by app, then user).
    func approvals(user: String?, app: String?) async throws -> [ApprovalView] {
        if let user { _ = try await self.user(named: user) }
        if let app { _ = try await self.app(app) }
        let all: [ApprovalView] = try await api.all("approvals", [("user", user), ("app", app)])
        return all.sorted { ($0.app.lowercased(), $0.user.lowercased()) < ($1.app.lowercased(), $1.user.lowercased()) }
    }

    /// The config document as YAML (with hashes only when the token's admin holds every manage permission: the
    /// server decides). Refused unless the server says it is YAML: the file is applied later as one.
    func exportYAML() async throws -> String {
        let reply = try await api.request(.GET, "config", accept: "application/yaml")
        let mediaType = reply.headers.first(name: "Content-Type")?.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == "application/yaml", let text = String(validating: reply.body, as: UTF8.self) else {
            throw CommandFailure(
                "the server's export is not YAML (Content-Type \(field(mediaType ?? "none"))): is --server a Gatehouse?"
            )
        }
        return text
    }

    // MARK: Changes

    /// A change at `path`: previewed now, stored when the review lets it (`version`: the entity's, as read).
    func change(
        _ method: HTTPMethod, _ path: String, _ query: [(String, String?)] = [], json: JSONValue? = nil,
        version: Int64? = nil
    ) async throws -> ReviewedChange {
        let preview: ChangeReply = try await api.request(
            method, path, query + [("dryRun", "true")], json: json, ifMatch: version
        ).decode()
        let api = api
        return ReviewedChange(summaries: preview.changes, impact: preview.impact.accessImpact) {
            let done: ChangeReply = try await api.request(method, path, query, json: json, ifMatch: version).decode()
            return done.changes
        }
    }

    /// A user changed by a merge patch of `fields`, from the version read.
    func changeUser(_ username: String, _ fields: [String: JSONValue]) async throws -> ReviewedChange {
        let user = try await self.user(named: username)
        return try await change(
            .PATCH, try AdminAPIClient.path("users", user.id), json: .object(fields), version: user.version)
    }

    func changeApp(_ app: Fetched<AppView>, _ fields: [String: JSONValue]) async throws -> ReviewedChange {
        try await change(.PATCH, try AdminAPIClient.path("apps", app.id), json: .object(fields), version: app.version)
    }
}

/// A profile or permission set as the API shows it.
struct RemoteBundle: Decodable, Sendable {
    var name: String
    var builtIn: Bool
    var adminPermissions: [String]
    var connectedApps: [String]
    var loginIpRanges: [String]?
    /// `timeZone` and each weekday listed, as config writes them.
    var loginHours: [String: String]?
    /// Left out by a server from before second factors.
    var requireSecondFactor: Bool?
    var userCount: Int?
}

extension RemoteBundle {
    func shown(users: [String]) -> BundleView {
        var view = BundleView(
            name: name, builtIn: builtIn, adminPermissions: adminPermissions, connectedApps: connectedApps,
            users: users)
        view.loginIpRanges = loginIpRanges
        view.loginHours = shownHours
        view.requireSecondFactor = loginIpRanges == nil ? nil : (requireSecondFactor ?? false)
        return view
    }

    /// The profile's login hours as people read them, from the server's fields as they are (this machine's
    /// time-zone database may not know the zone).
    var shownHours: String? {
        guard let loginHours, let zone = loginHours["timeZone"] else { return nil }
        let days = LoginHours.Weekday.allCases.compactMap { day in
            loginHours[day.rawValue].map { "\(day.rawValue) " + $0.replacingOccurrences(of: ",", with: " and ") }
        }
        return "\(zone) " + (days.isEmpty ? "no day" : days.joined(separator: ", "))
    }
}

/// What the API answers to a change.
struct ChangeReply: Decodable, Sendable {
    struct Impact: Decodable, Sendable {
        var losses: [AccessLoss]
        /// Absent from a server older than the replay of sign-ins.
        var signInReplay: SignInReplay?
        /// Absent from a server older than high assurance.
        var highAssurance: [AssuranceImpact]?
        /// Absent from a server older than the profiles' requirement's preview.
        var secondFactorRequired: [SecondFactorRequirementImpact]?
        var accessImpact: AccessImpact {
            AccessImpact(
                losses: losses, replay: signInReplay, assurance: highAssurance ?? [],
                secondFactorRequired: secondFactorRequired ?? [])
        }
    }
    struct Secret: Decodable, Sendable {
        var app: String
        var clientId: String
        var clientSecret: String
    }
    struct Item: Decodable, Sendable {
        var clientId: String?
    }

    var dryRun: Bool
    private var summaries: [String]
    var impact: Impact
    var item: Item?
    var clientSecret: String?
    var generatedSecrets: [Secret]?

    /// The summary line of each change, escaped (printed as a line each: one cannot pass for two).
    var changes: [String] { summaries.map(field) }

    private enum CodingKeys: String, CodingKey {
        case dryRun
        case summaries = "changes"
        case impact, item, clientSecret, generatedSecrets
    }
}

extension BundleKind {
    /// The admin API's collection of this kind.
    var collection: String { self == .profile ? "profiles" : "permission-sets" }
}

/// A JSON value to send: merge patches and new entities.
enum JSONValue: Encodable, Sendable {
    case string(String)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        case .null: try container.encodeNil()
        }
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5).
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension Optional where Wrapped: Sendable {
    /// `map` with an asynchronous transform.
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
