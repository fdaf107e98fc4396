import Foundation
import GatehouseCore
import Hummingbird

/// Reads `application/x-www-form-urlencoded` bodies (RFC 6749 §3.2, Appendix B) strictly: a size limit, a
/// required content type, valid percent-encoding, and every parameter at most once.
enum FormBody {
    /// Larger bodies are refused; no OAuth request comes close.
    static let limit = 64 * 1024

    static func parse(_ request: Request) async throws(OAuthError) -> [String: String] {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw .invalidRequest("the body must be application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw .invalidRequest("the request body is larger than \(limit) bytes")
        }
        return try decode(String(buffer: buffer))
    }

    /// Every value of every parameter, for requests where repetition must be reported by redirect rather
    /// than refused outright (the authorization endpoint); nil if the encoding is invalid.
    static func decodeAll(_ text: String) -> [String: [String]]? {
        var parameters: [String: [String]] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(parts[0]), let value = unescape(parts.count > 1 ? parts[1] : "") else {
                return nil
            }
            parameters[name, default: []].append(value)
        }
        return parameters
    }

    static func decode(_ text: String) throws(OAuthError) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = unescape(parts[0]), let value = unescape(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("the form is not valid application/x-www-form-urlencoded")
            }
            // RFC 6749 §3.1 and §3.2: parameters must not be included more than once; empty ones count as absent.
            if value.isEmpty { continue }
            guard parameters.updateValue(value, forKey: name) == nil else {
                throw .invalidRequest("parameter \(name) is repeated")
            }
        }
        return parameters
    }

    /// nil for invalid percent-encoding, and for a NUL character (U+0000), which no parameter holds and no database
    /// stores (PostgreSQL refuses it in text).
    private static func unescape(_ text: Substring) -> String? {
        // Most values (grant types, tokens, ids) need no decoding at all.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") || $0 == 0 }) {
            return String(text)
        }
        guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
            !decoded.utf8.contains(0)
        else { return nil }
        return decoded
    }
}
