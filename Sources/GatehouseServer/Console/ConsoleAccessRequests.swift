import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// Access requests in the console: the queue, one request with why its user is refused and each grant that would
/// let them in (with what else it gives), approve through one, or decline with a note. `manage-users` throughout;
/// approving through a profile needs `manage-profiles-and-permission-sets` too (the admin library checks both).
struct ConsoleAccessRequests: Sendable {
    let console: Console
    static let pageSize = 50

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/access-requests") { request, context in
            await console.page(request, context, needing: .manageUsers) { signedIn in
                let state = Self.state(QueryParameters(request)["state"])
                let after = QueryParameters(request)["after"]
                let page = try await signedIn.admin.accessRequests(
                    state: state.flatMap(AccessRequest.State.init), after: after, limit: Self.pageSize)
                return ConsoleAccessRequestPages.list(page, state: state ?? "all", signedIn: signedIn)
            }
        }
        router.get("admin/access-requests/{id}") { request, context in
            await console.page(request, context, needing: .manageUsers) { signedIn in
                let review = try await signedIn.admin.review(accessRequest: try Self.id(context))
                return ConsoleAccessRequestPages.show(review, signedIn: signedIn)
            }
        }
        router.post("admin/access-requests/{id}/approve") { request, context in
            await console.page(request, context, needing: .manageUsers) { signedIn in
                let form = try await FormBody.parse(request)
                guard signedIn.session.accepts(csrf: form["csrf"]) else {
                    return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
                }
                guard let kind = form["kind"], let name = form["name"],
                    let grant = AccessRequest.Grant(kind: kind, name: name)
                else { throw AdminFailure(.invalid, "the form names no grant: choose one on the request's page") }
                let id = try Self.id(context)
                _ = try await signedIn.admin.approve(accessRequest: id, through: grant)
                await console.catchUp()  // in force on this node before the next page
                return Self.seeOther(id)
            }
        }
        router.post("admin/access-requests/{id}/decline") { request, context in
            await console.page(request, context, needing: .manageUsers) { signedIn in
                let form = try await FormBody.parse(request)
                guard signedIn.session.accepts(csrf: form["csrf"]) else {
                    return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
                }
                let id = try Self.id(context)
                _ = try await signedIn.admin.decline(accessRequest: id, note: form["note"])
                return Self.seeOther(id)
            }
        }
    }

    /// `?state=`: pending (the default), approved, declined, or all (nil).
    private static func state(_ text: String?) -> String? {
        guard let text else { return AccessRequest.State.pending.rawValue }
        return AccessRequest.State(rawValue: text)?.rawValue
    }

    private static func id(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw AdminFailure(.notFound, "no such access request")
        }
        return id
    }

    private static func seeOther(_ id: String) -> Response {
        Response(
            status: .seeOther,
            headers: [.location: "/admin/access-requests/\(queryEscape(id))", .cacheControl: "no-store"])
    }
}
