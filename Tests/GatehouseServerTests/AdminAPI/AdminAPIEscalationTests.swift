import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// An admin cannot reach an admin permission they lack through someone or something that holds it: a stronger
/// user (changed, deleted, their grants ended), an app whose tokens act with it (created, given new credentials or
/// more reach), or an app whose client id passes for a user's id.
@Suite struct AdminAPIEscalationTests {
    static let appAdmin: Set<AdminPermission> = [.viewSetup, .manageConnectedApps]
    static let userAdmin: Set<AdminPermission> = [.viewSetup, .manageUsers]

    @Test(arguments: TestBackend.available)
    func anAppAdminCannotMakeOrArmAnAppThatActsAsAStrongerAdmin(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken(
                app: "apps-admin-app", runAs: "appsadmin", permissions: Self.appAdmin)
            // Run as alice (every permission): refused, naming a permission the app admin lacks.
            let asAlice = try await server.api(
                .post, "/apps", token: token,
                json:
                    #"{"name": "Backdoor", "grantTypes": ["client_credentials"], "scopes": ["gatehouse.admin"], "runAsUser": "alice"}"#
            )
            #expect(asAlice.status == 403, "\(asAlice.text)")
            #expect(asAlice.json["reason"] as? String == "admin_permission_missing")
            #expect(asAlice.json["permission"] as? String == "manage-profiles-and-permission-sets")
            // A JWT bearer app with the admin scope asserts any user: every permission.
            let pem = try SigningKey.generate(.es256).verificationKey.pemRepresentation
            let keys = String(decoding: try JSONEncoder().encode([pem]), as: UTF8.self)
            let jwt = try await server.api(
                .post, "/apps", token: token,
                json:
                    #"{"name": "Asserter", "grantTypes": ["urn:ietf:params:oauth:grant-type:jwt-bearer"], "scopes": ["gatehouse.admin"], "assertionKeys": \#(keys)}"#
            )
            #expect(jwt.status == 403, "\(jwt.text)")
            // Run as the app admin: their own reach, allowed.
            let own = try await server.api(
                .post, "/apps", token: token,
                json:
                    #"{"name": "Pipeline", "grantTypes": ["client_credentials"], "scopes": ["gatehouse.admin"], "runAsUser": "appsadmin"}"#
            )
            #expect(own.status == 201, "\(own.text)")
            // Without the admin scope an app reaches no admin permission, whoever it runs as.
            let plain = try await server.api(
                .post, "/apps", token: token,
                json:
                    #"{"name": "Sync", "grantTypes": ["client_credentials"], "scopes": ["openid"], "runAsUser": "alice"}"#
            )
            #expect(plain.status == 201, "\(plain.text)")
            let syncID = try #require(plain.item["id"] as? String)
            let arm = try await server.api(
                .patch, "/apps/\(syncID)", token: token, json: #"{"scopes": ["openid", "gatehouse.admin"]}"#,
                headers: [.ifMatch: "*"])
            #expect(arm.status == 403, "adding the admin scope to an app run as alice: \(arm.text)")

            // The fixture's automation app runs as alice with the admin scope.
            let automation = try #require(
                try await server.api(.get, "/apps?clientId=automation", token: token).items.first?["id"] as? String)
            let rotate = try await server.api(
                .post, "/apps/\(automation)/secrets", token: token, headers: [.ifMatch: "*"])
            #expect(rotate.status == 403, "a new secret of an app run as alice: \(rotate.text)")
            #expect(rotate.json["clientSecret"] == nil)
            let previewed = try await server.api(
                .post, "/apps/\(automation)/secrets?dryRun=true", token: token, headers: [.ifMatch: "*"])
            #expect(previewed.status == 403, "nor a preview that would show the secret: \(previewed.text)")
            // Making it less able is allowed: blocking it, revoking its grants.
            let revoke = try await server.api(.delete, "/apps/\(automation)/grants?dryRun=true", token: token)
            #expect(revoke.status == 200 && revoke.json["dryRun"] as? Bool == true, "\(revoke.text)")
            let block = try await server.api(
                .patch, "/apps/\(automation)", token: token, json: #"{"blocked": true}"#, headers: [.ifMatch: "*"])
            #expect(block.status == 200, "\(block.text)")
            let unblock = try await server.api(
                .patch, "/apps/\(automation)", token: token, json: #"{"blocked": false}"#, headers: [.ifMatch: "*"])
            #expect(unblock.status == 403, "unblocking what a stronger admin blocked: \(unblock.text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func anAppThatActsForUsersIsChangedOnlyByAnAdminWhoHoldsEverything(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            var consoleID = ""
            try await server.commit { _ in
                let console = ConnectedApp(
                    name: "Console", clientID: "console", callbackURLs: ["https://console.example/cb"],
                    scopes: ["openid", ConnectedApp.adminScope], grantTypes: [.authorizationCode, .refreshToken])
                consoleID = console.id.rawValue
                return [.createApp(console)]
            }
            let token = try await server.adminToken(
                app: "apps-admin-app", runAs: "appsadmin", permissions: Self.appAdmin)
            for body in [
                #"{"grantTypes": ["authorization_code", "refresh_token", "client_credentials"], "runAsUser": "alice"}"#,
                #"{"callbackUrls": ["https://console.example/cb", "https://attacker.example/cb"]}"#,
                #"{"public": true}"#,
                #"{"accessTokenLifetime": "1h"}"#,
            ] {
                let answer = try await server.api(
                    .patch, "/apps/\(consoleID)", token: token, json: body, headers: [.ifMatch: "*"])
                #expect(answer.status == 403, "\(body): \(answer.text)")
            }
            // Down to the refresh grant alone, it still holds its users' refresh tokens: no new secret for it.
            let narrowed = try await server.api(
                .patch, "/apps/\(consoleID)", token: token, json: #"{"grantTypes": ["refresh_token"]}"#,
                headers: [.ifMatch: "*"])
            #expect(narrowed.status == 200, "taking a grant type away: \(narrowed.text)")
            let secret = try await server.api(
                .post, "/apps/\(consoleID)/secrets", token: token, headers: [.ifMatch: "*"])
            #expect(secret.status == 403, "\(secret.text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func aProfileAdminCannotGrantAnAdminAppOrTakeAwayWhatTheyCouldNotGive(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            var opsID = ""
            try await server.commit { _ in
                let ops = PermissionSet(name: "Ops", adminPermissions: [.manageUsers])
                opsID = ops.id.rawValue
                return [.createPermissionSet(ops)]
            }
            let token = try await server.adminToken(
                app: "bundles-admin-app", runAs: "bundlesadmin",
                permissions: [.viewSetup, .manageProfilesAndPermissionSets])
            // `automation` acts as alice: granting it lets it act for the set's holders too.
            let grant = try await server.api(
                .post, "/permission-sets", token: token,
                json: #"{"name": "Automators", "connectedApps": ["automation"]}"#)
            #expect(grant.status == 403, "\(grant.text)")
            let plain = try await server.api(
                .post, "/permission-sets", token: token, json: #"{"name": "Dedupers", "connectedApps": ["jwt-app"]}"#)
            #expect(plain.status == 201, "an app without the admin scope: \(plain.text)")
            let removal = try await server.api(
                .patch, "/permission-sets/\(opsID)", token: token, json: #"{"adminPermissions": []}"#,
                headers: [.ifMatch: "*"])
            #expect(removal.status == 403 && removal.json["permission"] as? String == "manage-users", "\(removal.text)")
            let deletion = try await server.api(
                .delete, "/permission-sets/\(opsID)", token: token, headers: [.ifMatch: "*"])
            #expect(deletion.status == 403, "\(deletion.text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func aUserAdminCannotTakeOverAStrongerAdmin(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken(
                app: "users-admin-app", runAs: "usersadmin", permissions: Self.userAdmin)
            let alice = try #require(
                try await server.api(.get, "/users?username=alice", token: token).items.first?["id"] as? String)
            for (method, path, body) in [
                (HTTPRequest.Method.patch, "/users/\(alice)", #"{"password": "taken-over-at-last-1"}"#),
                (.patch, "/users/\(alice)", #"{"active": false}"#),
                (.delete, "/users/\(alice)", nil),
                (.delete, "/users/\(alice)/grants", nil),
            ] {
                let answer = try await server.api(method, path, token: token, json: body, headers: [.ifMatch: "*"])
                #expect(answer.status == 403, "\(method) \(path): \(answer.text)")
                #expect(answer.json["reason"] as? String == "admin_permission_missing")
            }
            // The user admin manages users no stronger than themselves.
            let bob = try await server.api(
                .post, "/users", token: token,
                json: #"{"username": "bob", "email": "bob@example.com", "profile": "Admins of usersadmin"}"#)
            #expect(bob.status == 201, "\(bob.text)")
            let bobID = try #require(bob.item["id"] as? String)
            let changed = try await server.api(
                .patch, "/users/\(bobID)", token: token, json: #"{"displayName": "Bob"}"#, headers: [.ifMatch: "*"])
            #expect(changed.status == 200, "\(changed.text)")
            let alicesGrants = try await server.api(.delete, "/users/\(alice)/grants?dryRun=true", token: token)
            #expect(alicesGrants.status == 200, "a preview changes nothing: \(alicesGrants.text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func anAppsOwnTokenNeverPassesForAUsers(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let admin = try await server.adminToken()
            let alice = try #require(
                try await server.api(.get, "/users?username=alice", token: admin).items.first?["id"] as? String)
            // Through the API: a client id shaped like a user id is refused.
            let shaped = try await server.api(
                .post, "/apps", token: admin,
                json: #"{"name": "Shaped", "clientId": "\#(alice)", "grantTypes": ["client_credentials"]}"#)
            #expect(shaped.status == 422 && shaped.problemPaths == ["clientId"], "\(shaped.text)")
            // One stored anyway (an older database): its own token is the app's, not alice's.
            let token = try await server.adminToken(app: alice, runAs: nil)
            let answer = try await server.api(.get, "/users", token: token)
            #expect(answer.status == 403, "\(answer.text)")
            #expect(answer.json["reason"] as? String != "admin_permission_missing")
        }
    }
}

/// Listings page through everything, cursors not made here are refused, and deletes whose cascade reaches entities
/// the read did not hold go through.
@Suite struct AdminAPIPagingTests {
    @Test(arguments: TestBackend.available)
    func everyListingPagesThroughEverything(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            try await server.commit { _ in
                (1...3).flatMap { n -> [DirectoryChange] in
                    [
                        .createProfile(Profile(name: "Profile \(n)")),
                        .createPermissionSet(PermissionSet(name: "Set \(n)")),
                        .createApp(ConnectedApp(name: "Listed \(n)", clientID: "listed-\(n)")),
                    ]
                }
            }
            for collection in ["/apps", "/profiles", "/permission-sets", "/users"] {
                let whole = try await server.api(.get, collection + "?limit=1000", token: token)
                let all = whole.items.compactMap { $0["id"] as? String }
                #expect(all.count >= 3 || collection == "/users", "\(collection)")
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try await server.api(
                        .get, collection + "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                    #expect(page.status == 200, "\(page.text)")
                    seen += page.items.compactMap { $0["id"] as? String }
                    cursor = page.json["next"] as? String
                } while cursor != nil && seen.count <= all.count
                #expect(seen == all, "\(collection) a page at a time")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func cursorsNotMadeHereAreRefused(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            // base64url of "\0", of "a\u{1}b", of "abc" (not an event id).
            for path in ["/users?cursor=AA", "/apps?cursor=YQFi", "/audit?cursor=YWJj", "/login-history?cursor=YWJj"] {
                let answer = try await server.api(.get, path, token: token)
                #expect(answer.status == 400, "\(path): \(answer.text)")
                #expect(answer.problemPaths == ["cursor"], "\(path)")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func deletesWhoseCascadeReachesUnreadEntitiesGoThrough(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            var setID = ""
            var runnerID = ""
            var appID = ""
            try await server.commit { directory in
                let plain = Profile(name: "Plain")
                let set = PermissionSet(name: "Held")
                let holders = (1...3).map { n in
                    User(
                        username: "holder\(n)", email: "h\(n)@example.com", profile: plain.id, permissionSets: [set.id])
                }
                let runner = User(username: "runner", email: "runner@example.com", profile: plain.id)
                let app = ConnectedApp(
                    name: "Runs", clientID: "runs", grantTypes: [.clientCredentials], runAsUser: runner.id)
                (setID, runnerID, appID) = (set.id.rawValue, runner.id.rawValue, app.id.rawValue)
                return [.createProfile(plain), .createPermissionSet(set), .createUser(runner), .createApp(app)]
                    + holders.map { .createUser($0) }
            }
            let set = try await server.api(.get, "/permission-sets/\(setID)", token: token)
            let deleted = try await server.api(
                .delete, "/permission-sets/\(setID)", token: token, headers: ServerFixture.ifMatch(set.etag))
            #expect(deleted.status == 200, "a permission set three users hold: \(deleted.text)")
            let holder = try await server.api(.get, "/users?username=holder1", token: token)
            #expect((holder.items.first?["permissionSets"] as? [String]) == [])

            let runner = try await server.api(.get, "/users/\(runnerID)", token: token)
            let gone = try await server.api(
                .delete, "/users/\(runnerID)", token: token, headers: ServerFixture.ifMatch(runner.etag))
            #expect(gone.status == 200, "an app's run-as user: \(gone.text)")
            let app = try await server.api(.get, "/apps/\(appID)", token: token)
            #expect(app.json["runAsUser"] == nil || app.json["runAsUser"] is NSNull, "\(app.text)")
        }
    }
}

/// Hostile input to the admin API: aliases that expand a config document, another authentication scheme.
@Suite struct AdminAPIHostileInputTests {
    @Test(arguments: TestBackend.available)
    func aConfigDocumentWhoseAliasesExpandIsRefused(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            for level in 1...12 {
                let previous = "*a\(level - 1)"
                yaml += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
            }
            let answer = try await server.api(
                .post, "/config?dryRun=true", token: token, json: yaml, headers: [.contentType: "application/yaml"])
            #expect(answer.status == 422, "\(answer.text)")
            #expect(answer.text.contains("aliases"))
        }
    }

    /// RFC 7396: `null` removes a member. A list or text whose absence means empty is emptied; a member that always
    /// has a value cannot be removed, and the answer says which.
    @Test(arguments: TestBackend.available)
    func aMergePatchNullEmptiesWhatMayBeEmptyAndRefusesTheRest(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            let created = try await server.api(
                .post, "/users", token: token,
                json:
                    #"{"username": "nora", "email": "nora@example.com", "profile": "System Administrator", "displayName": "Nora"}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let nora = try #require(created.item["id"] as? String)
            let cleared = try await server.api(
                .patch, "/users/\(nora)", token: token, json: #"{"displayName": null, "permissionSets": null}"#,
                headers: [.ifMatch: "*"])
            #expect(cleared.status == 200, "\(cleared.text)")
            #expect(cleared.item["displayName"] as? String == "")
            for member in ["email", "profile", "username", "active"] {
                let refused = try await server.api(
                    .patch, "/users/\(nora)", token: token, json: #"{"\#(member)": null}"#, headers: [.ifMatch: "*"])
                #expect(refused.status == 422, "\(member): \(refused.text)")
                #expect(refused.text.contains("cannot be removed"), "\(member): \(refused.text)")
            }
            let app = try #require(
                try await server.api(.get, "/apps?clientId=automation", token: token).items.first?["id"] as? String)
            let scopes = try await server.api(
                .patch, "/apps/\(app)", token: token, json: #"{"scopes": null}"#, headers: [.ifMatch: "*"])
            #expect(scopes.status == 422, "\(scopes.text)")
        }
    }

    /// A name twice in one object (however escaped) is refused: one reader would take the first, another the last.
    @Test(arguments: TestBackend.available)
    func aJSONObjectWithANameTwiceIsRefused(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            for body in [
                #"{"username": "a1", "username": "a2", "email": "a@example.com", "profile": "System Administrator"}"#,
                #"{"username": "a1", "user\u006eame": "a2", "email": "a@example.com", "profile": "System Administrator"}"#,
            ] {
                let answer = try await server.api(.post, "/users", token: token, json: body)
                #expect(answer.status == 422, "\(answer.text)")
                #expect(answer.text.contains(#"the name \"username\" appears twice"#), "\(answer.text)")
            }
            // The same name in two objects, or as a value, is no duplicate.
            let fine = try await server.api(
                .post, "/users", token: token,
                json:
                    #"{"username": "email", "email": "e@example.com", "profile": "System Administrator", "permissionSets": []}"#
            )
            #expect(fine.status == 201, "\(fine.text)")
        }
    }

    @Test(arguments: TestBackend.available)
    func anotherAuthenticationSchemeIsNoAuthentication(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let basic = try await server.api(.get, "/users", token: nil, headers: [.authorization: "Basic YTpi"])
            #expect(basic.status == 401)
            let challenge = try #require(basic.headers[.wwwAuthenticate])
            #expect(challenge.hasPrefix("Bearer ") && !challenge.contains("error="), "RFC 6750 §3.1: \(challenge)")
            let empty = try await server.api(.get, "/users", token: nil, headers: [.authorization: "Bearer"])
            #expect(empty.headers[.wwwAuthenticate]?.contains(#"error="invalid_request""#) == true)
        }
    }
}
