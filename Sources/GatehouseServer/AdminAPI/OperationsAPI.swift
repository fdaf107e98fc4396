import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import GatehouseStorage
import Hummingbird
import NIOCore

/// `/login-history`, `/audit`, `/keys` and `/config`.
struct OperationsAPI: Sendable {
    let api: AdminAPI

    func addRoutes<Context>(to routes: AdminRoutes<Context>) {
        routes.on(
            .get, "login-history",
            query: ["user", "app", "result", "reason", "flow", "since", "until", "limit", "cursor"]
        ) { request in
            let (after, limit) = try request.paging(numeric: true)
            let query = LoginEventQuery(
                result: try request.enumeration("result"), reason: request.query["reason"],
                flow: try request.enumeration("flow"), since: try request.time("since"),
                until: try request.time("until"))
            return try request.page(
                try await request.admin.loginEvents(
                    query, username: request.query["user"], app: request.query["app"], after: after, limit: limit))
        }
        routes.on(.get, "login-history/{traceId}", query: ["explain"]) { request in
            let details = try await request.admin.loginEvent(
                traceID: request.parameter("traceId"), explain: try request.flag("explain") ?? true)
            return try request.json(
                LoginEventBody(
                    event: LoginEventView(details.event), now: details.explanation.map(ExplanationView.init)))
        }
        routes.on(.get, "audit", query: ["actor", "target", "targetType", "since", "limit", "cursor"]) { request in
            let (after, limit) = try request.paging(numeric: true)
            let query = AuditQuery(
                actor: request.query["actor"], targetType: try request.enumeration("targetType"),
                target: request.query["target"], since: try request.time("since"))
            return try request.page(try await request.admin.auditEvents(query, after: after, limit: limit))
        }
        routes.on(.get, "keys") { request in
            let now = api.services.now()
            let ring = try await request.admin.signingKeys()
            return try request.json(KeysBody(items: ring.keys.map { SigningKeyView($0, at: now) }))
        }
        routes.on(.post, "keys/rotate", query: ["algorithm", "publishFor"]) { request in
            let algorithm: SigningAlgorithm? = try request.enumeration("algorithm")
            var delay = 600.0
            if let text = request.query["publishFor"] {
                guard let duration = PolicyDuration(parsing: text), duration.seconds <= 30 * 86_400 else {
                    throw APIProblem.badRequest(
                        "publishFor must be a duration of at most 30d, such as 10m or 0s", path: "publishFor")
                }
                delay = Double(duration.seconds)
            }
            let created = try await request.admin.rotateSigningKeys(algorithm, publicationDelay: delay)
            await api.catchUp()
            let now = api.services.now()
            return try request.json(KeysBody(items: created.map { SigningKeyView($0, at: now) }), status: .created)
        }
        routes.on(.get, "config") { request in
            let accept = (request.request.headers[.accept] ?? "").lowercased()
            let yaml = accept.contains("yaml") && !accept.contains("json")
            let text = yaml ? try await request.admin.export() : try await request.admin.exportJSON()
            return Response(
                status: .ok, headers: [.contentType: yaml ? "application/yaml" : "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        routes.on(.post, "config", query: ["dryRun"]) { request in
            // Applying, or previewing, a whole document needs all three (the document may hold hashes): checked
            // before a body of up to 64 MiB is read.
            try request.admin.require(allOf: [.manageUsers, .manageProfilesAndPermissionSets, .manageConnectedApps])
            let type = (request.request.headers[.contentType] ?? "").lowercased()
            let isJSON = type.hasPrefix("application/json")
            guard isJSON || ["application/yaml", "text/yaml", "application/x-yaml"].contains(where: type.hasPrefix)
            else {
                throw APIProblem.unsupportedMediaType(
                    "send the config document as application/yaml or application/json")
            }
            let data = try await request.body(limit: 64 << 20)
            let document =
                isJSON
                ? try ConfigReader.read(json: data)
                : try ConfigReader.read(yaml: String(decoding: data, as: UTF8.self))
            let plan = try await request.admin.planApply(document)
            return try await request.change(
                plan.change, item: { _, _ -> Versioned<UserView>? in nil },
                generatedSecrets: plan.generatedSecrets.map {
                    GeneratedSecret(app: $0.app, clientId: $0.clientID, clientSecret: $0.secret)
                })
        }
    }
}

private struct LoginEventBody: Encodable {
    var event: LoginEventView
    var now: ExplanationView?
}

private struct KeysBody: Encodable {
    var items: [SigningKeyView]
}

extension AdminRequest {
    /// `?name=` as one of an enumeration's values.
    func enumeration<Value: RawRepresentable & CaseIterable>(_ name: String) throws(APIProblem) -> Value?
    where Value.RawValue == String {
        guard let text = query[name] else { return nil }
        guard let value = Value(rawValue: text) else {
            throw .badRequest(
                "\(name) must be one of: \(Value.allCases.map(\.rawValue).joined(separator: ", "))", path: name)
        }
        return value
    }

    /// `?name=` as an ISO 8601 time or an age (`90m`, `24h`, `7d`).
    func time(_ name: String) throws(APIProblem) -> Date? {
        guard let text = query[name] else { return nil }
        guard let time = AdminTime.parse(text, now: api.services.now()) else {
            throw .badRequest(
                "\(name) must be an ISO 8601 time (2026-11-30T10:00:00Z) or an age (90m, 24h, 7d)", path: name)
        }
        return time
    }
}
