import AsyncHTTPClient
import Foundation
import GatehouseCore
import NIOCore
import NIOHTTP1

/// HTTP to one Gatehouse's admin API (`/admin/api/v1`) with a bearer token: what `--server` commands send. A
/// refusal comes back as the sentence the server gave (its problem details' `detail`, or each validation error as
/// `path: message`), so a command fails against a server as it fails against the database.
struct AdminAPIClient: Sendable {
    let server: String
    let token: String

    /// One client for the process: a server that does not answer is reported after 10 s of trying to connect (the
    /// shared client's default would keep trying for the whole request deadline).
    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

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
                    "the server's answer (HTTP \(status)) is not what this gatehouse expects: \(error)")
            }
        }

        /// The entity version an `ETag` names (`"12"` → 12).
        var version: Int64? { headers.first(name: "ETag").flatMap { Int64($0.trimmingCharacters(in: ["\""])) } }
    }

    /// A client for `server` (`--server`), with the token the environment gives: `GATEHOUSE_TOKEN`, or one
    /// requested by client credentials with `GATEHOUSE_CLIENT_ID` and `GATEHOUSE_CLIENT_SECRET`.
    static func connect(to server: String, environment: [String: String]) async throws -> AdminAPIClient {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            url.host != nil
        else { throw CommandFailure("--server \(field(server)) is not an http:// or https:// URL") }
        guard isConfidential(url) else {
            throw CommandFailure(
                "--server \(field(server)) would send the token in clear: use https:// (http:// only to this machine)")
        }
        if let token = environment["GATEHOUSE_TOKEN"], !token.isEmpty {
            return AdminAPIClient(server: base, token: token)
        }
        guard let clientID = environment["GATEHOUSE_CLIENT_ID"], let secret = environment["GATEHOUSE_CLIENT_SECRET"]
        else {
            throw CommandFailure(
                "--server needs a token: set GATEHOUSE_TOKEN, or GATEHOUSE_CLIENT_ID and GATEHOUSE_CLIENT_SECRET of an app allowed client credentials with the scope gatehouse.admin"
            )
        }
        return AdminAPIClient(server: base, token: try await clientCredentials(base, clientID, secret))
    }

    /// An access token for the app `clientID` by the client credentials grant, at the token endpoint the server's
    /// discovery document names.
    private static func clientCredentials(_ base: String, _ clientID: String, _ secret: String) async throws -> String {
        let discovery = try await send(HTTPClientRequest(url: base + "/.well-known/openid-configuration"))
        struct Metadata: Decodable {
            var tokenEndpoint: String
            enum CodingKeys: String, CodingKey { case tokenEndpoint = "token_endpoint" }
        }
        let endpoint = (try? discovery.decode(Metadata.self).tokenEndpoint) ?? base + "/token"
        guard let url = URL(string: endpoint), isConfidential(url) else {
            throw CommandFailure(
                "the server names a token endpoint (\(field(endpoint))) the client secret would travel to in clear")
        }
        var request = HTTPClientRequest(url: endpoint)
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
        guard reply.status == 200, let token = tokens?.accessToken else {
            let reason = [tokens?.error, tokens?.errorDescription].compactMap { $0 }.joined(separator: ": ")
            throw CommandFailure(
                "the server refused a token for \(field(clientID)) (HTTP \(reply.status)\(reason.isEmpty ? "" : ", \(reason)"))"
            )
        }
        return token
    }

    /// Whether a URL keeps what is sent to it confidential: HTTPS, or HTTP to this machine's loopback interface.
    private static func isConfidential(_ url: URL) -> Bool {
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

    /// `application/x-www-form-urlencoded` escaping, as RFC 6749 §2.3.1 asks of client credentials in Basic auth.
    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(
            of: "%20", with: "+")
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
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
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
        let reply = try await Self.send(request)
        guard reply.status < 300 else { throw Self.failure(reply) }
        return reply
    }

    /// Every page of a listing, in order.
    func all<Item: Decodable>(_ path: String, _ query: [(String, String?)] = [], each: ([Item]) async throws -> Void)
        async throws
    {
        var cursor: String?
        repeat {
            let page: Listing<Item> = try await get(path, query + [("limit", "1000"), ("cursor", cursor)])
            try await each(page.items)
            cursor = page.next
        } while cursor != nil
    }

    /// The first `limit` items of a listing, a page at a time.
    func first<Item: Decodable>(_ limit: Int, of path: String, _ query: [(String, String?)] = []) async throws
        -> [Item]
    {
        var items: [Item] = []
        var cursor: String?
        while items.count < limit {
            let page: Listing<Item> = try await get(
                path, query + [("limit", String(min(1_000, limit - items.count))), ("cursor", cursor)])
            items += page.items
            guard let next = page.next else { break }
            cursor = next
        }
        return items
    }

    /// `text` as one path segment.
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    func all<Item: Decodable>(_ path: String, _ query: [(String, String?)] = []) async throws -> [Item] {
        var items: [Item] = []
        try await all(path, query) { (page: [Item]) in items += page }
        return items
    }

    private static func queryString(_ query: [(String, String?)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = query.compactMap { name, value in
            value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
        }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    private static func send(_ request: HTTPClientRequest) async throws -> Reply {
        do {
            let response = try await http.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 256 << 20)
            return Reply(
                status: Int(response.status.code), headers: response.headers, body: Data(body.readableBytesView))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("cannot reach \(field(request.url)): \(error)")
        }
    }

    /// What a refused request says: problem details (RFC 9457) as the sentence they carry, a bearer challenge
    /// (RFC 6750 §3) as its error.
    private static func failure(_ reply: Reply) -> any Error {
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
                if errors.count == 1, errors[0].path.isEmpty { return CommandFailure(errors[0].message) }
                return ValidationFailure(errors.map { ValidationIssue(path: $0.path, message: $0.message) })
            }
            if let detail = problem.detail ?? problem.title { return CommandFailure(detail) }
        }
        if let challenge = reply.headers.first(name: "WWW-Authenticate") {
            return CommandFailure("the server refused the token (HTTP \(reply.status)): \(challenge)")
        }
        return CommandFailure("the server answered HTTP \(reply.status)")
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
