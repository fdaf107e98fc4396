import Foundation

/// Which address a request comes from, for throttling, login history and IP policies. The socket's peer, unless that
/// peer is a trusted proxy: then the nearest address in the forwarding chain that is not a trusted proxy, read from
/// the one header the proxies write (`X-Forwarded-For` by default, or RFC 7239 §5.2 `Forwarded: for=`). The other
/// header is ignored: a proxy that appends to one passes a client's forgery of the other through untouched. Without
/// trusted proxies both are ignored, since any client can send them.
public struct ClientAddressResolver: Sendable {
    /// The header the trusted proxies append the client's address to.
    public enum Header: String, Sendable, CaseIterable {
        case xForwardedFor = "x-forwarded-for"
        case forwarded
    }

    public let trustedProxies: [IPRange]
    public let header: Header

    public init(trustedProxies: [IPRange] = [], header: Header = .xForwardedFor) {
        self.trustedProxies = trustedProxies
        self.header = header
    }

    /// Parses `CIDR,CIDR,…` (the `--trusted-proxies` option); nil names the first entry that does not parse.
    public static func parse(_ list: String) -> Result<ClientAddressResolver, ParseFailure> {
        var ranges: [IPRange] = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let range = IPRange(entry) else { return .failure(ParseFailure(entry: entry)) }
            ranges.append(range)
        }
        return .success(ClientAddressResolver(trustedProxies: ranges))
    }

    /// An entry of a proxy list that is not an address or CIDR block.
    public struct ParseFailure: Error, Sendable {
        public let entry: String
    }

    public func isTrusted(_ address: IPAddress) -> Bool { trustedProxies.contains { $0.contains(address) } }

    /// The client's address, given the socket's peer and the request's `Forwarded` and `X-Forwarded-For` values.
    public func resolve(peer: String?, forwarded: [String], forwardedFor: [String]) -> String? {
        guard let peer, var current = IPAddress(peer) else { return peer }
        guard isTrusted(current) else { return current.description }
        // The chain as the proxies appended it, nearest last.
        let chain = header == .forwarded ? Self.forwardedFor(forwarded) : Self.xForwardedFor(forwardedFor)
        for hop in chain.reversed() {
            // An entry that is no address (`unknown`, an obfuscated name) ends the walk at the last proxy known.
            guard let address = hop else { break }
            current = address
            if !isTrusted(address) { break }
        }
        return current.description
    }

    static func xForwardedFor(_ values: [String]) -> [IPAddress?] {
        values.flatMap { $0.split(separator: ",") }.map {
            IPAddress(strippingPort($0.trimmingCharacters(in: .whitespaces)))
        }
    }

    /// RFC 7239 §4: `for=` of each element; quoted IPv6 in brackets, perhaps with a port.
    static func forwardedFor(_ values: [String]) -> [IPAddress?] {
        values.flatMap { $0.split(separator: ",") }.map { element -> IPAddress? in
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else {
                    continue
                }
                let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""])
                return IPAddress(strippingPort(value))
            }
            return nil
        }
    }

    /// `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1`; anything else unchanged.
    static func strippingPort(_ text: String) -> String {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<close])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            return String(text[..<colon])
        }
        return text
    }
}
