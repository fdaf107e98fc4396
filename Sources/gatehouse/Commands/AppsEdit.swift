import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import NIOHTTP1

/// `gatehouse apps create`
struct CreateApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Register a connected app; prints its client id and secret once.",
        discussion: "A confidential app gets a generated 256-bit secret, shown once and stored only as a keyed hash.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app's name (unique regardless of case).") var name: String
    @Option(help: "The OAuth client_id (default: derived from the name).") var clientId: String?
    @Flag(help: "A public client (a browser or native app that cannot keep a secret); PKCE is then required.")
    var `public` = false
    @Option(name: .customLong("callback-url"), help: "A callback URL, matched exactly (repeatable).")
    var callbackURLs: [String] = []
    @Option(name: .customLong("scope"), help: "An allowed scope (repeatable; default: openid).") var scopes: [String] =
        []
    @Option(
        name: .customLong("grant-type"),
        help: "An enabled grant type (repeatable; default: authorization_code, refresh_token).")
    var grantTypes: [GrantType] = []
    @Option(help: "all-users-self-authorize (default) or admin-approved-preauthorized.")
    var permittedUsers: PermittedUsers = .allUsersSelfAuthorize

    func run() async throws {
        let (clientID, secret) = try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session):
                let prepared = try await session.admin.createApp(
                    NewApp(
                        name: name, clientID: clientId, isPublic: `public`, callbackURLs: callbackURLs,
                        scopes: scopes, grantTypes: grantTypes, permittedUsers: permittedUsers))
                try await session.commit(prepared.change)
                return (prepared.clientID, prepared.secret)
            case .server(let server):
                // A new app takes access from nobody: created in one request, its secret in the answer.
                var fields: [String: JSONValue] = [
                    "name": .string(name), "public": .bool(`public`), "callbackUrls": .strings(callbackURLs),
                    "permittedUsers": .string(permittedUsers.rawValue),
                ]
                if let clientId { fields["clientId"] = .string(clientId) }
                if !scopes.isEmpty { fields["scopes"] = .strings(scopes) }
                if !grantTypes.isEmpty { fields["grantTypes"] = .strings(grantTypes.map(\.rawValue)) }
                let created: ChangeReply = try await server.api.request(.POST, "apps", json: .object(fields)).decode()
                for summary in created.changes { emit(summary) }
                return (created.item?.clientId ?? clientId ?? NewApp.clientID(from: name), created.clientSecret)
            }
        }
        emit("client_id:     \(clientID)")
        if let secret { emit("client_secret: \(secret)\nThe secret is shown once; store it now.") }
    }

}

