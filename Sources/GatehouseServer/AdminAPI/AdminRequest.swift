import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One admin API request, authenticated: the acting admin, the path's parameters, the query, the body, and the
/// answers every resource gives alike (an entity with its ETag, a page, a change with its impact).
struct AdminRequest: Sendable {
    let admin: Admin
    let api: AdminAPI
    let request: Request
    let parameters: [String: String]
    let query: [String: String]
    let traceID: String
    let logger: Logger

    /// Authenticates, reads the query (refusing parameters the operation does not take), runs `handler`, and turns
    /// what it throws into problem details. Every answer is `Cache-Control: no-store`.
    static func respond(
        _ request: Request, _ context: some RequestContext, api: AdminAPI, accepted: [String],
        _ handler: @Sendable (AdminRequest) async throws -> Response
    ) async -> Response {
        let hasIfMatch = request.headers[.ifMatch] != nil
        do {
            var admin = try await api.actingAdmin(
                request, traceID: context.id, clientIP: clientAddress(request, context))
            let query = try Self.query(of: request, accepting: accepted)
            // Only a dry run may be prepared by an admin who can see the setup but not change it.
            if let dryRun = query["dryRun"], dryRun != "true", dryRun != "false" {
                throw APIProblem.badRequest("dryRun must be true or false", path: "dryRun")
            }
            admin.preparesToCommit = query["dryRun"] != "true"
            var parameters: [String: String] = [:]
            for (key, value) in context.parameters {
                guard !value.unicodeScalars.contains("\u{0}") else {
                    throw APIProblem.notFound("no admin API resource at \(request.uri.path)")
                }
                parameters[String(key)] = String(value)
            }
            var response = try await handler(
                AdminRequest(
                    admin: admin, api: api, request: request, parameters: parameters, query: query,
                    traceID: context.id, logger: context.logger))
            response.headers[.cacheControl] = "no-store"
            return response
        } catch {
            return APIProblem.from(error, ifMatch: hasIfMatch, logger: context.logger).response(traceID: context.id)
        }
    }

    private static func query(of request: Request, accepting accepted: [String]) throws(APIProblem)
        -> [String: String]
    {
        guard let all = FormBody.decodeAll(request.uri.query ?? "") else {
            throw .badRequest("the query string is not valid percent-encoding")
        }
        var query: [String: String] = [:]
        for (name, values) in all {
            if name.unicodeScalars.contains("\u{0}") || values.contains(where: { $0.unicodeScalars.contains("\u{0}") })
            {
                throw .badRequest("query parameters must not contain the NUL character (U+0000)")
            }
            guard accepted.contains(name) else {
                let known = accepted.isEmpty ? "none" : accepted.joined(separator: ", ")
                throw .badRequest("unknown query parameter \"\(name)\" (this operation takes: \(known))", path: name)
            }
            guard values.count == 1 else { throw .badRequest("query parameter \(name) is repeated", path: name) }
            query[name] = values[0]
        }
        return query
    }

    /// Refuses a change the acting admin may not make, or a dry run they may not preview (each permission, or
    /// `view-setup`), before its body is read: an admin who may not make it learns that first, not what is wrong
    /// with the body, and reads of large bodies are for those who may send them.
    func mayChange(_ permissions: AdminPermission...) throws(AdminFailure) {
        for permission in permissions { try admin.requireToPrepare(permission) }
    }

    // MARK: Reading the request

