import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// "Why can't this user use this app?": pick a user and an app (or give a trace id from a refusal), see every check
/// of the access decision with the failing one highlighted, and make a fix the refusal calls for — each one reviewed
/// with its impact and the decision it leaves before it is made.
struct ConsoleExplain: Sendable {
    let console: Console

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/explain") { request, context in
            await console.page(request, context) { signedIn in
                try await explain(request, signedIn)
            }
        }
        router.post("admin/explain/fix") { request, context in
            await console.page(request, context) { signedIn in
                let form = try await FormBody.parse(request)
                guard signedIn.session.accepts(csrf: form["csrf"]) else {
                    return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
                }
                guard let user = form["user"], let app = form["app"], let kind = form["fix"],
                    let fix = AccessFix(kind: kind, name: form["name"])
                else { throw AdminFailure(.invalid, "the form names no fix: choose one on the explanation's page") }
                let prepared = try await signedIn.admin.prepare(fix, user: user, app: app)
                guard form["confirm"] == "yes" else {
                    return ConsoleExplainPages.review(prepared, user: user, app: app, signedIn: signedIn)
                }
                _ = try await signedIn.admin.commit(prepared.prepared)
                await console.catchUp()  // in force on this node before the next page
                return Response(
                    status: .seeOther,
                    headers: [
                        .location: "/admin/explain?user=\(queryEscape(user))&app=\(queryEscape(app))&fixed=1",
                        .cacheControl: "no-store",
                    ])
            }
        }
    }

    /// The page for `?user=&app=` (names or ids), or `?trace=` (the user and app of that login event).
    private func explain(_ request: Request, _ signedIn: ConsoleAdmin) async throws -> Response {
        let query = QueryParameters(request)
        func parameter(_ name: String) -> String? {
            guard let value = query[name] else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : String(trimmed.prefix(200))
        }
        let apps = console.oauth.directory.current.sortedApps
        var form = ConsoleExplainPages.Picked(user: parameter("user"), app: parameter("app"), trace: parameter("trace"))
        var event: LoginEvent?
        if let trace = form.trace {
            do {
                event = try await signedIn.admin.loginEvent(traceID: trace, explain: false).event
            } catch let failure as AdminFailure where failure.kind == .notFound {
                return ConsoleExplainPages.page(form, problem: failure.description, apps: apps, signedIn: signedIn)
            }
            guard let userID = event?.user, let appID = event?.app else {
                return ConsoleExplainPages.page(
                    form, event: event,
                    problem: "This login event names no user or app of this Gatehouse: nothing to explain.",
                    apps: apps, signedIn: signedIn)
            }
            (form.user, form.app) = (userID.rawValue, appID.rawValue)
        }
        guard let user = form.user, let app = form.app else {
            return ConsoleExplainPages.page(form, apps: apps, signedIn: signedIn)
        }
        do {
            let diagnosis = try await signedIn.admin.diagnose(user: user, app: app)
            return ConsoleExplainPages.page(
                form, event: event, diagnosis: diagnosis, fixed: query["fixed"] != nil, apps: apps, signedIn: signedIn)
        } catch let failure as AdminFailure where failure.kind == .notFound {
            return ConsoleExplainPages.page(
                form, problem: failure.description, apps: apps, signedIn: signedIn, status: .notFound)
        }
    }
}
