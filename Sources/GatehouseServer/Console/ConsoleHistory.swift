import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// Login history and the setup audit trail in the console (`view-audit-trail`): the CLI's filters, a trace-id box,
/// newest first and paged by event id (an index walk, however many millions of rows there are); each login event
/// opens "Why can't this user use this app?", each setup change shows its fields before and after.
struct ConsoleHistory: Sendable {
    let console: Console
    static let pageSize = 50

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("admin/login-history") { request, context in
            await console.page(request, context, needing: .viewAuditTrail) { signedIn in
                try await loginHistory(ConsoleHistoryPages.LoginFilter(QueryParameters(request)), signedIn)
            }
        }
        router.get("admin/audit") { request, context in
            await console.page(request, context, needing: .viewAuditTrail) { signedIn in
                try await audit(ConsoleHistoryPages.AuditFilter(QueryParameters(request)), signedIn)
            }
        }
    }

    private func loginHistory(_ filter: ConsoleHistoryPages.LoginFilter, _ signedIn: ConsoleAdmin) async throws
        -> Response
    {
        let apps = console.oauth.directory.current.sortedApps.map(\.name)
        let now = console.oauth.now()
        var problems: [String] = []
        let result = filter.result.flatMap { LoginResult(rawValue: $0) }
        if filter.result != nil && result == nil { problems.append("Choose a result from the list.") }
        let flow = filter.flow.flatMap { AccessFlow(rawValue: $0) }
        if filter.flow != nil && flow == nil { problems.append("Choose a flow from the list.") }
        let since = filter.since.flatMap { AdminTime.parse($0, now: now) }
        if filter.since != nil && since == nil { problems.append(Self.badTime("From", filter.since)) }
        let until = filter.until.flatMap { AdminTime.parse($0, now: now) }
        if filter.until != nil && until == nil { problems.append(Self.badTime("Before", filter.until)) }
        if let app = filter.app, console.oauth.directory.current.app(named: app) == nil,
            console.oauth.directory.current.app(clientID: app) == nil
        {
            problems.append("No connected app is named \(app).")
        }
        guard problems.isEmpty else {
            return ConsoleHistoryPages.loginHistory(
                nil, filter: filter, apps: apps, problems: problems, signedIn: signedIn, status: .unprocessableContent)
        }
        let query = LoginEventQuery(
            result: result, reason: filter.reason, flow: flow, since: since, until: until, traceID: filter.trace)
        let page = try await signedIn.admin.loginEvents(
            query, username: filter.user, app: filter.app, after: filter.after, limit: Self.pageSize)
        return ConsoleHistoryPages.loginHistory(page, filter: filter, apps: apps, problems: [], signedIn: signedIn)
    }

    private func audit(_ filter: ConsoleHistoryPages.AuditFilter, _ signedIn: ConsoleAdmin) async throws -> Response {
        let since = filter.since.flatMap { AdminTime.parse($0, now: console.oauth.now()) }
        let kind = filter.targetType.flatMap { EntityKind(rawValue: $0) }
        var problems: [String] = []
        if filter.since != nil && since == nil { problems.append(Self.badTime("From", filter.since)) }
        if filter.targetType != nil && kind == nil { problems.append("Choose a kind from the list.") }
        guard problems.isEmpty else {
            return ConsoleHistoryPages.audit(
                nil, filter: filter, problems: problems, signedIn: signedIn, status: .unprocessableContent)
        }
        let query = AuditQuery(actor: filter.actor, targetType: kind, target: filter.target, since: since)
        let page = try await signedIn.admin.auditEvents(query, after: filter.after, limit: Self.pageSize)
        return ConsoleHistoryPages.audit(page, filter: filter, problems: [], signedIn: signedIn)
    }

    private static func badTime(_ label: String, _ text: String?) -> String {
        "\(label): “\(text ?? "")” is neither a time (2026-11-30T10:00:00Z) nor an age (90m, 24h, 7d)."
    }
}
