import Foundation
import GatehouseCore
import Yams

/// Writes the directory in the config format, so that `apply` of the export on an empty database rebuilds the
/// same state. Passwords and secrets are never written in clear: users carry `passwordHash`, apps
/// `clientSecretHashes` (usable only under the same master key) — or, `withHashes: false`, neither.
public enum ConfigExporter {
    /// The keys a built-in app's export leaves out: Gatehouse sets them (``ConnectedApp/fixedFieldsChanged(in:)``).
    static let builtInFixedKeys: Set<String> = [
        "clientId", "clientSecretHashes", "public", "callbackUrls", "scopes", "grantTypes", "runAsUser", "requirePkce",
        "refreshTokenRotation",
        "assertionKeys", "introspectAllTokens",
    ]

    public static func export(_ directory: Directory, withHashes: Bool = true) throws -> String {
        try Yams.serialize(node: document(directory, withHashes: withHashes), sortKeys: false)
    }

    /// The same document as JSON (the admin API's `GET /config` with `Accept: application/json`).
    public static func exportJSON(_ directory: Directory, withHashes: Bool = true) -> String {
        guard case .object(let object) = json(document(directory, withHashes: withHashes)) else { return "{}" }
        return object.serialized
    }

    /// The document's nodes as JSON: strings, booleans, nulls, lists of strings and lists of objects are all it holds.
    private static func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.tag.rawValue == Tag.Name.bool.rawValue { return .bool(scalar.string == "true") }
            if scalar.tag.rawValue == Tag.Name.null.rawValue { return .null }
            return .string(scalar.string)
        case .sequence(let sequence):
            let items = Array(sequence)
            if !items.isEmpty, items.allSatisfy({ $0.mapping != nil }) {
                return .objects(items.compactMap { if case .object(let object) = json($0) { object } else { nil } })
            }
            return .strings(items.map { $0.scalar?.string ?? "" })
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping { object[key.string ?? ""] = json(value) }
            return .object(object)
        case .alias: return .null
        }
    }

    private static func document(_ directory: Directory, withHashes: Bool) -> Node {
        func names<ID: Hashable>(_ ids: Set<ID>, _ lookup: (ID) -> String?) -> Node {
            list(ids.compactMap(lookup).sorted { uniquenessKey($0) < uniquenessKey($1) })
        }
        let profiles = directory.sortedProfiles.map { profile in
            mapping([
                ("name", scalar(profile.name)),
                ("adminPermissions", list(profile.adminPermissions.sorted().map(\.rawValue))),
                ("connectedApps", names(profile.connectedApps) { directory.apps[$0]?.name }),
                ("loginIpRanges", list(profile.loginIPRanges.map(\.description))),
                ("loginHours", profile.loginHours.map(loginHours) ?? Node("null", Tag(.null))),
                ("requireSecondFactor", bool(profile.requireSecondFactor)),
            ])
        }
        let sets = directory.sortedPermissionSets.map { set in
            mapping([
                ("name", scalar(set.name)),
                ("adminPermissions", list(set.adminPermissions.sorted().map(\.rawValue))),
                ("connectedApps", names(set.connectedApps) { directory.apps[$0]?.name }),
            ])
        }
        let users = directory.sortedUsers.map { user in
            var pairs: [(String, Node)] = [
                ("username", scalar(user.username)),
                ("email", scalar(user.email)),
                ("displayName", scalar(user.displayName)),
            ]
            if withHashes, let hash = user.passwordHash { pairs.append(("passwordHash", scalar(hash))) }
            pairs.append(("profile", scalar(directory.profiles[user.profile]?.name ?? "")))
            pairs.append(("permissionSets", names(user.permissionSets) { directory.permissionSets[$0]?.name }))
            pairs.append(("active", bool(user.isActive)))
            return mapping(pairs)
        }
        let apps = directory.sortedApps.map { app in
            mapping(
                [
                    ("name", scalar(app.name)),
                    ("clientId", scalar(app.clientID)),
                    ("clientSecretHashes", list(app.secrets.map(\.hash))),
                    ("public", bool(app.isPublic)),
                    ("callbackUrls", list(app.callbackURLs)),
                    ("scopes", list(app.scopes)),
                    ("grantTypes", list(app.grantTypes.sorted().map(\.rawValue))),
                    ("permittedUsers", scalar(app.permittedUsers.rawValue)),
                    ("refreshTokenPolicy", scalar(app.refreshTokenPolicy.description)),
                    ("refreshTokenRotation", bool(app.isRefreshTokenRotationEnabled)),
                    (
                        "runAsUser",
                        app.runAsUser.flatMap { directory.users[$0] }.map { scalar($0.username) }
                            ?? Node("null", Tag(.null))
                    ),
                    ("accessTokenFormat", scalar(app.accessTokenFormat.rawValue)),
                    ("accessTokenLifetime", scalar(app.accessTokenLifetime.description)),
                    ("idTokenLifetime", scalar(app.idTokenLifetime.description)),
                    ("sessionTimeout", app.sessionTimeout.map { scalar($0.description) } ?? Node("null", Tag(.null))),
                    ("requirePkce", bool(app.requiresPKCE)),
                    ("blocked", bool(app.isBlocked)),
                    ("enforcement", scalar(app.enforcement.rawValue)),
                    ("ipRelaxation", scalar(app.ipRelaxation.rawValue)),
                    ("highAssurance", scalar(app.highAssurance.rawValue)),
                    ("customAttributes", customAttributes(app.customAttributes)),
                    ("trustedIpRanges", list(app.trustedIPRanges.map(\.description))),
                    ("assertionKeys", blockList(app.assertionKeys)),
                    ("introspectAllTokens", bool(app.introspectsAllTokens)),
                ].filter { withHashes || $0.0 != "clientSecretHashes" }
                    // A built-in app's fixed fields are Gatehouse's (its callback follows the server it runs on):
                    // the document carries what admins set, so it applies to any Gatehouse.
                    .filter { !app.isBuiltIn || !Self.builtInFixedKeys.contains($0.0) })
        }
        let root = mapping([
            ("profiles", .sequence(.init(profiles))),
            ("permissionSets", .sequence(.init(sets))),
            ("users", .sequence(.init(users))),
            ("connectedApps", .sequence(.init(apps))),
        ])
        return root
    }

    private static func scalar(_ text: String) -> Node {
        // Quote anything YAML could read as another type (true, 1, null, 30d stays a string either way).
        Node(text, Tag(.str), needsQuoting(text) ? .doubleQuoted : .plain)
    }

    private static func needsQuoting(_ text: String) -> Bool {
        let plainUnsafe = ["true", "false", "yes", "no", "on", "off", "null", "~", ""]
        return plainUnsafe.contains(text.lowercased()) || Double(text) != nil
            || text.first.map { "!&*[]{}|>'\"%@`#,?:-".contains($0) } ?? true
            || text.contains(": ") || text.contains(" #") || text.hasSuffix(":")
    }

    /// `{timeZone: Europe/Paris, monday: "08:00-18:00", …}`, the days in order.
    private static func loginHours(_ hours: LoginHours) -> Node {
        mapping(
            [("timeZone", scalar(hours.timeZoneName))]
                + hours.days.keys.sorted().map { day in
                    (day.rawValue, scalar((hours.days[day] ?? []).map(\.description).joined(separator: ",")))
                })
    }

    private static func bool(_ value: Bool) -> Node { Node(value ? "true" : "false", Tag(.bool)) }

    /// `[{name: department, value: Sales}, {name: mail, field: email}]`.
    private static func customAttributes(_ attributes: [CustomAttribute]) -> Node {
        .sequence(
            .init(
                attributes.map { attribute in
                    switch attribute.source {
                    case .value(let value): mapping([("name", scalar(attribute.name)), ("value", scalar(value))])
                    case .field(let field):
                        mapping([("name", scalar(attribute.name)), ("field", scalar(field.rawValue))])
                    }
                }, Tag(.seq), attributes.isEmpty ? .flow : .block))
    }

    private static func list(_ values: [String]) -> Node {
        .sequence(.init(values.map(scalar), Tag(.seq), .flow))
    }

    /// A block sequence whose multi-line items (PEM keys) are literal blocks.
    private static func blockList(_ values: [String]) -> Node {
        .sequence(
            .init(
                values.map {
                    Node($0, Tag(.str), $0.contains("\n") ? .literal : (needsQuoting($0) ? .doubleQuoted : .plain))
                },
                Tag(.seq), values.isEmpty ? .flow : .block))
    }

    private static func mapping(_ pairs: [(String, Node)]) -> Node {
        .mapping(.init(pairs.map { (Node($0.0), $0.1) }))
    }
}
