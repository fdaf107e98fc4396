import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// Users in the console: the list (by username, narrowed by its start or a profile), a user's page with the apps
/// they can use and why, and the changes `manage-users` makes — profile, permission sets, active — each reviewed
/// with who loses access before it is made, from the version the page was read at; unlock and a new password.
struct ConsoleUsers: Sendable {
    let console: Console
    static let pageSize = 50

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/users") { request, context in
            await console.page(request, context) { signedIn in
                let query = QueryParameters(request)
                func value(_ name: String) -> String? {
                    guard let text = query[name] else { return nil }
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    return trimmed.isEmpty ? nil : String(trimmed.prefix(200))
                }
                if let username = value("username") {  // one user by name (the links of an impact review)
                    let found = try await signedIn.admin.users(UserQuery(username: username), after: nil, limit: 1)
                    guard let user = found.items.first else { throw AdminFailure(.notFound, "no user \(username)") }
                    return Response(
                        status: .seeOther,
                        headers: [.location: "/admin/users/\(queryEscape(user.id))", .cacheControl: "no-store"])
                }
                let filter = ConsoleUserPages.Filter(prefix: value("q"), profile: value("profile"))
                let page = try await signedIn.admin.users(
                    UserQuery(profile: filter.profile, usernamePrefix: filter.prefix), after: value("after"),
                    limit: Self.pageSize)
                return ConsoleUserPages.list(
                    page, filter: filter, profiles: console.oauth.directory.current.sortedProfiles.map(\.name),
                    signedIn: signedIn)
            }
        }
        router.get("admin/users/{id}") { request, context in
            await console.page(request, context) { signedIn in
                let overview = try await signedIn.admin.userOverview(id: try Self.id(context))
                let notice = QueryParameters(request)["done"].map { String($0) }
                return ConsoleUserPages.show(
                    overview, directory: console.oauth.directory.current, notice: notice.flatMap(Self.notice),
                    signedIn: signedIn)
            }
        }
        router.post("admin/users/{id}/change") { request, context in
            await console.page(request, context, needing: .manageUsers) { signedIn in
                try await change(try Self.id(context), request, context, signedIn)
            }
        }
        // One-button actions on a user: the form carries only its CSRF token.
        typealias UserAction = @Sendable (Admin, UserID) async throws -> Void
        let unlock: UserAction = { admin, id in _ = try await admin.unlock(id) }
        let resetSecondFactors: UserAction = { admin, id in _ = try await admin.resetSecondFactors(id) }
        for (path, done, action) in [
            ("unlock", "unlocked", unlock), ("second-factors/reset", "second-factors-reset", resetSecondFactors),
        ] {
            router.post("admin/users/{id}/\(path)") { request, context in
                await console.page(request, context, needing: .manageUsers) { signedIn in
                    let form = try await FormBody.parse(request)
                    guard signedIn.session.accepts(csrf: form["csrf"]) else {
                        return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
                    }
                    let id = try Self.id(context)
                    try await action(signedIn.admin, id)
                    return Self.seeOther(id, done: done)
                }
            }
        }
        router.post("admin/users/{id}/password") { request, context in
            await console.page(request, context, needing: .manageUsers) { signedIn in
                let form = try await FormBody.parse(request)
                guard signedIn.session.accepts(csrf: form["csrf"]) else {
                    return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
                }
                let id = try Self.id(context)
                let user = try await signedIn.admin.user(id: id)
                let prepared: PreparedChange
                do {
                    prepared = try await signedIn.admin.setPassword(
                        of: user.view.summary.username, to: form["password"] ?? "",
                        from: .oneOf([try Self.version(form)]))
                } catch let failure as ValidationFailure {
                    let overview = try await signedIn.admin.userOverview(id: id)
                    return ConsoleUserPages.show(
                        overview, directory: console.oauth.directory.current,
                        passwordProblem: failure.issues.map(\.message).joined(separator: "; "), signedIn: signedIn,
                        status: .unprocessableContent)
                }
                _ = try await signedIn.admin.commit(prepared)
                await console.catchUp()
                return Self.seeOther(id, done: "password")
            }
        }
    }

    /// A posted change to the user's profile, permission sets or state: reviewed (the change and who loses access,
    /// nothing stored) unless it is the review's own confirmation, which stores it from the version the page was
    /// read at.
    private func change(
        _ id: UserID, _ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin
    ) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        let user = try await signedIn.admin.user(id: id)
        let username = user.view.summary.username
        let version = VersionCondition.oneOf([try Self.version(form)])
        let value = form["value"] ?? ""
        let admin = signedIn.admin
        let prepared: PreparedChange
        do {
            switch form["action"] {
            case "profile": prepared = try await admin.setProfile(of: username, to: value, from: version)
            case "assign": prepared = try await admin.assign(value, to: username, from: version)
            case "unassign": prepared = try await admin.unassign(value, from: username, from: version)
            case "activate": prepared = try await admin.setActive(username, true, from: version)
            case "deactivate": prepared = try await admin.setActive(username, false, from: version)
            default: throw AdminFailure(.invalid, "the form names no change: choose one on the user's page")
            }
        } catch let failure as AdminFailure {
            guard case .stale = failure.kind else { throw failure }
            let overview = try await signedIn.admin.userOverview(id: id)
            return ConsoleUserPages.show(
                overview, directory: console.oauth.directory.current,
                notice:
                    "Someone changed \(username) while you were looking. Here they are as they are now: make your change again.",
                signedIn: signedIn, status: .preconditionFailed)
        }
        guard !prepared.isEmpty else { return Self.seeOther(id, done: "unchanged") }
        guard form["confirm"] == "yes" else {
            return ConsoleUserPages.review(user, form: form, prepared: prepared, signedIn: signedIn)
        }
        _ = try await signedIn.admin.commit(prepared)
        await console.catchUp()  // in force on this node before the next page
        return Self.seeOther(id, done: "saved")
    }

    private static func id(_ context: some RequestContext) throws -> UserID {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw AdminFailure(.notFound, "no such user")
        }
        return UserID(rawValue: id)
    }

    private static func version(_ form: [String: String]) throws -> Int64 {
        guard let version = form["version"].flatMap(Int64.init) else {
            throw AdminFailure(.invalid, "the form carries no version: open the user's page and try again")
        }
        return version
    }

    /// The sentence for `?done=`.
    private static func notice(_ done: String) -> String? {
        switch done {
        case "saved": "Saved. The change is in force now."
        case "unchanged": "Nothing changed: the user already was that way."
        case "unlocked": "Unlocked: the failed sign-ins against the account are cleared, so they may sign in at once."
        case "second-factors-reset":
            "Second factors removed, with their recovery codes, and their sessions ended: they sign in with their password and set up a new authenticator app where one is required."
        case "password": "The new password is set, and their browser sessions have ended."
        default: nil
        }
    }

    private static func seeOther(_ id: UserID, done: String) -> Response {
        Response(
            status: .seeOther,
            headers: [.location: "/admin/users/\(queryEscape(id.rawValue))?done=\(done)", .cacheControl: "no-store"])
    }
}
