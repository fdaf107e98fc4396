import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// An app's OAuth usage in the console: the users who hold live grants (since when, last used, scopes) and the
/// users' approvals of it, each paged; one user's grants or all of them revoked after a confirmation that says how
/// many end (`manage-connected-apps`, or `manage-users` for one user's).
struct ConsoleAppUsage: Sendable {
    let console: Console
    static let pageSize = 50

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/apps/{id}/usage") { request, context in
            await console.page(request, context) { signedIn in
                let query = QueryParameters(request)
                func cursor(_ name: String) -> String? { query[name].map { String($0.prefix(200)) } }
                let id = try Self.id(context)
                let app = try await signedIn.admin.app(id: id)
                let grants = try await signedIn.admin.grants(
                    app: id, user: nil, after: cursor("after"), limit: Self.pageSize)
                let approvals = try await signedIn.admin.approvals(
                    user: nil, app: id.rawValue, after: cursor("approvalsAfter"), limit: Self.pageSize)
                let done = query["revoked"].flatMap { Int($0) }.map {
                    "Revoked: \($0) grant\($0 == 1 ? "" : "s") ended, with the approvals behind them."
                }
                return ConsoleAppUsagePages.usage(
                    app, grants: grants, approvals: approvals, notice: done, signedIn: signedIn)
            }
        }
        router.post("admin/apps/{id}/revoke") { request, context in
            await console.page(request, context) { signedIn in
                try await revoke(try Self.id(context), request, context, signedIn)
            }
        }
    }

    /// A posted revocation: confirmed first (how many grants end, nothing ended), then made.
    private func revoke(
        _ id: ConnectedAppID, _ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin
    ) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        let user = form["user"].flatMap { $0.isEmpty ? nil : UserID(rawValue: String($0.prefix(200))) }
        let permitted =
            user == nil
            ? signedIn.may(.manageConnectedApps) : signedIn.may(.manageUsers) || signedIn.may(.manageConnectedApps)
        guard permitted else {
            return ConsolePages.missingPermission(
                user == nil ? .manageConnectedApps : .manageUsers, signedIn: signedIn, traceID: context.id)
        }
        let app = try await signedIn.admin.app(id: id)
        var username: String?
        if let user { username = try await signedIn.admin.user(id: user).view.summary.username }
        // Where the admin came from: the app's usage, or the approvals page (one user's revocation only).
        let fromApprovals = user != nil && form["from"] == "approvals"
        guard form["confirm"] == "yes" else {
            let count = try await signedIn.admin.revokeGrants(ofApp: id, user: user, dryRun: true)
            return ConsoleAppUsagePages.confirmRevoke(
                app, user: user.map { ($0, username ?? $0.rawValue) }, count: count, fromApprovals: fromApprovals,
                signedIn: signedIn)
        }
        let revoked = try await signedIn.admin.revokeGrants(ofApp: id, user: user)
        await console.catchUp()
        return Response(
            status: .seeOther,
            headers: [
                .location: fromApprovals
                    ? "/admin/approvals?revoked=\(revoked)"
                    : "/admin/apps/\(queryEscape(id.rawValue))/usage?revoked=\(revoked)",
                .cacheControl: "no-store",
            ])
    }

    static func id(_ context: some RequestContext) throws -> ConnectedAppID {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw AdminFailure(.notFound, "no such app")
        }
        return ConnectedAppID(rawValue: id)
    }
}
