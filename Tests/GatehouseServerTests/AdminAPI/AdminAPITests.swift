import Foundation
import GatehouseCore
import GatehouseServer
import GatehouseStorage
import GatehouseTestSupport
import HTTPTypes
import Testing

/// The admin API over real HTTP: tokens and the acting admin, entities with ETags, changes with their impact,
/// applied on this node before the answer.
@Suite struct AdminAPITests {
    @Test(arguments: TestBackend.available)
    func aRequestWithoutAGoodTokenIsAnsweredWithABearerChallenge(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let none = try await server.api(.get, "/users", token: nil)
            #expect(none.status == 401)
            #expect(none.headers[.wwwAuthenticate] == #"Bearer realm="gatehouse", scope="gatehouse.admin""#)
            #expect(none.headers[.contentType] == "application/problem+json")
            #expect(none.headers[.cacheControl] == "no-store")
            #expect(none.json["status"] as? Int == 401 && none.json["traceId"] is String)

            let forged = try await server.api(.get, "/users", token: "gha_not-a-token")
            #expect(forged.status == 401)
            #expect(forged.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)

            // A token of this server without the scope: 403 insufficient_scope (RFC 6750 §3.1).
            let token = try #require(try await server.clientCredentials("jwt-app").json["access_token"] as? String)
            let unscoped = try await server.api(.get, "/users", token: token)
            #expect(unscoped.status == 403)
            #expect(unscoped.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)
            #expect(unscoped.json["reason"] as? String == "insufficient_scope")

            // An app acting as itself (no run-as user) has no admin to act for.
            let itself = try await server.adminToken(app: "robot", runAs: nil)
            let noUser = try await server.api(.get, "/users", token: itself)
            #expect(noUser.status == 403)
            #expect(noUser.json["reason"] as? String == "no_acting_user")
        }
    }

    @Test(arguments: TestBackend.available)
    func aUserIsCreatedReadChangedWithIfMatchAndDeleted(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            let created = try await server.api(
                .post, "/users", token: token,
                json: #"{"username": "bob", "email": "bob@example.com", "profile": "System Administrator"}"#)
            #expect(created.status == 201)
            let id = try #require(created.item["id"] as? String)
            #expect(created.headers[.location] == "/admin/api/v1/users/\(id)")
            #expect(created.etag == "\"\(created.item["version"] as? Int ?? -1)\"")
            #expect(created.json["changes"] as? [String] == [#"+ user "bob""#])

            let read = try await server.api(.get, "/users/\(id)", token: token)
            #expect(read.status == 200 && read.json["username"] as? String == "bob")
            #expect(read.etag == created.etag)

            let patch = #"{"displayName": "Bob B.", "active": false}"#
            let noPrecondition = try await server.api(.patch, "/users/\(id)", token: token, json: patch)
            #expect(noPrecondition.status == 428)
            let stale = try await server.api(
                .patch, "/users/\(id)", token: token, json: patch, headers: ServerFixture.ifMatch("\"1\""))
            #expect(stale.status == 412)
            #expect(stale.etag == read.etag, "the answer names the version it is at now")
            let changed = try await server.api(
                .patch, "/users/\(id)", token: token, json: patch, headers: ServerFixture.ifMatch(read.etag))
            #expect(changed.status == 200)
            #expect(changed.item["displayName"] as? String == "Bob B." && changed.item["active"] as? Bool == false)
            #expect(changed.item["email"] as? String == "bob@example.com", "keys left out are left as they are")
            #expect(changed.etag != read.etag)
            // The same ETag again is now stale: no lost update between two admins.
            let again = try await server.api(
                .patch, "/users/\(id)", token: token, json: #"{"active": true}"#,
                headers: ServerFixture.ifMatch(read.etag))
            #expect(again.status == 412)

            let unknownKey = try await server.api(
                .patch, "/users/\(id)", token: token, json: #"{"colour": 1}"#,
                headers: ServerFixture.ifMatch(changed.etag))
            #expect(unknownKey.status == 422 && unknownKey.problemPaths == ["colour"])
            let invalid = try await server.api(
                .patch, "/users/\(id)", token: token, json: #"{"email": "nope", "profile": "Nobody"}"#,
                headers: ServerFixture.ifMatch(changed.etag))
            #expect(invalid.status == 422)
            #expect(Set(invalid.problemPaths) == ["email", "profile"], "every problem at once, in apply's paths")

            let taken = try await server.api(
                .post, "/users", token: token,
                json: #"{"username": "BOB", "email": "b@example.com", "profile": "System Administrator"}"#)
            #expect(taken.status == 409)

            let deleted = try await server.api(
                .delete, "/users/\(id)", token: token, headers: ServerFixture.ifMatch("*"))
            #expect(deleted.status == 200 && deleted.json["item"] is NSNull)
            #expect(try await server.api(.get, "/users/\(id)", token: token).status == 404)
        }
    }

    @Test(arguments: TestBackend.available)
    func listsArePagedWithCursorsAndFiltered(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            for name in ["u3", "u1", "u5", "u2", "u4"] {
                let created = try await server.api(
                    .post, "/users", token: token,
                    json:
                        #"{"username": "\#(name)", "email": "\#(name)@example.com", "profile": "System Administrator", "active": \#(name != "u4")}"#
                )
                #expect(created.status == 201)
            }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await server.api(
                    .get, "/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: token)
                #expect(page.status == 200)
                #expect(page.items.count <= 2)
                seen += page.items.compactMap { $0["username"] as? String }
                cursor = page.json["next"] as? String
                #expect(page.json.keys.contains("next"), "next is null at the end, not absent")
            } while cursor != nil
            #expect(seen == ["alice", "u1", "u2", "u3", "u4", "u5"])

            let one = try await server.api(.get, "/users?username=U3", token: token)
            #expect(one.items.map { $0["username"] as? String } == ["u3"])
            let inactive = try await server.api(.get, "/users?active=false", token: token)
            #expect(inactive.items.map { $0["username"] as? String } == ["u4"])

            #expect(try await server.api(.get, "/users?limit=0", token: token).status == 400)
            #expect(try await server.api(.get, "/users?limit=1001", token: token).status == 400)
            #expect(try await server.api(.get, "/users?cursor=%%%", token: token).status == 400)
            let typo = try await server.api(.get, "/users?usrname=u1", token: token)
            #expect(typo.status == 400, "an unknown parameter is refused, not ignored (it would list everyone)")
            #expect(typo.problemPaths == ["usrname"])
        }
    }

    @Test(arguments: TestBackend.available)
    func theSeedStoryWithCurlAlone(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            // Bob uses the deduper (a self-authorize app) and holds a grant of it.
            let app = try await server.api(
                .post, "/apps", token: token,
                json:
                    #"{"name": "Data Deduper", "callbackUrls": ["https://dedupe.example/cb"], "grantTypes": ["authorization_code", "refresh_token", "client_credentials"]}"#
            )
            #expect(app.status == 201)
            #expect((app.json["clientSecret"] as? String)?.isEmpty == false, "the secret is shown once")
            let appID = try #require(app.item["id"] as? String)
            let sales = try await server.api(.post, "/profiles", token: token, json: #"{"name": "Sales"}"#)
            #expect(sales.status == 201)
            let bob = try await server.api(
                .post, "/users", token: token,
                json: #"{"username": "bob", "email": "bob@example.com", "profile": "Sales"}"#)
            #expect(bob.status == 201)
            // Reads and listings say how many hold a profile; a change's item does not.
            #expect(sales.item["userCount"] == nil)
            let salesID = try #require(sales.item["id"] as? String)
            #expect(try await server.api(.get, "/profiles/\(salesID)", token: token).json["userCount"] as? Int == 1)
            let listed = try await server.api(.get, "/profiles", token: token).items
            #expect(listed.map { $0["name"] as? String } == ["Sales", "System Administrator"])
            #expect(listed.map { $0["userCount"] as? Int } == [1, 1])
            try await SQLSessionStore(store: server.store).recordApproval(
                Approval(
                    user: UserID(rawValue: try #require(bob.item["id"] as? String)),
                    app: ConnectedAppID(rawValue: appID),
                    scopes: Scopes(["openid"]), approvedAt: Date()))

            // The preview names who loses access; nothing changes.
            let flip = #"{"permittedUsers": "admin-approved-preauthorized"}"#
            let preview = try await server.api(
                .patch, "/apps/\(appID)?dryRun=true", token: token, json: flip, headers: ServerFixture.ifMatch(app.etag)
            )
            #expect(preview.status == 200 && preview.json["dryRun"] as? Bool == true)
            let impact = try #require(preview.json["impact"] as? [String: Any])
            let losses = try #require(impact["losses"] as? [[String: Any]])
            #expect(losses.map { $0["user"] as? String } == ["bob"])
            #expect(losses.first?["reason"] as? String == "user_not_admin_approved")
            #expect(
                try await server.api(.get, "/apps/\(appID)", token: token).etag == app.etag, "a preview changes nothing"
            )

            // The flip, and its refusal explained at once on this node.
            let flipped = try await server.api(
                .patch, "/apps/\(appID)", token: token, json: flip, headers: ServerFixture.ifMatch(app.etag))
            #expect(flipped.status == 200 && flipped.json["dryRun"] as? Bool == false)
            let refused = try await server.api(.get, "/access/explain?user=bob&app=Data%20Deduper", token: token)
            #expect(refused.status == 200)
            #expect(refused.json["allowed"] as? Bool == false)
            #expect(refused.json["reason"] as? String == "user_not_admin_approved")
            #expect(refused.json["summary"] as? String == "enable profile Sales on app Data Deduper")

            // The fix: the profile grants the app; allowed at once.
            let fixed = try await server.api(
                .patch, "/profiles/\(salesID)", token: token, json: #"{"connectedApps": ["Data Deduper"]}"#,
                headers: ServerFixture.ifMatch(sales.etag))
            #expect(fixed.status == 200)
            #expect(fixed.item["connectedApps"] as? [String] == ["Data Deduper"])
            let allowed = try await server.api(.get, "/access/explain?user=bob&app=\(appID)", token: token)
            #expect(allowed.json["allowed"] as? Bool == true, "by id as well as by name")
        }
    }

    @Test(arguments: TestBackend.available)
    func aChangeThroughTheAPIIsEnforcedOnThisNodeBeforeTheAnswer(backend: TestBackend) async throws {
        // A long poll interval: only the API's own catch-up can make the change visible in time.
        let slowPoll: @Sendable (inout ServerConfiguration) -> Void = { $0.directoryPollInterval = .seconds(30) }
        try await ServerFixture.run(backend, configure: slowPoll) { server in
            let token = try await server.adminToken()
            let apps = try await server.api(.get, "/apps?clientId=opaque-app", token: token)
            let app = try #require(apps.items.first)
            let id = try #require(app["id"] as? String)
            let version = try #require(app["version"] as? Int)
            #expect(try await server.clientCredentials("opaque-app").status == 200)
            let blocked = try await server.api(
                .patch, "/apps/\(id)", token: token, json: #"{"blocked": true}"#,
                headers: ServerFixture.ifMatch("\"\(version)\""))
            #expect(blocked.status == 200)
            let refused = try await server.clientCredentials("opaque-app")
            #expect(refused.status == 400 || refused.status == 401)
            #expect(refused.json["reason"] as? String == "app_blocked")
        }
    }

    @Test(arguments: TestBackend.available)
    func blockingTheAutomationAppOrDeactivatingItsAdminStopsItsTokensAtOnce(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            let other = try await server.adminToken(app: "other-automation")
            #expect(try await server.api(.get, "/users", token: token).status == 200)
            let found = try await server.api(.get, "/apps?clientId=automation", token: token)
            let app = try #require(found.items.first)
            let blocked = try await server.api(
                .patch, "/apps/\(try #require(app["id"] as? String))", token: other, json: #"{"blocked": true}"#,
                headers: ServerFixture.ifMatch("*"))
            #expect(blocked.status == 200)
            let refused = try await server.api(.get, "/users", token: token)
            #expect(refused.status == 401)
            #expect(refused.json["reason"] as? String == "app_blocked")

            let alice = try #require(
                try await server.api(.get, "/users?username=alice", token: other).items.first?["id"] as? String)
            let deactivated = try await server.api(
                .patch, "/users/\(alice)", token: other, json: #"{"active": false}"#,
                headers: ServerFixture.ifMatch("*"))
            #expect(deactivated.status == 200)
            let gone = try await server.api(.get, "/users", token: other)
            #expect(gone.status == 401, "the admin acting through the token is deactivated")
            #expect(gone.json["reason"] as? String == "user_inactive")
        }
    }

    @Test(arguments: TestBackend.available)
    func secretsAreRotatedShownOnceAndRetired(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            let app = try #require(try await server.api(.get, "/apps?clientId=jwt-app", token: token).items.first)
            let id = try #require(app["id"] as? String)
            let oldSecret = try #require((app["secretIds"] as? [String])?.first)
            let rotated = try await server.api(
                .post, "/apps/\(id)/secrets", token: token, headers: ServerFixture.ifMatch("*"))
            #expect(rotated.status == 200)
            let secret = try #require(rotated.json["clientSecret"] as? String)
            #expect((rotated.item["secretIds"] as? [String])?.count == 2)
            #expect(
                try await server.post("/token", ["grant_type": "client_credentials"], basic: ("jwt-app", secret)).status
                    == 200)
            let retired = try await server.api(
                .delete, "/apps/\(id)/secrets/\(oldSecret)", token: token, headers: ServerFixture.ifMatch(rotated.etag))
            #expect(retired.status == 200)
            #expect(try await server.clientCredentials("jwt-app").status == 401, "the old secret stops at once")
            let last = try #require((retired.item["secretIds"] as? [String])?.first)
            let refused = try await server.api(
                .delete, "/apps/\(id)/secrets/\(last)", token: token, headers: ServerFixture.ifMatch(retired.etag))
            #expect(refused.status == 409, "the only secret is not retired")
        }
    }

    @Test(arguments: TestBackend.available)
    func unknownPathsMethodsAndBodiesGetProblemDetails(backend: TestBackend) async throws {
        try await ServerFixture.run(backend) { server in
            let token = try await server.adminToken()
            let unknown = try await server.api(.get, "/nothing/here", token: token)
            #expect(unknown.status == 404 && unknown.headers[.contentType] == "application/problem+json")
            let method = try await server.api(.put, "/users", token: token)
            #expect(method.status == 405)
            #expect(method.headers[.allow]?.contains("POST") == true)
            let notJSON = try await server.api(.post, "/users", token: token, json: "{not json")
            #expect(notJSON.status == 422)
            let wrongType = try await server.api(
                .post, "/users", token: token, json: "{}", headers: [.contentType: "text/plain"])
            #expect(wrongType.status == 415)
            let array = try await server.api(.post, "/users", token: token, json: "[1, 2]")
            #expect(array.status == 422)
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let nested = try await server.api(.post, "/profiles", token: token, json: #"{"name": \#(deep)}"#)
            #expect(nested.status == 422 || nested.status == 413)
            let huge = try await server.api(
                .post, "/profiles", token: token,
                json: #"{"name": "\#(String(repeating: "x", count: 2 << 20))"}"#)
            #expect(huge.status == 413)
            #expect(try await server.api(.get, "/users", token: token).status == 200, "still serving")
        }
    }
}
