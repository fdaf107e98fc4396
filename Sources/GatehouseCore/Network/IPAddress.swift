import Foundation

/// An IPv4 or IPv6 address as its bytes (4 or 16), parsed without the network stack. An IPv4-mapped IPv6 address
/// (`::ffff:192.0.2.1`) is taken as the IPv4 address it maps, so one range matches both spellings.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    /// Parses dotted-decimal IPv4 or RFC 4291 §2.2 IPv6 text (brackets and a zone index are not accepted here).
    public init?(_ text: some StringProtocol) {
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6.starts(with: Self.mappedPrefix) ? Array(v6.suffix(4)) : v6
        } else {
            return nil
        }
    }

    private static let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Dotted decimal, or IPv6 in RFC 5952's canonical text: lowercase, the longest run of two or more zero groups
    /// written `::` (the first of equal runs).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: 0, length: 0)
        var run = (start: 0, length: 0)
        for (index, group) in groups.enumerated() {
            if group == 0 {
                run = run.length == 0 ? (index, 1) : (run.start, run.length + 1)
                if run.length > best.length { best = run }
            } else {
                run = (0, 0)
            }
        }
        let text = groups.map { String($0, radix: 16) }
        guard best.length >= 2 else { return text.joined(separator: ":") }
        let head = text[..<best.start].joined(separator: ":")
        let tail = text[(best.start + best.length)...].joined(separator: ":")
        return head + "::" + tail
    }

    /// Dotted decimal over the text's bytes, without splitting it (every request with a client address parses one):
    /// four parts of one to three digits, no leading zeros (which some parsers read as octal), each at most 255.
    private static func parseIPv4(_ text: some StringProtocol) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(4)
        var value = 0
        var digits = 0
        var leadingZero = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard !leadingZero, digits < 3 else { return nil }
                leadingZero = digits == 0 && byte == UInt8(ascii: "0")
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, value <= 255, result.count < 3 else { return nil }
                result.append(UInt8(value))
                (value, digits, leadingZero) = (0, 0, false)
            default: return nil
            }
        }
        guard digits > 0, value <= 255, result.count == 3 else { return nil }
        result.append(UInt8(value))
        return result
    }

    private static func parseIPv6(_ text: some StringProtocol) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var result: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail && index == pieces.count - 1 && piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    result += v4
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                        let value = UInt16(piece, radix: 16)
                    else { return nil }
                    result += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return result
        }
        guard let head = groups(halves[0], allowIPv4Tail: halves.count == 1) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1], allowIPv4Tail: true), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// A CIDR block (`10.0.0.0/8`, `2001:db8::/32`), or one address (`/32`, `/128`). The network is kept with its host
/// bits cleared, so `10.1.2.3/8` is the same range as `10.0.0.0/8` and reads that way.
public struct IPRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// Parses `address/prefix` or a bare address.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let given = Int(parts[1]) else { return nil }
            // An IPv4-mapped IPv6 range counts its prefix over the mapped IPv4 part.
            length = String(parts[0]).contains(":") && address.isIPv4 ? given - 96 : given
            guard (0...maximum).contains(length) else { return nil }
        }
        network = IPAddress(bytes: Self.masked(address.bytes, length))
        prefixLength = length
    }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        var remaining = length
        return bytes.map { byte in
            let bits = min(8, max(0, remaining))
            remaining -= 8
            return bits == 0 ? 0 : byte & UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
    }

    /// Whether every address of `other` is in this range.
    public func contains(_ other: IPRange) -> Bool {
        other.network.bytes.count == network.bytes.count && other.prefixLength >= prefixLength
            && contains(other.network)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let range = IPRange(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an IP range: \(text)")
        }
        self = range
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        var remaining = prefixLength
        for (own, other) in zip(network.bytes, address.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if own & mask != other & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// `10.0.0.0/8`; a single address without its prefix (`192.0.2.7`, `2001:db8::1`).
    public var description: String {
        prefixLength == network.bytes.count * 8 ? network.description : "\(network)/\(prefixLength)"
    }
}

extension IPRange {
    /// The most ranges one list holds (a profile's login IP ranges, an app's trusted ranges).
    public static let maximumPerList = 1_000
}

extension [IPRange] {
    /// Whether any of the ranges holds `address`.
    public func containsAddress(_ address: IPAddress) -> Bool { contains { $0.contains(address) } }
}
