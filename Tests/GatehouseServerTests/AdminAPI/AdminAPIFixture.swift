import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// An answer of the admin API: status, headers, the body parsed as a JSON object (empty if it is not one), the text.
struct APIAnswer {
    var status: Int
    var headers: HTTPFields
    var json: [String: Any]
    var text: String

    var etag: String? { headers[.eTag] }
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
    var item: [String: Any] { json["item"] as? [String: Any] ?? [:] }
    /// A problem's `permission`, `reason`, `errors` paths.
    var problemPaths: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String } }
}

extension ServerFixture {
    static let adminScope = "gatehouse.admin"

    /// A token of the fixture's `automation` app (client credentials, `gatehouse.admin`, acting as alice, who holds
    /// every admin permission).
    func adminToken() async throws -> String {
        let answer = try await post("/token", ["grant_type": "client_credentials"], basic: ("automation", Self.secret))
        return try requireValue(answer.json["access_token"] as? String)
    }

    /// A new client-credentials app with the scope `gatehouse.admin` acting as `runAs` (nil: as itself), and a token
    /// of it. `permissions` given: `runAs` is created with a profile of exactly those admin permissions.
    func adminToken(
        app clientID: String, runAs username: String? = "alice",
        permissions: Set<AdminPermission>? = nil, scopes: [String] = [ServerFixture.adminScope]
    ) async throws -> String {
        let hash = SecretHasher(masterKey: testMasterKey).hash(Self.secret)
        try await commit { directory in
            var changes: [DirectoryChange] = []
            var runAs: UserID?
            if let username {
                if let permissions {
                    let profile = Profile(name: "Admins of \(username)", adminPermissions: permissions)
                    let user = User(username: username, email: "\(username)@example.com", profile: profile.id)
                    changes += [.createProfile(profile), .createUser(user)]
                    runAs = user.id
                } else {
                    runAs = try requireValue(directory.user(named: username)).id
                }
            }
            changes.append(
                .createApp(
                    ConnectedApp(
                        name: clientID, clientID: clientID, secrets: [ClientSecret(hash: hash, createdAt: Date())],
                        scopes: scopes, grantTypes: [.clientCredentials], runAsUser: runAs)))
            return changes
        }
        let answer = try await post(
            "/token", ["grant_type": "client_credentials"], basic: (clientID, Self.secret))
        return try requireValue(answer.json["access_token"] as? String)
    }

    /// A request to the admin API (`path` below `/admin/api/v1`), JSON in and out.
    func api(
        _ method: HTTPRequest.Method, _ path: String, token: String?, json body: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> APIAnswer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: "/admin/api/v1" + path, method: method, headers: headers, body: ByteBuffer(string: body ?? "")
        ) { response in
            let text = String(buffer: response.body)
            let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            return APIAnswer(status: Int(response.status.code), headers: response.headers, json: json, text: text)
        }
    }

    /// `If-Match` with an ETag.
    static func ifMatch(_ etag: String?) -> HTTPFields { [.ifMatch: etag ?? "\"none\""] }
}
