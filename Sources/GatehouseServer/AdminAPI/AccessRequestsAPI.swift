import Foundation
import GatehouseAdmin
import GatehouseCore
import Hummingbird

/// `/access-requests`: users' requests for admin-approved apps — list (newest first, by state), read with why the
/// user is refused and the grants that would let them in, approve through one of those grants, decline with a note.
struct AccessRequestsAPI: Sendable {
    let api: AdminAPI

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        routes.on(.get, "access-requests", query: ["state", "limit", "cursor"]) { request in
            let (after, limit) = try request.paging()
            return try request.page(
                try await request.admin.accessRequests(state: try Self.state(request), after: after, limit: limit))
        }
        routes.on(.get, "access-requests/{id}") { request in
            try request.json(
                AccessRequestDetails(try await request.admin.review(accessRequest: request.parameter("id"))))
        }
        routes.on(.post, "access-requests/{id}/approve") { request in
            try request.admin.require(.manageUsers)
            let body = try await Self.object(request, allowing: ["profile", "permissionSet"])
            let grant: AccessRequest.Grant
            switch (body["profile"], body["permissionSet"]) {
            case (let profile?, nil): grant = .profile(profile)
            case (nil, let set?): grant = .permissionSet(set)
            default:
                throw APIProblem.invalid([
                    ValidationIssue(
                        path: "", message: "name exactly one grant: {\"profile\": …} or {\"permissionSet\": …}")
                ])
            }
            let id = request.parameter("id")
            let committed = try await request.admin.approve(accessRequest: id, through: grant)
            return try await Self.decided(id, committed, request)
        }
        routes.on(.post, "access-requests/{id}/decline") { request in
            try request.admin.require(.manageUsers)
            let body = try await Self.object(request, allowing: ["note"], emptyAllowed: true)
            let id = request.parameter("id")
            let committed = try await request.admin.decline(accessRequest: id, note: body["note"])
            return try await Self.decided(id, committed, request)
        }
    }

    /// `?state=pending` (the default), `approved`, `declined` or `all`.
    private static func state(_ request: AdminRequest) throws(APIProblem) -> AccessRequest.State? {
        guard let text = request.query["state"] else { return .pending }
        if text == "all" { return nil }
        guard let state = AccessRequest.State(rawValue: text) else {
            throw .badRequest("state must be pending, approved, declined or all", path: "state")
        }
        return state
    }

    /// A small JSON object of string fields: each key one of `allowing`, each value a string.
    private static func object(
        _ request: AdminRequest, allowing keys: Set<String>, emptyAllowed: Bool = false
    ) async throws -> [String: String] {
        let type = (request.request.headers[.contentType] ?? "").lowercased()
        let data = try await request.body(limit: 16 << 10)
        if data.isEmpty, emptyAllowed { return [:] }
        guard type.hasPrefix("application/json") else {
            throw APIProblem.unsupportedMediaType("send the body as application/json")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw APIProblem.invalid([ValidationIssue(path: "", message: "the body must be a JSON object")])
        }
        var fields: [String: String] = [:]
        for (key, value) in object {
            guard keys.contains(key) else {
                throw APIProblem.invalid([
                    ValidationIssue(
                        path: key, message: "unknown field (expected \(keys.sorted().joined(separator: " or ")))")
                ])
            }
            guard let text = value as? String else {
                throw APIProblem.invalid([ValidationIssue(path: key, message: "must be a string")])
            }
            fields[key] = text
        }
        return fields
    }

    /// What a decision did: its sentences and the request as it now stands, applied on this node first.
    private static func decided(_ id: String, _ committed: CommittedChange, _ request: AdminRequest)
        async throws -> Response
    {
        await request.api.catchUp()
        return try request.json(
            DecisionBody(changes: committed.summaries, item: try await request.admin.accessRequest(id: id)))
    }
}

/// An access request decided.
struct DecisionBody: Encodable {
    var changes: [String]
    var item: AccessRequestView
}
