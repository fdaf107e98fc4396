import Foundation
import GatehouseCore
import Yams

/// Reads a config file's YAML into a ``ConfigDocument``, reporting every problem with its path in the file
/// (`users[3].profile: …`). Unknown keys are errors, so a typo never passes silently. The admin API's JSON bodies
/// are read by the same code (``read(json:)``, ``user(json:named:)``, …): the same keys, paths and sentences.
public enum ConfigReader {
    public static func read(yaml text: String) throws(ValidationFailure) -> ConfigDocument {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ValidationFailure([ValidationIssue(path: "", message: "not valid YAML: \(error)")])
        }
        // Aliases are expanded where they stand: a document of a few lines can name billions of nodes. Without them
        // a document has fewer nodes than bytes.
        if let root, !fits(root, within: text.utf8.count + 16) {
            throw ValidationFailure([
                ValidationIssue(
                    path: "", message: "YAML aliases (*name) that repeat parts of the document are not accepted")
            ])
        }
        return try document(root, reader: NodeReader())
    }

    /// Whether `node` holds at most `budget` nodes (counting stops when it is spent).
    private static func fits(_ node: Node, within budget: Int) -> Bool {
        var left = budget
        func walk(_ node: Node) -> Bool {
            left -= 1
            guard left >= 0 else { return false }
            switch node {
            case .mapping(let mapping): return mapping.allSatisfy { walk($0.key) && walk($0.value) }
            case .sequence(let sequence): return sequence.allSatisfy(walk)
            case .scalar, .alias: return true
            }
        }
        return walk(node)
    }

    /// A config document as JSON (the same keys as the YAML file).
    public static func read(json data: Data) throws(ValidationFailure) -> ConfigDocument {
        try document(try JSONInput.node(data), reader: NodeReader(json: true))
    }

    /// One user as JSON: the keys of a config file's `users[]` entry but `passwordHash` (hashes are imported with a
    /// whole document). In a `patch` (a JSON merge patch of an existing user) `username` may be left out.
    public static func user(json data: Data, patch: Bool = false) throws(ValidationFailure) -> UserSpec {
        try entity(data) { readUser($0, "", $1, keys: userKeys.filter { $0 != "passwordHash" }, patch: patch) }
    }

    /// One profile as JSON: the keys of a config file's `profiles[]` entry.
    public static func profile(json data: Data, patch: Bool = false) throws(ValidationFailure) -> ProfileSpec {
        try entity(data) { readProfile($0, "", $1, keys: profileKeys, patch: patch) }
    }

    /// One permission set as JSON: the keys of a config file's `permissionSets[]` entry.
    public static func permissionSet(json data: Data, patch: Bool = false) throws(ValidationFailure) -> ProfileSpec {
        try entity(data) { readProfile($0, "", $1, keys: permissionSetKeys, patch: patch) }
    }

    /// One connected app as JSON: the keys of a config file's `connectedApps[]` entry but the secrets (generated,
    /// rotated and retired by their own operations).
    public static func app(json data: Data, patch: Bool = false) throws(ValidationFailure) -> ConnectedAppSpec {
        let keys = appKeys.filter { $0 != "clientSecret" && $0 != "clientSecretHashes" }
        return try entity(data) { readApp($0, "", $1, keys: keys, patch: patch) }
    }

    private static func entity<Spec>(_ data: Data, _ read: (Node, NodeReader) -> Spec?) throws(ValidationFailure)
        -> Spec
    {
        let reader = NodeReader(json: true)
        let spec = read(try JSONInput.node(data), reader)
        try reader.report.throwIfInvalid()
        guard let spec else { throw ValidationFailure([ValidationIssue(path: "", message: "must be an object")]) }
        return spec
    }

    private static func document(_ root: Node?, reader: NodeReader) throws(ValidationFailure) -> ConfigDocument {
        var document = ConfigDocument()
        if let root {
            reader.mapping(root, at: "", keys: ["profiles", "permissionSets", "users", "connectedApps"]) {
                key, node, path in
                switch key {
                case "profiles": document.profiles = reader.sequence(node, at: path, readProfile)
                case "permissionSets": document.permissionSets = reader.sequence(node, at: path, readPermissionSet)
                case "users": document.users = reader.sequence(node, at: path, readUser)
                default: document.connectedApps = reader.sequence(node, at: path, readApp)
                }
            }
        }
        try reader.report.throwIfInvalid()
        return document
    }

    private static let permissionSetKeys = ["name", "adminPermissions", "connectedApps"]
    /// A profile's keys: a permission set's, and the sign-in policies only a profile holds.
    private static let profileKeys = permissionSetKeys + ["loginIpRanges", "loginHours", "requireSecondFactor"]

    private static func readProfile(_ node: Node, _ path: String, _ reader: NodeReader) -> ProfileSpec? {
        readProfile(node, path, reader, keys: profileKeys, patch: false)
    }

    private static func readProfile(_ node: Node, _ path: String, _ reader: NodeReader, keys: [String], patch: Bool)
        -> ProfileSpec?
    {
        var spec = ProfileSpec(path: path, name: "")
        var hasName = false
        reader.mapping(node, at: path, keys: keys) { key, value, keyPath in
            // `loginHours: null` means any time, in a file as in a patch.
            if key == "loginHours" && value.null != nil {
                spec.loginHours = .some(nil)
                return
            }
            if patch && value.null != nil {
                switch key {
                case "adminPermissions": spec.adminPermissions = []
                case "connectedApps": spec.connectedApps = []
                case "loginIpRanges": spec.loginIpRanges = []
                default: reader.report.add(keyPath, alwaysSet)
                }
                return
            }
            switch key {
            case "name": (spec.name, hasName) = (reader.string(value, at: keyPath) ?? "", true)
            case "adminPermissions": spec.adminPermissions = reader.enumList(value, at: keyPath)
            case "loginIpRanges": spec.loginIpRanges = reader.ipRanges(value, at: keyPath)
            case "requireSecondFactor": spec.requireSecondFactor = reader.bool(value, at: keyPath)
            case "loginHours":
                if patch {
                    spec.loginHoursPatch = reader.loginHoursPatch(value, at: keyPath)
                } else {
                    spec.loginHours = reader.loginHours(value, at: keyPath).map { .some($0) }
                }
            default: spec.connectedApps = reader.stringList(value, at: keyPath)
            }
        }
        if !hasName && !patch { reader.report.add(fieldPath(path, "name"), "is required") }
        spec.nameGiven = hasName
        return spec
    }

    private static func readPermissionSet(_ node: Node, _ path: String, _ reader: NodeReader) -> PermissionSetSpec? {
        guard let profile = readProfile(node, path, reader, keys: permissionSetKeys, patch: false) else { return nil }
        return PermissionSetSpec(
            path: path, name: profile.name, adminPermissions: profile.adminPermissions,
            connectedApps: profile.connectedApps)
    }

    /// In a JSON merge patch `null` removes a member (RFC 7396 §2): a list or text whose absence means empty is
    /// emptied; a member that always has a value cannot be removed, and says so.
    private static let alwaysSet = "cannot be removed (null): it always has a value; give the one it should have"

    private static let userKeys = [
        "username", "email", "displayName", "password", "passwordHash", "profile", "permissionSets", "active",
    ]

    private static func readUser(_ node: Node, _ path: String, _ reader: NodeReader) -> UserSpec? {
        readUser(node, path, reader, keys: userKeys, patch: false)
    }

    private static func readUser(_ node: Node, _ path: String, _ reader: NodeReader, keys: [String], patch: Bool)
        -> UserSpec?
    {
        var spec = UserSpec(path: path, username: "")
        var hasUsername = false
        reader.mapping(node, at: path, keys: keys) { key, value, keyPath in
            if patch && value.null != nil {
                switch key {
                case "displayName": spec.displayName = ""
                case "permissionSets": spec.permissionSets = []
                default: reader.report.add(keyPath, alwaysSet)
                }
                return
            }
            switch key {
            case "username": (spec.username, hasUsername) = (reader.string(value, at: keyPath) ?? "", true)
            case "email": spec.email = reader.string(value, at: keyPath)
            case "displayName": spec.displayName = reader.string(value, at: keyPath)
            case "password": spec.password = reader.string(value, at: keyPath)
            case "passwordHash": spec.passwordHash = reader.string(value, at: keyPath)
            case "profile": spec.profile = reader.string(value, at: keyPath)
            case "permissionSets": spec.permissionSets = reader.stringList(value, at: keyPath)
            default: spec.active = reader.bool(value, at: keyPath)
            }
        }
        if !hasUsername && !patch { reader.report.add(fieldPath(path, "username"), "is required") }
        spec.nameGiven = hasUsername
        if spec.password != nil && spec.passwordHash != nil {
            reader.report.add(fieldPath(path, "password"), "give either password or passwordHash, not both")
        }
        return spec
    }

    private static let appKeys = [
        "name", "clientId", "clientSecret", "clientSecretHashes", "public", "callbackUrls", "scopes", "grantTypes",
        "permittedUsers", "refreshTokenPolicy", "refreshTokenRotation", "runAsUser", "accessTokenFormat",
        "accessTokenLifetime", "idTokenLifetime", "sessionTimeout", "requirePkce", "blocked", "enforcement",
        "ipRelaxation", "trustedIpRanges", "assertionKeys", "introspectAllTokens", "highAssurance", "customAttributes",
    ]

    private static func readApp(_ node: Node, _ path: String, _ reader: NodeReader) -> ConnectedAppSpec? {
        readApp(node, path, reader, keys: appKeys, patch: false)
    }

    private static func readApp(_ node: Node, _ path: String, _ reader: NodeReader, keys: [String], patch: Bool)
        -> ConnectedAppSpec?
    {
        var spec = ConnectedAppSpec(path: path, name: "")
        var hasName = false
        reader.mapping(node, at: path, keys: keys) { key, value, keyPath in
            if patch && value.null != nil && key != "runAsUser" && key != "sessionTimeout" {
                switch key {
                case "callbackUrls": spec.callbackUrls = []
                case "assertionKeys": spec.assertionKeys = []
                case "trustedIpRanges": spec.trustedIpRanges = []
                case "customAttributes": spec.customAttributes = []
                default: reader.report.add(keyPath, alwaysSet)
                }
                return
            }
            switch key {
            case "name": (spec.name, hasName) = (reader.string(value, at: keyPath) ?? "", true)
            case "clientId": spec.clientId = reader.string(value, at: keyPath)
            case "clientSecret": spec.clientSecret = reader.string(value, at: keyPath)
            case "clientSecretHashes": spec.clientSecretHashes = reader.stringList(value, at: keyPath)
            case "public": spec.isPublic = reader.bool(value, at: keyPath)
            case "callbackUrls": spec.callbackUrls = reader.stringList(value, at: keyPath)
            case "scopes": spec.scopes = reader.stringList(value, at: keyPath)
            case "grantTypes": spec.grantTypes = reader.enumList(value, at: keyPath)
            case "permittedUsers": spec.permittedUsers = reader.enumValue(value, at: keyPath)
            case "refreshTokenPolicy":
                spec.refreshTokenPolicy = reader.parsed(value, at: keyPath, expected: RefreshTokenPolicy.syntax) {
                    RefreshTokenPolicy(parsing: $0)
                }
            case "refreshTokenRotation": spec.refreshTokenRotation = reader.bool(value, at: keyPath)
            case "runAsUser": spec.runAsUser = .some(value.null != nil ? nil : reader.string(value, at: keyPath))
            case "accessTokenFormat": spec.accessTokenFormat = reader.enumValue(value, at: keyPath)
            case "accessTokenLifetime": spec.accessTokenLifetime = reader.duration(value, at: keyPath)
            case "idTokenLifetime": spec.idTokenLifetime = reader.duration(value, at: keyPath)
            case "sessionTimeout":
                spec.sessionTimeout = .some(value.null != nil ? nil : reader.duration(value, at: keyPath))
            case "requirePkce": spec.requirePkce = reader.bool(value, at: keyPath)
            case "enforcement": spec.enforcement = reader.enumValue(value, at: keyPath)
            case "ipRelaxation": spec.ipRelaxation = reader.enumValue(value, at: keyPath)
            case "highAssurance": spec.highAssurance = reader.enumValue(value, at: keyPath)
            case "customAttributes": spec.customAttributes = reader.customAttributes(value, at: keyPath)
            case "trustedIpRanges": spec.trustedIpRanges = reader.ipRanges(value, at: keyPath)
            case "assertionKeys": spec.assertionKeys = reader.stringList(value, at: keyPath)
            case "introspectAllTokens": spec.introspectAllTokens = reader.bool(value, at: keyPath)
            default: spec.blocked = reader.bool(value, at: keyPath)
            }
        }
        if !hasName && !patch { reader.report.add(fieldPath(path, "name"), "is required") }
        spec.nameGiven = hasName
        return spec
    }
}