/// `gatehouse apps set-policy`
struct SetAppPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-policy",
        abstract: "Change an app's policies and settings; options not given stay as they are.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String
    @Option(help: "all-users-self-authorize or admin-approved-preauthorized.") var permittedUsers: PermittedUsers?
    @Option(help: ArgumentHelp(RefreshTokenPolicy.syntax)) var refreshTokenPolicy: RefreshTokenPolicy?
    @Option(help: "on or off.") var refreshTokenRotation: Toggle?
    @Option(help: "on or off: a blocked app gets no tokens for anyone.") var blocked: Toggle?
    @Option(help: "enforce or report-only: report-only lets users without an assignment in, logging each access.")
    var enforcement: AccessEnforcement?
    @Option(
        name: .customLong("assertion-key-file"),
        help: "Replace the public keys (PEM or JWK files) for JWT bearer assertions (repeatable; \"none\" clears).")
    var assertionKeyFiles: [String] = []
    @Option(
        help:
            "enforce (the profiles' login IP ranges apply), enforce-relax-refresh (not on a refresh) or relax (not at all; the JWT bearer grant still checks)."
    )
    var ipRelaxation: IPRelaxation?
    @Option(
        name: .customLong("trusted-ip-range"),
        help: "Replace the trusted IP ranges: addresses in them pass the profiles' IP check for this app (repeatable).")
    var trustedRanges: [IPRange] = []
    @Option(name: .customLong("add-trusted-ip-range"), help: "Add a trusted IP range (repeatable).")
    var addedTrustedRanges: [IPRange] = []
    @Option(name: .customLong("remove-trusted-ip-range"), help: "Remove a trusted IP range (repeatable).")
    var removedTrustedRanges: [IPRange] = []
    @Flag(help: "Remove every trusted IP range.") var clearTrustedIpRanges = false
    @Option(help: "The user client-credentials tokens act for; \"none\" for the app itself.") var runAsUser: String?
    @Option(help: "jwt or opaque.") var accessTokenFormat: AccessTokenFormat?
    @Option(help: "e.g. 5m.") var accessTokenLifetime: PolicyDuration?
    @Option(help: "e.g. 1h.") var idTokenLifetime: PolicyDuration?
    @Option(
        help:
            "How long a browser session may be reused for this app before its users sign in again, e.g. 2h; \"none\" for as long as the session lasts."
    )
    var sessionTimeout: SessionTimeoutOption?
    @Option(
        help:
            "none, raise-session-level (signing in takes a second factor; a session with a password alone is stepped up; refreshes of grants made without one, client credentials and JWT bearer are refused) or block (as raise-session-level, but such a session is refused)."
    )
    var highAssurance: HighAssurance?
    @Option(
        name: .customLong("custom-attribute"),
        help:
            "Replace the custom attributes (extra claims of ID tokens, JWT access tokens and userinfo): NAME=VALUE, or NAME=field:FIELD (username, email, displayName, profile, permissionSets); repeatable."
    )
    var customAttributes: [CustomAttribute] = []
    @Flag(help: "Remove every custom attribute.") var clearCustomAttributes = false
    @Option(help: "on or off.") var requirePkce: Toggle?
    @Option(help: "on or off: a resource server may introspect every app's access tokens (never refresh tokens).")
    var introspectAllTokens: Toggle?
    @Option(name: .customLong("callback-url"), help: "Replace the callback URLs (repeatable).") var callbackURLs:
        [String] = []
    @Option(name: .customLong("scope"), help: "Replace the allowed scopes (repeatable).") var scopes: [String] = []
    @Option(name: .customLong("grant-type"), help: "Replace the grant types (repeatable).") var grantTypes:
        [GrantType] = []
    @OptionGroup var review: ReviewOptions

    var trustedRangeEdits: RangeEdits {
        RangeEdits(
            replace: trustedRanges, add: addedTrustedRanges, remove: removedTrustedRanges, clear: clearTrustedIpRanges)
    }

    func run() async throws {
        let keys = try assertionKeyFiles.filter { $0 != "none" }.map(readKeyFile)
        let runAs = runAsUser.flatMap { $0 == "none" ? nil : $0 }
        try await commitChange(storage, review: review.review) { admin in
            try await admin.changeApp(app, users: runAs.map { [$0] } ?? []) { after, directory in
                if let permittedUsers { after.permittedUsers = permittedUsers }
                if let refreshTokenPolicy { after.refreshTokenPolicy = refreshTokenPolicy }
                if let refreshTokenRotation { after.isRefreshTokenRotationEnabled = refreshTokenRotation.isOn }
                if let blocked { after.isBlocked = blocked.isOn }
                if let enforcement { after.enforcement = enforcement }
                if let ipRelaxation { after.ipRelaxation = ipRelaxation }
                after.trustedIPRanges = try trustedRangeEdits.applied(to: after.trustedIPRanges)
                if !assertionKeyFiles.isEmpty { after.assertionKeys = keys }
                if runAsUser != nil { after.runAsUser = try runAs.map { try directory.requireUser($0).id } }
                if let accessTokenFormat { after.accessTokenFormat = accessTokenFormat }
                if let accessTokenLifetime { after.accessTokenLifetime = accessTokenLifetime }
                if let idTokenLifetime { after.idTokenLifetime = idTokenLifetime }
                if let sessionTimeout { after.sessionTimeout = sessionTimeout.duration }
                if let highAssurance { after.highAssurance = highAssurance }
                if !customAttributes.isEmpty || clearCustomAttributes { after.customAttributes = customAttributes }
                if let requirePkce { after.requiresPKCE = requirePkce.isOn }
                if let introspectAllTokens { after.introspectsAllTokens = introspectAllTokens.isOn }
                if !callbackURLs.isEmpty { after.callbackURLs = callbackURLs }
                if !scopes.isEmpty { after.scopes = scopes }
                if !grantTypes.isEmpty { after.grantTypes = Set(grantTypes) }
            }
        } remote: { server in
            let found = try await server.app(app)
            if let runAs { _ = try await server.user(named: runAs) }
            var fields = fields(keys: keys, runAs: runAs)
            if !trustedRangeEdits.isEmpty {
                let current = found.view.summary.trustedIpRanges.compactMap { IPRange($0) }
                fields["trustedIpRanges"] = .strings(try trustedRangeEdits.applied(to: current).map(\.description))
            }
            return try await server.changeApp(found, fields)
        }
    }

    /// The options given, as a merge patch in the config contract's keys.
    private func fields(keys: [String], runAs: String?) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let permittedUsers { fields["permittedUsers"] = .string(permittedUsers.rawValue) }
        if let refreshTokenPolicy { fields["refreshTokenPolicy"] = .string(refreshTokenPolicy.description) }
        if let refreshTokenRotation { fields["refreshTokenRotation"] = .bool(refreshTokenRotation.isOn) }
        if let blocked { fields["blocked"] = .bool(blocked.isOn) }
        if let enforcement { fields["enforcement"] = .string(enforcement.rawValue) }
        if let ipRelaxation { fields["ipRelaxation"] = .string(ipRelaxation.rawValue) }
        if !assertionKeyFiles.isEmpty { fields["assertionKeys"] = .strings(keys) }
        if runAsUser != nil { fields["runAsUser"] = runAs.map(JSONValue.string) ?? .null }
        if let accessTokenFormat { fields["accessTokenFormat"] = .string(accessTokenFormat.rawValue) }
        if let accessTokenLifetime { fields["accessTokenLifetime"] = .string(accessTokenLifetime.description) }
        if let idTokenLifetime { fields["idTokenLifetime"] = .string(idTokenLifetime.description) }
        if let sessionTimeout {
            fields["sessionTimeout"] = sessionTimeout.duration.map { .string($0.description) } ?? .null
        }
        if let highAssurance { fields["highAssurance"] = .string(highAssurance.rawValue) }
        if !customAttributes.isEmpty || clearCustomAttributes {
            fields["customAttributes"] = .array(customAttributes.map(\.json))
        }
        if let requirePkce { fields["requirePkce"] = .bool(requirePkce.isOn) }
        if let introspectAllTokens { fields["introspectAllTokens"] = .bool(introspectAllTokens.isOn) }
        if !callbackURLs.isEmpty { fields["callbackUrls"] = .strings(callbackURLs) }
        if !scopes.isEmpty { fields["scopes"] = .strings(scopes) }
        if !grantTypes.isEmpty { fields["grantTypes"] = .strings(grantTypes.map(\.rawValue)) }
        return fields
    }

    private func readKeyFile(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("cannot read key file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// `gatehouse apps block` and `gatehouse apps unblock`
struct BlockApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "Block an app: it gets no tokens for anyone, and every token it holds stops working at once.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String
    @OptionGroup var review: ReviewOptions

    func run() async throws { try await setBlocked(true, app: app, storage: storage, review: review.review) }
}

struct UnblockApp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unblock", abstract: "Unblock an app: its unexpired grants and tokens work again.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String

    func run() async throws { try await setBlocked(false, app: app, storage: storage, review: .proceed) }
}

