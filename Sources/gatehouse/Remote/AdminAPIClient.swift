import AsyncHTTPClient
import Foundation
import GatehouseCore
import NIOCore
import NIOHTTP1
import Synchronization

/// HTTP to one Gatehouse's admin API (`/admin/api/v1`) with a bearer token: what `--server` commands send. A
/// refusal comes back as the sentence the server gave (its problem details' `detail`, or each validation error as
/// `path: message`), so a command fails against a server as it fails against the database.
struct AdminAPIClient: Sendable {
    let server: String
    private let bearer: Bearer

    /// One client for the process: a server that does not answer is reported after 10 s of trying to connect (the
    /// shared client's default would keep trying for the whole request deadline). Redirects are not followed: the
    /// token goes to the server named and nowhere else.
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The longest wait for an answer, and the largest answer read (an export of a large directory is big).
    private static let answerWait: TimeAmount = .seconds(120)
    private static let largestAnswer = 256 << 20

    /// A response: its status, headers and body.
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data

        func decode<Value: Decodable>(_ type: Value.Type = Value.self) throws -> Value {
            do {
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                return try decoder.decode(Value.self, from: body)
            } catch {
                throw CommandFailure(
                    "the server's answer (HTTP \(status)) is not what this gatehouse expects: \(shown(String(describing: error)))"
                )
            }
        }

