import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// What `manage-connected-apps` does to an app from its page besides its policies: block or unblock it (reviewed
/// with who loses access), add a client secret (shown once) and retire one (confirmed first), and create an app
/// (its secret shown once). Each change is made from the version of the app the page was read at.
struct ConsoleAppActions: Sendable {
    let console: Console

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/apps/new") { request, context in
            await console.page(request, context, needing: .manageConnectedApps) { signedIn in
                ConsoleAppActionPages.new(ConsoleAppActionPages.NewForm(), signedIn: signedIn)
            }
        }
        router.post("admin/apps/new") { request, context in
            await console.page(request, context, needing: .manageConnectedApps) { signedIn in
                try await create(request, context, signedIn)
            }
        }
        router.post("admin/apps/{id}/block") { request, context in
            await console.page(request, context, needing: .manageConnectedApps) { signedIn in
                try await block(try ConsoleAppUsage.id(context), request, context, signedIn)
            }
        }
        router.post("admin/apps/{id}/secrets") { request, context in
            await console.page(request, context, needing: .manageConnectedApps) { signedIn in
                try await secrets(try ConsoleAppUsage.id(context), request, context, signedIn)
            }
        }
    }

    private func create(_ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin) async throws
        -> Response
    {
        let form = try await FormBody.parse(request)
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        let typed = ConsoleAppActionPages.NewForm(form)
        let (spec, issues) = typed.spec()
        guard issues.isEmpty else {
            return ConsoleAppActionPages.new(typed, issues: issues, signedIn: signedIn, status: .unprocessableContent)
        }
        let prepared: PreparedSecretChange
        do {
            prepared = try await signedIn.admin.createApp(spec)
        } catch let failure as ValidationFailure {
            return ConsoleAppActionPages.new(
                typed, issues: failure.issues, signedIn: signedIn, status: .unprocessableContent)
        } catch let failure as AdminFailure where failure.kind == .conflict {
            return ConsoleAppActionPages.new(
                typed, issues: [ValidationIssue(path: "name", message: failure.description)], signedIn: signedIn,
                status: .conflict)
        }
        _ = try await signedIn.admin.commit(prepared.change)
        await console.catchUp()
        guard let app = console.oauth.directory.current.app(clientID: prepared.clientID) else {
            throw AdminFailure(.notFound, "the new app is not there yet: open Connected apps")
        }
        return ConsoleAppActionPages.secretShown(
            app, secret: prepared.secret, created: true, signedIn: signedIn)
    }

    private func block(
        _ id: ConnectedAppID, _ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin
    ) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        guard let blocks = ["block": true, "unblock": false][form["action"] ?? ""] else {
            throw AdminFailure(.invalid, "the form names no change: block or unblock the app from its page")
        }
        var spec = ConnectedAppSpec(path: "", name: "")
        spec.nameGiven = false
        spec.blocked = blocks
        let prepared = try await signedIn.admin.editApp(id, spec, from: .oneOf([try Self.version(form)]))
        guard !prepared.isEmpty else { return Self.seeOther(id) }
        guard form["confirm"] == "yes" else {
            let app = try await signedIn.admin.app(id: id)
            let path = "/admin/apps/\(queryEscape(id.rawValue))"
            return ConsoleReview.page(
                subject: app.view.summary.name,
                crumbs: """
                    <a href="/admin">Setup</a> › <a href="/admin/apps">Connected apps</a> › \
                    <a href="\(HTML.escape(path))">\(HTML.escape(app.view.summary.name))</a>
                    """,
                prepared: prepared, action: "\(path)/block",
                fields: ConsoleReview.fields(form, ["csrf", "version", "action"]),
                button: blocks ? "Block the app" : "Unblock the app", cancel: path, signedIn: signedIn)
        }
        _ = try await signedIn.admin.commit(prepared)
        await console.catchUp()
        return Self.seeOther(id)
    }

    private func secrets(
        _ id: ConnectedAppID, _ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin
    ) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        let version = VersionCondition.oneOf([try Self.version(form)])
        switch form["action"] {
        case "rotate":
            let prepared = try await signedIn.admin.rotateSecret(id, from: version)
            _ = try await signedIn.admin.commit(prepared.change)
            await console.catchUp()
            let (app, _) = try await signedIn.admin.connectedApp(id: id)
            return ConsoleAppActionPages.secretShown(app, secret: prepared.secret, created: false, signedIn: signedIn)
        case "retire":
            let secret = ClientSecretID(rawValue: String((form["secret"] ?? "").prefix(100)))
            let prepared = try await signedIn.admin.retireSecret(secret, of: id, from: version)
            guard form["confirm"] == "yes" else {
                let (app, _) = try await signedIn.admin.connectedApp(id: id)
                return ConsoleAppActionPages.confirmRetire(
                    app, secret: secret, fields: ConsoleReview.fields(form, ["csrf", "version", "action", "secret"]),
                    signedIn: signedIn)
            }
            _ = try await signedIn.admin.commit(prepared)
            await console.catchUp()
            return Self.seeOther(id)
        default:
            throw AdminFailure(.invalid, "the form names no change: add or retire a secret from the app's page")
        }
    }

    private static func version(_ form: [String: String]) throws -> Int64 {
        guard let version = form["version"].flatMap(Int64.init) else {
            throw AdminFailure(.invalid, "the form carries no version: open the app's page and try again")
        }
        return version
    }

    private static func seeOther(_ id: ConnectedAppID) -> Response {
        Response(
            status: .seeOther,
            headers: [.location: "/admin/apps/\(queryEscape(id.rawValue))?saved=1", .cacheControl: "no-store"])
    }
}