private func setBlocked(_ blocked: Bool, app name: String, storage: StorageOptions, review: ChangeReview) async throws {
    let already = "is already \(blocked ? "blocked" : "unblocked")."
    try await AdminTarget.run(storage) { target in
        switch target {
        case .database(let session):
            let prepared = try await session.admin.setBlocked(name, blocked)
            guard !prepared.isEmpty else { return emit("\(try prepared.base.requireApp(name).name) \(already)") }
            try await session.commit(prepared, review: review)
        case .server(let server):
            let app = try await server.app(name)
            guard app.view.summary.blocked != blocked else { return emit("\(app.view.summary.name) \(already)") }
            try await server.changeApp(app, ["blocked": .bool(blocked)]).commit(review: review)
        }
    }
}

/// `gatehouse apps rotate-secret`
struct RotateAppSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secret", abstract: "Add a new client secret; prints it once.",
        discussion: """
            The old secrets keep working until retired, so clients can move over without downtime. Run again with
            --retire-old once every client uses the new secret: that removes all secrets but the newest.
            """)
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The app (name or client id).") var app: String
    @Flag(help: "Remove every secret except the newest instead of adding one.") var retireOld = false

    func run() async throws {
        let rotated = try await AdminTarget.run(storage) { target -> (clientID: String, secret: String?)? in
            switch target {
            case .database(let session):
                if retireOld {
                    try await session.commit(try await session.admin.retireOldSecrets(of: app))
                    return nil
                }
                let prepared = try await session.admin.rotateSecret(of: app)
                try await session.commit(prepared.change)
                return (prepared.clientID, prepared.secret)
            case .server(let server):
                let found = try await server.app(app)
                guard !found.view.summary.public else {
                    throw CommandFailure("\"\(found.view.summary.name)\" is a public app and has no secret")
                }
                if retireOld {
                    try await retire(found, on: server)
                    return nil
                }
                let reply = try await server.api.request(
                    .POST, try AdminAPIClient.path("apps", found.id, "secrets"), ifMatch: found.version)
                let added: ChangeReply = try reply.decode()
                for summary in added.changes { emit(summary) }
                return (found.view.summary.clientId, added.clientSecret)
            }
        }
        guard let rotated else { return }
        emit(
            "client_secret: \(rotated.secret ?? "")\nThe secret is shown once. Old secrets keep working until: gatehouse apps rotate-secret \(rotated.clientID) --retire-old"
        )
    }

    /// Every secret but the newest retired, one request each, each from the version the last one left.
    private func retire(_ app: Fetched<AppView>, on server: RemoteAdmin) async throws {
        let old = app.view.summary.secretIds.dropLast()
        guard !old.isEmpty else { return emit("No changes.") }
        var version = app.version
        for secret in old {
            let reply = try await server.api.request(
                .DELETE, try AdminAPIClient.path("apps", app.id, "secrets", secret), ifMatch: version)
            for summary in try reply.decode(ChangeReply.self).changes { emit(summary) }
            version = reply.version ?? version
        }
    }
}

/// `on` / `off` (also true / false) for switches that options set.
enum Toggle: String, ExpressibleByArgument {
    case on, off, `true`, `false`
    var isOn: Bool { self == .on || self == .true }
}
