import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// Profiles and permission sets in the console — the seed's "Manage Profiles / Manage Permission Sets" steps: the
/// list, one's page with the apps it grants and who holds it, and the changes made there, each reviewed with who
/// gains and who loses access before it is made: grant an app or stop granting it (from the version the page was
/// read at, `manage-profiles-and-permission-sets`), assign a permission set to a user or take it away
/// (`manage-users`).
struct ConsoleBundles: Sendable {
    let console: Console
    let kind: BundleKind
    static let pageSize = 50

    /// The path of the kind's pages, without its leading slash.
    var path: String { String(ConsoleBundlePages.path(kind).dropFirst()) }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("\(path)") { request, context in
            await console.page(request, context) { signedIn in
                let after = QueryParameters(request)["after"].map { String($0.prefix(200)) }
                let page = try await signedIn.admin.bundles(kind, name: nil, after: after, limit: Self.pageSize)
                return ConsoleBundlePages.list(page, kind: kind, signedIn: signedIn)
            }
        }
        router.get("\(path)/{id}") { request, context in
            await console.page(request, context) { signedIn in
                let query = QueryParameters(request)
                let after = query["after"].map { String($0.prefix(200)) }
                return try await show(try Self.id(context), holdersAfter: after, done: query["done"], signedIn)
            }
        }
        router.post("\(path)/{id}/change") { request, context in
            await console.page(request, context) { signedIn in
                try await change(try Self.id(context), request, context, signedIn)
            }
        }
    }

    private func show(
        _ id: String, holdersAfter after: String?, done: String?, notice: String? = nil, _ signedIn: ConsoleAdmin,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let bundle = try await signedIn.admin.bundle(kind, id: id)
        let holders =
            kind == .permissionSet
            ? try await signedIn.admin.users(
                UserQuery(permissionSet: bundle.view.name), after: after, limit: Self.pageSize) : nil
        return ConsoleBundlePages.show(
            bundle, kind: kind, holders: holders, directory: console.oauth.directory.current,
            notice: notice ?? done.flatMap { Self.notice(String($0)) }, signedIn: signedIn, status: status)
    }

    /// A posted change: reviewed (what changes, who gains and who loses access; nothing stored) unless it is the
    /// review's own confirmation, which stores it.
    private func change(
        _ id: String, _ request: Request, _ context: some RequestContext, _ signedIn: ConsoleAdmin
    ) async throws -> Response {
        var form = try await FormBody.parse(request)
        // Browsers send a text area's line breaks as CRLF; the review posts the text again in a hidden field.
        form["loginIpRanges"] = form["loginIpRanges"].map {
            $0.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        guard signedIn.session.accepts(csrf: form["csrf"]) else {
            return ConsolePages.expiredForm(signedIn: signedIn, traceID: context.id)
        }
        let action = ConsoleBundlePages.Action(rawValue: form["action"] ?? "")
        guard let action, kind == .permissionSet || !action.isAssignment, kind == .profile || action != .signInPolicy
        else {
            throw AdminFailure(.invalid, "the form names no change: choose one on the \(kind.rawValue)'s page")
        }
        guard signedIn.may(action.permission) else {
            return ConsolePages.missingPermission(action.permission, signedIn: signedIn, traceID: context.id)
        }
        let bundle = try await signedIn.admin.bundle(kind, id: id)
        let name = bundle.view.name
        let value = String((form["value"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard !value.isEmpty || action == .signInPolicy else {
            throw AdminFailure(.invalid, action.isAssignment ? "name the user" : "choose an app")
        }
        let admin = signedIn.admin
        let prepared: PreparedChange
        do {
            switch action {
            case .grant, .remove:
                guard let version = form["version"].flatMap(Int64.init) else {
                    throw AdminFailure(
                        .invalid, "the form carries no version: open the \(kind.rawValue)'s page and try again")
                }
                prepared = try await admin.setApp(
                    value, granted: action == .grant, on: kind, named: name, from: .oneOf([version]))
            case .assign: prepared = try await admin.assign(name, to: value)
            case .unassign: prepared = try await admin.unassign(name, from: value)
            case .signInPolicy:
                guard let version = form["version"].flatMap(Int64.init) else {
                    throw AdminFailure(.invalid, "the form carries no version: open the profile's page and try again")
                }
                var report = ValidationReport()
                let ranges = ConsoleFields.ranges(
                    form["loginIpRanges"] ?? "", field: "loginIpRanges", into: &report)
                if let problem = report.issues.first { throw AdminFailure(.invalid, problem.message) }
                let hours = try ConsoleBundlePages.postedHours(form)
                prepared = try await admin.changeProfile(name, from: .oneOf([version])) { profile in
                    profile.loginIPRanges = ranges
                    profile.loginHours = hours
                    // A checkbox left clear sends nothing: the form is the whole policy.
                    profile.requireSecondFactor = form["requireSecondFactor"] == "on"
                }
            }
        } catch let failure as AdminFailure {
            guard case .stale = failure.kind else { throw failure }
            return try await show(
                id, holdersAfter: nil, done: nil,
                notice:
                    "Someone changed \(name) while you were looking. Here it is as it is now: make your change again.",
                signedIn, status: .preconditionFailed)
        }
        guard !prepared.isEmpty else { return seeOther(id, done: "unchanged") }
        guard form["confirm"] == "yes" else {
            let gaining = try await gains(action, value: value, bundle: bundle, signedIn)
            return ConsoleBundlePages.review(
                bundle, kind: kind, form: form, action: action, gaining: gaining, prepared: prepared,
                signedIn: signedIn)
        }
        _ = try await admin.commit(prepared)
        await console.catchUp()  // in force on this node before the next page
        return seeOther(id, done: "saved")
    }

    /// Who gains access through the change, in words: the holders, for a granted app; the user, for an assignment.
    private func gains(
        _ action: ConsoleBundlePages.Action, value: String, bundle: Versioned<BundleFields>, _ signedIn: ConsoleAdmin
    ) async throws -> String? {
        switch action {
        case .grant:
            let holders = bundle.view.userCount ?? 0
            let holdersText = "\(holders) user\(holders == 1 ? " holds" : "s hold") \(bundle.view.name)"
            let app = console.oauth.directory.current.app(named: value)
            guard app?.permittedUsers == .adminApprovedPreauthorized else {
                return "\(holdersText). \(value) lets all users self-authorize, so this changes nothing today: "
                    + "they are pre-authorized for it if it is ever made admin-approved."
            }
            return "\(holdersText): each may use \(value) at once, without being asked to approve it."
        case .assign:
            let apps = bundle.view.connectedApps
            let reach = apps.isEmpty ? "no app" : apps.joined(separator: ", ")
            let powers = bundle.view.adminPermissions
            return "\(value) may use \(reach) at once"
                + (powers.isEmpty ? "." : ", and gets the admin permissions \(powers.joined(separator: ", ")).")
        case .remove, .unassign, .signInPolicy: return nil
        }
    }

    private static func id(_ context: some RequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw AdminFailure(.notFound, "no such profile or permission set")
        }
        return id
    }

    /// The sentence for `?done=`.
    private static func notice(_ done: String) -> String? {
        switch done {
        case "saved": "Saved. The change is in force now."
        case "unchanged": "Nothing changed: it already was that way."
        default: nil
        }
    }

    private func seeOther(_ id: String, done: String) -> Response {
        Response(
            status: .seeOther,
            headers: [.location: "/\(path)/\(queryEscape(id))?done=\(done)", .cacheControl: "no-store"])
    }
}
