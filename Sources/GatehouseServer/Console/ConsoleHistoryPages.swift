import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The pages of Login history and the Audit trail.
enum ConsoleHistoryPages {
    private static let e = HTML.escape

    /// A query's text parameters, trimmed, empty ones left out, each at most 200 characters.
    struct Parameters {
        var values: [String: String] = [:]

        init(_ query: some Sequence<(key: Substring, value: Substring)>, names: [String]) {
            for (key, value) in query where names.contains(String(key)) {
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty { values[String(key)] = String(trimmed.prefix(200)) }
            }
        }

        /// The query string of these values (and `after`), for the next page's link.
        func query(after: String?) -> String {
            var pairs = values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            pairs.removeAll { $0.0 == "after" }
            if let after { pairs.append(("after", after)) }
            return pairs.map { "\($0.0)=\(queryEscape($0.1))" }.joined(separator: "&")
        }
    }

    struct LoginFilter {
        static let names = ["user", "app", "result", "reason", "flow", "since", "until", "trace", "after"]
        var parameters: Parameters
        var user: String? { parameters.values["user"] }
        var app: String? { parameters.values["app"] }
        var result: String? { parameters.values["result"] }
        var reason: String? { parameters.values["reason"] }
        var flow: String? { parameters.values["flow"] }
        var since: String? { parameters.values["since"] }
        var until: String? { parameters.values["until"] }
        var trace: String? { parameters.values["trace"] }
        var after: String? { parameters.values["after"] }

        init(_ query: some Sequence<(key: Substring, value: Substring)>) {
            parameters = Parameters(query, names: Self.names)
        }
    }

    struct AuditFilter {
        static let names = ["actor", "targetType", "target", "since", "after"]
        var parameters: Parameters
        var actor: String? { parameters.values["actor"] }
        var targetType: String? { parameters.values["targetType"] }
        var target: String? { parameters.values["target"] }
        var since: String? { parameters.values["since"] }
        var after: String? { parameters.values["after"] }

        init(_ query: some Sequence<(key: Substring, value: Substring)>) {
            parameters = Parameters(query, names: Self.names)
        }
    }