        /// The entity version an `ETag` names (`"12"` → 12).
        var version: Int64? { headers.first(name: "ETag").flatMap { Int64($0.trimmingCharacters(in: ["\""])) } }
    }

    /// The token requests carry; one requested by client credentials is requested again once when the server says
    /// it has expired (a long command can outlive it).
    private final class Bearer: Sendable {
        private let current: Mutex<String>
        let renew: (@Sendable () async throws -> String)?

        init(_ token: String, renew: (@Sendable () async throws -> String)?) {
            current = Mutex(token)
            self.renew = renew
        }

        var token: String { current.withLock { $0 } }

        func replace(_ token: String) { current.withLock { $0 = token } }
    }

    /// A client for `server` (`--server`), with the token the environment gives: `GATEHOUSE_TOKEN`, or one
    /// requested by client credentials with `GATEHOUSE_CLIENT_ID` and `GATEHOUSE_CLIENT_SECRET`.
    static func connect(to server: String, environment: [String: String]) async throws -> AdminAPIClient {
        let base = try serverBase(server)
        if let token = environment["GATEHOUSE_TOKEN"], !token.isEmpty {
            return AdminAPIClient(server: base, bearer: Bearer(token, renew: nil))
        }
        guard let clientID = environment["GATEHOUSE_CLIENT_ID"], let secret = environment["GATEHOUSE_CLIENT_SECRET"]
        else {
            throw CommandFailure(
                "--server needs a token: set GATEHOUSE_TOKEN, or GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET of an app allowed client credentials with the scope gatehouse.admin"
            )
        }
        let renew: @Sendable () async throws -> String = { try await clientCredentials(base, clientID, secret) }
        return AdminAPIClient(server: base, bearer: Bearer(try await renew(), renew: renew))
    }

    /// `--server` without trailing slashes, refused unless it is an http(s) URL that keeps the token confidential
    /// and carries nothing a request would drop or mangle (credentials, a query, a fragment).
    static func serverBase(_ server: String) throws -> String {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        guard let parts = URLComponents(string: base), ["http", "https"].contains(parts.scheme?.lowercased() ?? ""),
            let host = parts.host, !host.isEmpty
        else { throw CommandFailure("--server \(field(server)) is not an http:// or https:// URL") }
        guard parts.user == nil, parts.password == nil else {
            throw CommandFailure(
                "--server \(field(server)) holds a user name or password: give the address alone, and the token in GATEHOUSE_TOKEN or the app's credentials in GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET"
            )
        }
        guard parts.query == nil, parts.fragment == nil else {
            throw CommandFailure("--server \(field(server)) has a query or fragment: give the server's address alone")
        }
        guard isConfidential(parts) else {
            throw CommandFailure(
                "--server \(field(server)) would send the token in clear: use https:// (http:// only to this machine)")
        }
        return base
    }

    /// An access token for the app `clientID` by the client credentials grant, at the server's own token endpoint
    /// (`/token` under `--server`; the secret is sent to no address the server names).
    private static func clientCredentials(_ base: String, _ clientID: String, _ secret: String) async throws -> String {
        var request = HTTPClientRequest(url: base + "/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(
            name: "Authorization",
            value: "Basic " + Data("\(formEncode(clientID)):\(formEncode(secret))".utf8).base64EncodedString())
        request.body = .bytes(ByteBuffer(string: "grant_type=client_credentials&scope=gatehouse.admin"))
        let reply = try await send(request)
        struct Tokens: Decodable {
            var accessToken: String?
            var error: String?
            var errorDescription: String?
            enum CodingKeys: String, CodingKey {
                case accessToken = "access_token"
                case error
                case errorDescription = "error_description"
            }
        }
        let tokens = try? reply.decode(Tokens.self)
        guard reply.status == 200, let token = tokens?.accessToken, !token.isEmpty else {
            if let redirect = redirection(reply) { throw redirect }
            let reason = [tokens?.error, tokens?.errorDescription].compactMap { $0 }.joined(separator: ": ")
            throw CommandFailure(
                "the server refused a token for \(field(clientID)) (HTTP \(reply.status)\(reason.isEmpty ? "" : ", \(shown(reason))"))"
            )
        }
        return token
    }

    /// Whether a URL keeps what is sent to it confidential: HTTPS, or HTTP to this machine's loopback interface.
    private static func isConfidential(_ url: URLComponents) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return true
        case "http":
            let host = (url.host ?? "").lowercased().trimmingCharacters(in: ["[", "]"])
            let octets = host.split(separator: ".", omittingEmptySubsequences: false).map { UInt8($0) }
            let loopbackV4 = octets.count == 4 && !octets.contains(nil) && octets[0] == 127
            return host == "localhost" || host == "::1" || loopbackV4
        default: return false
        }
    }

    // MARK: Encoding

    /// RFC 3986's unreserved characters, ASCII only (Foundation's `alphanumerics` holds every script's letters).
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func percentEncoded(_ text: String, keeping allowed: CharacterSet = unreserved) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `application/x-www-form-urlencoded` escaping, as RFC 6749 §2.3.1 asks of client credentials in Basic auth.
    private static func formEncode(_ text: String) -> String {
        percentEncoded(text, keeping: unreserved.subtracting(CharacterSet(charactersIn: "~")).union(["*"]))
    }

    /// A path under `/admin/api/v1` from its segments, each percent-encoded; an empty, `.` or `..` segment (which
    /// would address another resource) is refused.
    static func path(_ segments: String...) throws -> String {
        try segments.map { segment in
            guard !["", ".", ".."].contains(segment) else {
                throw CommandFailure("\"\(field(segment))\" cannot name an entity")
            }
            return percentEncoded(segment)
        }.joined(separator: "/")
    }

    private static func queryString(_ query: [(String, String?)]) -> String {
        let pairs = query.compactMap { name, value in value.map { "\(name)=\(percentEncoded($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    // MARK: Requests

    /// `GET path` under `/admin/api/v1`, decoded.
    func get<Value: Decodable>(_ path: String, _ query: [(String, String?)] = [], accept: String? = nil) async throws
        -> Value
    {
        try await request(.GET, path, query, accept: accept).decode()
    }

    /// A request to `path` under `/admin/api/v1` (`query` pairs with a nil value are left out); a status of 300 or
    /// more is thrown as the failure it reports.
    func request(
        _ method: HTTPMethod, _ path: String, _ query: [(String, String?)] = [], json: JSONValue? = nil,
        body: (contentType: String, data: Data)? = nil, ifMatch: Int64? = nil, accept: String? = nil
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: server + "/admin/api/v1/" + path + Self.queryString(query))
        request.method = method
        request.headers.add(name: "Accept", value: accept ?? "application/json")
        if let ifMatch { request.headers.add(name: "If-Match", value: "\"\(ifMatch)\"") }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let mediaType = method == .PATCH ? "application/merge-patch+json" : "application/json"
            request.headers.add(name: "Content-Type", value: mediaType)
            request.body = .bytes(ByteBuffer(bytes: try encoder.encode(json)))
        } else if let body {
            request.headers.add(name: "Content-Type", value: body.contentType)
            request.body = .bytes(ByteBuffer(bytes: body.data))
        }
        let token = bearer.token
        var reply = try await Self.send(request, bearer: token)
        if reply.status == 401, let renew = bearer.renew {
            // The token expired during the command: one new token, one retry. The request was refused before it
            // did anything, so sending it again is safe.
            let renewed = try await renew()
            bearer.replace(renewed)
            reply = try await Self.send(request, bearer: renewed)
        }
        guard reply.status < 300 else { throw Self.failure(reply) }
        return reply
    }

    /// Every page of a listing, in order.
    func all<Item: Decodable>(_ path: String, _ query: [(String, String?)] = [], each: ([Item]) async throws -> Void)
        async throws
    {
        try await pages(path, query, pageSize: 1_000) { items in
            try await each(items)
            return 1_000
        }
    }

    func all<Item: Decodable>(_ path: String, _ query: [(String, String?)] = []) async throws -> [Item] {
        var items: [Item] = []
        try await all(path, query) { (page: [Item]) in items += page }
        return items
    }

    /// The first `limit` items of a listing (from `cursor`), a page at a time.
    func first<Item: Decodable>(
        _ limit: Int, of path: String, _ query: [(String, String?)] = [], from cursor: String? = nil
    ) async throws -> [Item] {
        var items: [Item] = []
        guard limit > 0 else { return items }
        try await pages(path, query, from: cursor, pageSize: min(1_000, limit)) { (page: [Item]) in
            items += page.prefix(limit - items.count)
            return items.count < limit ? min(1_000, limit - items.count) : nil
        }
        return items
    }

    /// Pages of a listing while `each` asks for more (the size of the next page; nil: no more) and the server has
    /// more. A server that answers a cursor it gave before, or an empty page with a next cursor, is reported rather
    /// than followed for ever.
    private func pages<Item: Decodable>(
        _ path: String, _ query: [(String, String?)], from start: String? = nil, pageSize first: Int,
        _ each: ([Item]) async throws -> Int?
    ) async throws {
        var cursor = start
        var size = first
        var seen: Set<String> = []
        while true {
            let page: Listing<Item> = try await get(path, query + [("limit", String(size)), ("cursor", cursor)])
            guard let wanted = try await each(page.items), let next = page.next else { return }
            size = wanted
            guard !page.items.isEmpty, seen.insert(next).inserted else {
                throw CommandFailure("the server's listing of \(path) does not advance (cursor \(field(next)) again)")
            }
            cursor = next
        }
    }

    private static func send(_ request: HTTPClientRequest, bearer: String? = nil) async throws -> Reply {
        var request = request
        if let bearer { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(bearer)") }
        do {
            let response = try await http.execute(request, timeout: answerWait)
            let body = try await response.body.collect(upTo: largestAnswer)
            return Reply(
                status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
        } catch is NIOTooManyBytesError {
            throw CommandFailure("the answer of \(field(request.url)) is larger than \(largestAnswer >> 20) MiB")
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            guard request.method == .GET else {
                throw CommandFailure(
                    "\(request.method) \(field(request.url)) was sent, but no answer came within \(answerWait.nanoseconds / 1_000_000_000) s: the change may have been made or not; look before trying again"
                )
            }
            throw CommandFailure(
                "no answer from \(field(request.url)) within \(answerWait.nanoseconds / 1_000_000_000) s")
        } catch {
            throw CommandFailure("cannot reach \(field(request.url)): \(shown(String(describing: error)))")
        }
    }

    /// A redirect, reported: it is not followed (the token would go where the server says).
    private static func redirection(_ reply: Reply) -> CommandFailure? {
        guard (300..<400).contains(reply.status) else { return nil }
        let target = reply.headers.first(name: "Location").map { " to \(shown($0))" } ?? ""
        return CommandFailure(
            "the server redirects (HTTP \(reply.status))\(target): give --server the address it redirects to")
    }

    /// What a refused request says: problem details (RFC 9457) as the sentence they carry, a bearer challenge
    /// (RFC 6750 §3) as its error. The server's words are shown escaped and cut short: a server can send anything.
    private static func failure(_ reply: Reply) -> any Error {
        if let redirect = redirection(reply) { return redirect }
        struct Problem: Decodable {
            struct Issue: Decodable {
                var path: String
                var message: String
            }
            var detail: String?
            var title: String?
            var errors: [Issue]?
        }
        if let problem = try? JSONDecoder().decode(Problem.self, from: reply.body) {
            if reply.status == 422, let errors = problem.errors, !errors.isEmpty {
                // The config contract's issues, as the database path reports them.
                if errors.count == 1, errors[0].path.isEmpty { return CommandFailure(shown(errors[0].message)) }
                return ValidationFailure(
                    errors.prefix(1_000).map { ValidationIssue(path: shown($0.path), message: shown($0.message)) })
            }
            if let detail = problem.detail ?? problem.title { return CommandFailure(shown(detail)) }
        }
        if let challenge = reply.headers.first(name: "WWW-Authenticate") {
            return CommandFailure("the server refused the token (HTTP \(reply.status)): \(shown(challenge))")
        }
        return CommandFailure("the server answered HTTP \(reply.status)")
    }

    /// Text from the server as one escaped line of at most 2,000 characters.
    private static func shown(_ text: String) -> String {
        let line = field(text)
        return line.count > 2_000 ? line.prefix(2_000) + "…" : line
    }
}

/// A page of a listing as the API answers it.
struct Listing<Item: Decodable>: Decodable {
    var items: [Item]
    var next: String?
}

/// An entity as the API answers it: its id and version beside its fields (`View`).
struct Fetched<View: Decodable>: Decodable {
    var id: String
    var version: Int64
    var view: View

    private enum Keys: String, CodingKey { case id, version }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        id = try container.decode(String.self, forKey: .id)
        version = try container.decode(Int64.self, forKey: .version)
        view = try View(from: decoder)
    }
}
