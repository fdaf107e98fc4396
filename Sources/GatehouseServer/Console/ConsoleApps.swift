import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// Connected apps in the console: the list, an app's page with every policy, and changing policies the seed's way —
/// the change is reviewed with its impact (who loses access, how many live grants end) before it is saved.
struct ConsoleApps: Sendable {
    let console: Console
    static let pageSize = 50

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/apps") { request, context in
            await console.page(request, context) { signedIn in
                let after = QueryParameters(request)["after"]
                let page = try await signedIn.admin.apps(AppQuery(), after: after, limit: Self.pageSize)
                return ConsoleAppPages.list(page, signedIn: signedIn)
            }
        }
        router.get("admin/apps/{id}") { request, context in
            await console.page(request, context) { signedIn in
                let app = try await signedIn.admin.app(id: try Self.id(context))
                let grants = try await console.store.liveGrantCount(app: ConnectedAppID(rawValue: app.id), user: nil)
                let saved = QueryParameters(request)["saved"] != nil
                let (current, version) = try await signedIn.admin.connectedApp(id: ConnectedAppID(rawValue: app.id))
                return ConsoleAppPages.show(
                    app, liveGrants: grants, saved: saved,
                    controls: ConsoleAppActionPages.controls(current, version: version, signedIn: signedIn),
                    signedIn: signedIn)
            }
        }
        router.get("admin/apps/{id}/edit") { request, context in
            await console.page(request, context, needing: .manageConnectedApps) { signedIn in
                let (app, version) = try await current(try Self.id(context), signedIn)
                return ConsoleAppPages.edit(app, form: ConsoleAppForm(app), version: version, signedIn: signedIn)
            }
        }
        router.post("admin/apps/{id}/edit") { request, context in
            await console.page(request, context, needing: .manageConnectedApps) { signedIn in
                try await change(try Self.id(context), request, context, signedIn)
            }
        }
    }

    private static func id(_ context: some RequestContext) throws -> ConnectedAppID {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw AdminFailure(.notFound, "no such app")
        }
        return ConnectedAppID(rawValue: id)
    }

    /// The app and its version, from one read of the database (not this node's copy, which may not have caught up:
    /// a form filled from it with a newer version would undo another node's change).
    private func current(_ id: ConnectedAppID, _ signedIn: ConsoleAdmin) async throws -> (ConnectedApp, Int64) {
        try await signedIn.admin.connectedApp(id: id)
    }

    /// A posted policy form: reviewed (the change and its impact, nothing stored) unless it is the review's own
    /// confirmation, which stores exactly what was reviewed, from the version the form was read at.
    private func change(
        _ id: ConnectedAppID, _ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin
    ) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        let (app, current) = try await self.current(id, signedIn)
        let posted = ConsoleAppForm(posted: form, over: app)
        guard let version = form["version"].flatMap(Int64.init) else {
            throw AdminFailure(.invalid, "the form carries no version: open the app's page and edit again")
        }
        let (spec, unreadable) = posted.spec(for: app)
        let prepared: PreparedChange
        do {
            prepared = try await signedIn.admin.editApp(id, spec, from: .oneOf([version]))
            guard unreadable.isEmpty else { throw ValidationFailure([]) }
        } catch let failure as ValidationFailure {
            return ConsoleAppPages.edit(
                app, form: posted, version: version, issues: unreadable + failure.issues, signedIn: signedIn,
                status: .unprocessableContent)
        } catch let failure as AdminFailure {
            if case .stale = failure.kind {
                return ConsoleAppPages.edit(
                    app, form: ConsoleAppForm(app), version: current, signedIn: signedIn,
                    notice:
                        "Someone changed this app while you were editing it. Here it is as it is now: make your change again.",
                    status: .preconditionFailed)
            }
            throw failure
        }
        guard form["confirm"] == "yes" else {
            return ConsoleAppPages.review(app, form: posted, version: version, prepared: prepared, signedIn: signedIn)
        }
        if !prepared.isEmpty {
            _ = try await signedIn.admin.commit(prepared)
            await console.catchUp()  // in force on this node before the next page
        }
        return Response(
            status: .seeOther,
            headers: [.location: "/admin/apps/\(queryEscape(id.rawValue))?saved=1", .cacheControl: "no-store"])
    }
}