    static func loginHistory(
        _ page: Page<LoginEventView>?, filter: LoginFilter, apps: [String], problems: [String],
        signedIn: ConsoleAdmin, status: HTTPResponse.Status = .ok
    ) -> Response {
        let rows = (page?.items ?? []).map { event in
            let refused = event.result != LoginResult.allowed.rawValue
            let outcome =
                refused
                ? "<strong>\(e(event.result == "refused" ? "Refused" : "Would refuse"))</strong>: "
                    + e(event.description ?? ConsoleWords.reason(event.reason ?? ""))
                : "Allowed"
            let user = event.user.map { #"<a href="/admin/users?username=\#(e(queryEscape($0)))">\#(e($0))</a>"# }
            let why =
                event.user != nil && event.app != nil
                ? #"<a href="/admin/explain?trace=\#(e(queryEscape(event.traceId)))">Why?</a>"# : ""
            return """
                <tr\(refused ? #" class="failed""# : "")><td>\(ConsoleTime.tag(event.time))</td>\
                <td>\(user ?? "—")</td><td>\(e(event.app ?? "—"))</td><td><code>\(e(event.flow))</code></td>\
                <td>\(outcome)</td><td>\(e(event.clientIp ?? "—"))</td><td><code>\(e(event.traceId))</code></td>\
                <td>\(why)</td></tr>
                """
        }.joined()
        func options(_ values: [String], _ chosen: String?, any: String) -> String {
            ([#"<option value="">\#(e(any))</option>"#]
                + values.map { #"<option value="\#(e($0))"\#($0 == chosen ? " selected" : "")>\#(e($0))</option>"# })
                .joined()
        }
        func field(_ name: String, _ label: String, _ value: String?, hint: String? = nil) -> String {
            """
            <p><label for="history-\(name)">\(label)</label>\
            <input type="text" id="history-\(name)" name="\(name)" value="\(e(value ?? ""))" autocomplete="off" \
            spellcheck="false"\(hint.map { #" placeholder="\#(e($0))""# } ?? "")></p>
            """
        }
        let flows = AccessFlow.allCases.map(\.rawValue)
        let results = LoginResult.allCases.map(\.rawValue)
        let table =
            page.map { page in
                page.items.isEmpty
                    ? "<p>No login event matches.</p>"
                    : """
                    <table>
                    <caption class="visually-hidden">Login events, newest first</caption>
                    <thead><tr><th scope="col">When</th><th scope="col">User</th><th scope="col">App</th>\
                    <th scope="col">Flow</th><th scope="col">Result</th><th scope="col">Client IP</th>\
                    <th scope="col">Trace id</th><th scope="col"><span class="visually-hidden">Explain</span></th></tr></thead>
                    <tbody>\(rows)</tbody>
                    </table>
                    """
            } ?? ""
        let next = page?.next.map { after in
            #"<p><a href="/admin/login-history?\#(e(filter.parameters.query(after: after)))">Older events</a></p>"#
        }
        return ConsoleLayout.page(
            title: "Login history", signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Login history</h1>
            <form method="get" action="/admin/login-history" class="pick" role="search">
            <p><label for="history-trace">Trace id</label>\
            <input type="text" id="history-trace" name="trace" value="\(e(filter.trace ?? ""))" autocomplete="off" \
            spellcheck="false"></p>
            <p><button type="submit" class="quiet">Find the event</button></p>
            </form>
            <form method="get" action="/admin/login-history" class="pick filters" role="search" aria-label="Filters">
            \(field("user", "User", filter.user, hint: "username"))
            <p><label for="history-app">App</label><select id="history-app" name="app">\(options(apps, filter.app, any: "Any app"))</select></p>
            <p><label for="history-result">Result</label><select id="history-result" name="result">\(options(results, filter.result, any: "Any result"))</select></p>
            <p><label for="history-flow">Flow</label><select id="history-flow" name="flow">\(options(flows, filter.flow, any: "Any flow"))</select></p>
            \(field("reason", "Reason code", filter.reason, hint: "user_not_admin_approved"))
            \(field("since", "From", filter.since, hint: "24h or 2026-11-30T10:00:00Z"))
            \(field("until", "Before", filter.until, hint: "1h or 2026-11-30T12:00:00Z"))
            <p><button type="submit">Show</button> <a href="/admin/login-history">Clear</a></p>
            </form>
            \(problems.isEmpty ? "" : #"<div class="problem" role="alert">\#(problems.map { "<p>\(e($0))</p>" }.joined())</div>"#)
            \(table)
            \(next ?? "")
            """)
    }

    static func audit(
        _ page: Page<AuditEvent>?, filter: AuditFilter, problems: [String], signedIn: ConsoleAdmin,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let rows = (page?.items ?? []).map { event in
            """
            <tr><td>\(ConsoleTime.tag(event.occurredAt.formatted(.iso8601)))</td><td>\(e(event.actor))</td>\
            <td><code>\(e(event.action.rawValue))</code></td><td>\(e(event.targetType.rawValue)) \
            <strong>\(e(event.target))</strong></td><td>\(changes(event))</td><td>\(e(event.sourceIP ?? "—"))</td></tr>
            """
        }.joined()
        let kinds =
            ([#"<option value="">Any kind</option>"#]
            + EntityKind.allCases.map {
                #"<option value="\#($0.rawValue)"\#($0.rawValue == filter.targetType ? " selected" : "")>\#($0.noun)</option>"#
            }).joined()
        let table =
            page.map { page in
                page.items.isEmpty
                    ? "<p>No setup change matches.</p>"
                    : """
                    <table>
                    <caption class="visually-hidden">Setup changes, newest first</caption>
                    <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th>\
                    <th scope="col">What</th><th scope="col">Before → after</th><th scope="col">From</th></tr></thead>
                    <tbody>\(rows)</tbody>
                    </table>
                    """
            } ?? ""
        let next = page?.next.map { after in
            #"<p><a href="/admin/audit?\#(e(filter.parameters.query(after: after)))">Older changes</a></p>"#
        }
        return ConsoleLayout.page(
            title: "Audit trail", signedIn: signedIn, status: status,
            """
            <p class="crumbs"><a href="/admin">Setup</a></p>
            <h1>Setup audit trail</h1>
            <form method="get" action="/admin/audit" class="pick filters" role="search" aria-label="Filters">
            <p><label for="audit-actor">Who</label><input type="text" id="audit-actor" name="actor" \
            value="\(e(filter.actor ?? ""))" autocomplete="off" spellcheck="false" placeholder="console:alice"></p>
            <p><label for="audit-kind">Kind</label><select id="audit-kind" name="targetType">\(kinds)</select></p>
            <p><label for="audit-target">Name</label><input type="text" id="audit-target" name="target" \
            value="\(e(filter.target ?? ""))" autocomplete="off" spellcheck="false"></p>
            <p><label for="audit-since">From</label><input type="text" id="audit-since" name="since" \
            value="\(e(filter.since ?? ""))" autocomplete="off" spellcheck="false" placeholder="7d"></p>
            <p><button type="submit">Show</button> <a href="/admin/audit">Clear</a></p>
            </form>
            \(problems.isEmpty ? "" : #"<div class="problem" role="alert">\#(problems.map { "<p>\(e($0))</p>" }.joined())</div>"#)
            \(table)
            \(next ?? "")
            """)
    }

    /// The fields a setup change changed, each before and after (a creation or deletion: the whole entity).
    static func changes(_ event: AuditEvent) -> String {
        let before = fields(event.before)
        let after = fields(event.after)
        let keys = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        guard !keys.isEmpty else { return "—" }
        let items = keys.map { key in
            let was = before[key].map { "<del>\(e($0))</del>" } ?? "<span class=\"muted\">none</span>"
            let now = after[key].map { "<ins>\(e($0))</ins>" } ?? "<span class=\"muted\">none</span>"
            return "<li><code>\(e(key))</code>: \(was) → \(now)</li>"
        }
        return "<ul class=\"plain changes\">\(items.joined())</ul>"
    }

    /// The top-level fields of an audit snapshot (JSON), each as compact JSON text.
    private static func fields(_ json: String?) -> [String: String] {
        guard let json, let data = json.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var fields: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String {
                fields[key] = text
            } else if let encoded = try? JSONSerialization.data(
                withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
            {
                fields[key] = String(decoding: encoded, as: UTF8.self)
            }
        }
        return fields
    }
}
