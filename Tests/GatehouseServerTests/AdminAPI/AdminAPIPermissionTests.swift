import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Synchronization
import Testing

/// Every admin API operation with the permission it needs, over HTTP: allowed with it alone, `403` naming it
/// without it (and with every other permission).
@Suite struct AdminAPIPermissionTests {
    /// What an operation is sent with, from the fixture's ids and a number that makes each call's names new.
    struct Call {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var headers: HTTPFields = [:]
    }

    struct Operation: Sendable {
        var name: String
        /// The permissions it needs (all of them).
        var needs: [AdminPermission]
        var call: @Sendable (_ ids: Ids, _ n: Int) -> Call
    }

    struct Ids: Sendable {
        var carol: String
        var jwtApp: String
        var target: String
        var set: String
        /// carol's pending requests: one to approve through her profile, one through the set, one to decline.
        var viaProfile: String
        var viaSet: String
        var toDecline: String
    }

    static let any: HTTPFields = [.ifMatch: "*"]

    static let operations: [Operation] = [
        Operation(name: "list users", needs: [.viewSetup]) { _, _ in Call(method: .get, path: "/users") },
        Operation(name: "read a user", needs: [.viewSetup]) { ids, _ in Call(method: .get, path: "/users/\(ids.carol)")
        },
        Operation(name: "list profiles", needs: [.viewSetup]) { _, _ in Call(method: .get, path: "/profiles") },
        Operation(name: "list permission sets", needs: [.viewSetup]) { _, _ in
            Call(method: .get, path: "/permission-sets")
        },
        Operation(name: "list apps", needs: [.viewSetup]) { _, _ in Call(method: .get, path: "/apps") },
        Operation(name: "read an app", needs: [.viewSetup]) { ids, _ in Call(method: .get, path: "/apps/\(ids.jwtApp)")
        },
        Operation(name: "an app's grants", needs: [.viewSetup]) { ids, _ in
            Call(method: .get, path: "/apps/\(ids.jwtApp)/grants")
        },
        Operation(name: "a user's grants", needs: [.viewSetup]) { ids, _ in
            Call(method: .get, path: "/users/\(ids.carol)/grants")
        },
        Operation(name: "explain", needs: [.viewSetup]) { _, _ in
            Call(method: .get, path: "/access/explain?user=carol&app=jwt-app")
        },
        Operation(name: "approvals", needs: [.viewSetup]) { _, _ in Call(method: .get, path: "/approvals") },
        Operation(name: "export", needs: [.viewSetup]) { _, _ in Call(method: .get, path: "/config") },
        Operation(name: "create a user", needs: [.manageUsers]) { _, n in
            Call(
                method: .post, path: "/users",
                body: #"{"username": "new\#(n)", "email": "n\#(n)@example.com", "profile": "Plain"}"#)
        },
        Operation(name: "change a user", needs: [.manageUsers]) { ids, n in
            Call(method: .patch, path: "/users/\(ids.carol)", body: #"{"displayName": "Carol \#(n)"}"#, headers: any)
        },
        Operation(name: "unlock a user", needs: [.manageUsers]) { ids, _ in
            Call(method: .post, path: "/users/\(ids.carol)/unlock")
        },
        Operation(name: "revoke a user's grants", needs: [.manageUsers]) { ids, _ in
            Call(method: .delete, path: "/users/\(ids.carol)/grants")
        },
        Operation(name: "list access requests", needs: [.manageUsers]) { _, _ in
            Call(method: .get, path: "/access-requests")
        },
        Operation(name: "read an access request", needs: [.manageUsers]) { ids, _ in
            Call(method: .get, path: "/access-requests/\(ids.viaSet)")
        },
        Operation(name: "approve through a permission set", needs: [.manageUsers]) { ids, _ in
            Call(method: .post, path: "/access-requests/\(ids.viaSet)/approve", body: #"{"permissionSet": "Shared"}"#)
        },
        Operation(name: "approve through a profile", needs: [.manageUsers, .manageProfilesAndPermissionSets]) {
            ids, _ in
            Call(method: .post, path: "/access-requests/\(ids.viaProfile)/approve", body: #"{"profile": "Plain"}"#)
        },
        Operation(name: "decline an access request", needs: [.manageUsers]) { ids, _ in
            Call(method: .post, path: "/access-requests/\(ids.toDecline)/decline")
        },
        Operation(name: "create a profile", needs: [.manageProfilesAndPermissionSets]) { _, n in
            Call(method: .post, path: "/profiles", body: #"{"name": "Profile \#(n)"}"#)
        },
        Operation(name: "create a permission set", needs: [.manageProfilesAndPermissionSets]) { _, n in
            Call(method: .post, path: "/permission-sets", body: #"{"name": "Set \#(n)"}"#)
        },
        Operation(name: "change a permission set", needs: [.manageProfilesAndPermissionSets]) { ids, n in
            Call(method: .patch, path: "/permission-sets/\(ids.set)", body: #"{"name": "Shared \#(n)"}"#, headers: any)
        },
        Operation(name: "register an app", needs: [.manageConnectedApps]) { _, n in
            Call(method: .post, path: "/apps", body: #"{"name": "App \#(n)", "grantTypes": ["client_credentials"]}"#)
        },
        Operation(name: "change an app's policy", needs: [.manageConnectedApps]) { ids, n in
            Call(method: .patch, path: "/apps/\(ids.target)", body: #"{"scopes": ["openid", "s\#(n)"]}"#, headers: any)
        },
        Operation(name: "rotate a secret", needs: [.manageConnectedApps]) { ids, _ in
            Call(method: .post, path: "/apps/\(ids.target)/secrets", headers: any)
        },
        Operation(name: "revoke an app's grants", needs: [.manageConnectedApps]) { ids, _ in
            Call(method: .delete, path: "/apps/\(ids.target)/grants")
        },
        Operation(name: "audit trail", needs: [.viewAuditTrail]) { _, _ in Call(method: .get, path: "/audit") },
        Operation(name: "login history", needs: [.viewAuditTrail]) { _, _ in Call(method: .get, path: "/login-history")
        },
        Operation(name: "signing keys", needs: [.manageUsers, .manageProfilesAndPermissionSets, .manageConnectedApps]) {
            _, _ in Call(method: .get, path: "/keys")
        },
        Operation(
            name: "rotate signing keys", needs: [.manageUsers, .manageProfilesAndPermissionSets, .manageConnectedApps]
        ) { _, _ in Call(method: .post, path: "/keys/rotate?algorithm=ES256") },
        Operation(
            name: "apply a config document",
            needs: [.manageUsers, .manageProfilesAndPermissionSets, .manageConnectedApps]
        ) { _, n in
            Call(
                method: .post, path: "/config", body: "permissionSets:\n  - name: Applied \(n)\n",
                headers: [.contentType: "application/yaml"])
        },
    ]

    @Test(arguments: TestBackend.available)
    func eachOperationNeedsItsPermissionAndNoOther(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            var carolID = ""
            var setID = ""
            var targetID = ""
            var requested: [ConnectedAppID] = []
            try await server.commit { directory in
                let plain = Profile(name: "Plain")
                let carol = User(username: "carol", email: "carol@example.com", profile: plain.id)
                let target = ConnectedApp(name: "Target", clientID: "target", grantTypes: [.clientCredentials])
                let requestable = ["jwt-app", "opaque-app"].compactMap { directory.app(clientID: $0)?.id }
                requested = requestable + [target.id]
                let set = PermissionSet(name: "Shared", connectedApps: Set(requestable))
                (carolID, setID, targetID) = (carol.id.rawValue, set.id.rawValue, target.id.rawValue)
                return [.createProfile(plain), .createUser(carol), .createPermissionSet(set), .createApp(target)]
            }
            var requestIDs: [String] = []
            for app in requested {
                let made = try await server.store.requestAccess(
                    AccessRequest(user: UserID(rawValue: carolID), app: app, note: nil, requestedAt: Date()))
                requestIDs.append(made.request.id.rawValue)
            }
            let jwtApp = try #require(
                try await server.api(.get, "/apps?clientId=jwt-app", token: try await server.adminToken())
                    .items.first?["id"] as? String)
            let ids = Ids(
                carol: carolID, jwtApp: jwtApp, target: targetID, set: setID, viaProfile: requestIDs[2],
                viaSet: requestIDs[0], toDecline: requestIDs[1])

            var tokens: [Set<AdminPermission>: String] = [:]
            func token(_ permissions: Set<AdminPermission>) async throws -> String {
                if let token = tokens[permissions] { return token }
                let name = "admin\(tokens.count)"
                let token = try await server.adminToken(app: "app-\(name)", runAs: name, permissions: permissions)
                tokens[permissions] = token
                return token
            }
            var n = 0
            for operation in Self.operations {
                // Refused first (changing nothing), then allowed.
                for missing in operation.needs {
                    n += 1
                    let others = Set<AdminPermission>.allPermissions.subtracting([missing])
                    let without = try await call(operation, ids, n, token: try await token(others), server)
                    #expect(without.status == 403, "\(operation.name) without \(missing.rawValue): \(without.text)")
                    #expect(without.json["reason"] as? String == "admin_permission_missing", "\(operation.name)")
                    #expect(without.json["permission"] as? String == missing.rawValue, "\(operation.name)")
                }
                n += 1
                let with = try await call(operation, ids, n, token: try await token(Set(operation.needs)), server)
                #expect((200..<300).contains(with.status), "\(operation.name) with \(operation.needs): \(with.text)")
            }
        }
    }

    private func call(_ operation: Operation, _ ids: Ids, _ n: Int, token: String, _ server: ServerFixture)
        async throws -> APIAnswer
    {
        let call = operation.call(ids, n)
        return try await server.api(call.method, call.path, token: token, json: call.body, headers: call.headers)
    }
}

extension Set where Element == AdminPermission {
    static var allPermissions: Set<AdminPermission> { Set(AdminPermission.allCases) }
}

@Suite struct AdminAPIPreviewTests {
    @Test(arguments: TestBackend.available)
    func anAdminWhoMayOnlyViewSetupPreviewsAChangeButCannotMakeIt(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let viewer = try await server.adminToken(app: "viewer-app", runAs: "viewer", permissions: [.viewSetup])
            let app = try #require(try await server.api(.get, "/apps?clientId=jwt-app", token: viewer).items.first)
            let id = try #require(app["id"] as? String)
            let body = #"{"permittedUsers": "admin-approved-preauthorized"}"#
            let preview = try await server.api(
                .patch, "/apps/\(id)?dryRun=true", token: viewer, json: body, headers: [.ifMatch: "*"])
            #expect(preview.status == 200 && preview.json["dryRun"] as? Bool == true)
            let made = try await server.api(.patch, "/apps/\(id)", token: viewer, json: body, headers: [.ifMatch: "*"])
            #expect(made.status == 403 && made.json["permission"] as? String == "manage-connected-apps")
            let invalid = try await server.api(
                .patch, "/apps/\(id)", token: viewer, json: #"{"scopes": 5}"#, headers: [.ifMatch: "*"])
            #expect(invalid.status == 403, "refused for the permission before the body is checked")
        }
    }
}