    /// The path parameter `name` (always present: the route names it).
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// `?limit=` (default 100, 1 to 1,000) and `?cursor=` (a page boundary this API gave; `numeric` for the audit
    /// trail and login history, whose boundaries are event ids).
    func paging(numeric: Bool = false) throws(APIProblem) -> (after: String?, limit: Int) {
        var limit = 100
        if let text = query["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else {
                throw .badRequest("limit must be a whole number from 1 to 1000", path: "limit")
            }
            limit = value
        }
        var after: String?
        if let cursor = query["cursor"] {
            guard let key = Cursor.decode(cursor), !numeric || Int64(key).map({ $0 > 0 }) == true else {
                throw .badRequest(
                    "cursor is not one this API gave (use the \"next\" of the previous page)", path: "cursor")
            }
            after = key
        }
        return (after, limit)
    }

    /// `?name=true|false`; nil when absent.
    func flag(_ name: String) throws(APIProblem) -> Bool? {
        guard let text = query[name] else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw .badRequest("\(name) must be true or false", path: name)
        }
    }

    var isDryRun: Bool {
        get throws(APIProblem) { try flag("dryRun") ?? false }
    }

    /// `If-Match` (RFC 9110 §13.1.1), required on every change to an existing entity: `*`, or the ETags of the
    /// versions read. Weak tags never match (strong comparison).
    func ifMatch() throws(APIProblem) -> VersionCondition {
        guard let header = request.headers[.ifMatch] else { throw .preconditionRequired() }
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if tags == ["*"] { return .any }
        return .oneOf(
            tags.compactMap { tag in
                guard tag.count >= 2, tag.hasPrefix("\""), tag.hasSuffix("\"") else { return nil }
                return Int64(tag.dropFirst().dropLast())
            })
    }

    /// The body as JSON (`application/json`, or `application/merge-patch+json` for a PATCH), at most `limit` bytes.
    func jsonBody(limit: Int = 1 << 20) async throws -> Data {
        let type = (request.headers[.contentType] ?? "").lowercased()
        let mediaType = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard ["application/json", "application/merge-patch+json"].contains(mediaType) else {
            throw APIProblem.unsupportedMediaType("send the body as application/json")
        }
        return try await body(limit: limit)
    }

    func body(limit: Int) async throws -> Data {
        do {
            return Data(try await request.body.collect(upTo: limit).readableBytesView)
        } catch {
            throw APIProblem(
                .contentTooLarge, "urn:gatehouse:problem:too-large", "Body too large",
                "the body is larger than \(limit) bytes")
        }
    }

    // MARK: Answering

    /// An entity, with its version as the ETag.
    func entity<View>(_ entity: Versioned<View>, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try json(entity, status: status)
        response.headers[.eTag] = AdminAPI.etag(entity.version)
        return response
    }

    /// A page: `{"items": […], "next": cursor | null}`.
    func page<Item: Encodable>(_ page: Page<Item>) throws -> Response {
        try json(PageBody(items: page.items, next: page.next.map(Cursor.encode)))
    }

    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A change: previewed (`dryRun=true`: nothing stored) or committed and applied to this node before answering,
    /// with what it does, who loses access and how many live grants end. `item` gives the entity as the change
    /// leaves it (nil for a deletion), at the version given (nil: its version as read); `location` makes it a
    /// creation (`201 Created`).
    func change<View: Encodable & Sendable>(
        _ prepared: PreparedChange, item: (_ after: Directory, _ version: Int64?) -> Versioned<View>?,
        location: String? = nil, secret: (clientID: String, secret: String?)? = nil,
        generatedSecrets: [GeneratedSecret] = []
    ) async throws -> Response {
        let dryRun = try isDryRun
        // The version the change stored its entities under; nil when nothing was stored (they keep their own).
        var version: Int64?
        if !dryRun {
            let committed = try await admin.commit(prepared)
            if !prepared.isEmpty {
                version = committed.version
                await api.catchUp()
            }
        }
        let entity = item(prepared.after, version)
        let body = ChangeBody(
            dryRun: dryRun, changes: prepared.summaries, impact: ImpactBody(prepared.impact), item: entity,
            clientSecret: dryRun ? nil : secret?.secret, generatedSecrets: dryRun ? [] : generatedSecrets)
        let created = location != nil && !dryRun && !prepared.isEmpty
        var response = try json(body, status: created ? .created : .ok)
        if let entity, !dryRun { response.headers[.eTag] = AdminAPI.etag(entity.version) }
        if created, let location { response.headers[.location] = location }
        return response
    }
}

/// A page as the API answers it.
private struct PageBody<Item: Encodable>: Encodable {
    var items: [Item]
    var next: String?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(items, forKey: .items)
        try container.encode(next, forKey: .next)  // null at the end, not absent
    }

    private enum Keys: String, CodingKey { case items, next }
}

/// What a change did or would do.
struct ChangeBody<View: Encodable & Sendable>: Encodable {
    var dryRun: Bool
    /// One sentence per change, as the CLI prints them.
    var changes: [String]
    var impact: ImpactBody
    var item: Versioned<View>?
    /// A new client secret, shown this once.
    var clientSecret: String?
    /// The secrets a config document's new apps were given, shown this once.
    var generatedSecrets: [GeneratedSecret]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(dryRun, forKey: .dryRun)
        try container.encode(changes, forKey: .changes)
        try container.encode(impact, forKey: .impact)
        try container.encode(item, forKey: .item)
        try container.encodeIfPresent(clientSecret, forKey: .clientSecret)
        if !generatedSecrets.isEmpty { try container.encode(generatedSecrets, forKey: .generatedSecrets) }
    }

    private enum Keys: String, CodingKey { case dryRun, changes, impact, item, clientSecret, generatedSecrets }
}

/// A client secret generated for a new app, shown once.
struct GeneratedSecret: Encodable {
    var app: String
    var clientId: String
    var clientSecret: String
}

/// Who loses access through a change, and how many live grants end; for a change that narrows where or when users
/// sign in, whose recent sign-ins it would refuse.
struct ImpactBody: Encodable {
    var losses: [AccessLoss]
    var usersLosingAccess: Int
    var liveGrantsEnding: Int
    var signInReplay: SignInReplay?
    var highAssurance: [AssuranceImpact]
    var secondFactorRequired: [SecondFactorRequirementImpact]

    init(_ impact: AccessImpact) {
        losses = impact.losses
        signInReplay = impact.replay
        highAssurance = impact.assurance
        secondFactorRequired = impact.secondFactorRequired
        usersLosingAccess = Set(impact.losses.map(\.user)).count
        liveGrantsEnding = impact.liveGrants
    }
}

/// Page boundaries as opaque text: the sort key of the last item shown, base64url-encoded.
enum Cursor {
    static func encode(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> String? {
        guard !cursor.isEmpty, cursor.utf8.count <= 1_024,
            cursor.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        // A sort key is a name: a control character in one (NUL above all, which PostgreSQL refuses in text) means
        // the cursor was not made here.
        guard let data = Data(base64Encoded: base64), let key = String(data: data, encoding: .utf8),
            !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return key
    }
}
