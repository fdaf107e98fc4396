import Foundation

/// The subset of CBOR (RFC 8949) WebAuthn needs to read: an attestation object and a COSE key. Definite lengths
/// only (CTAP2 encodes canonically), no tags, no floats; nesting and lengths are bounded, so hostile bytes are an
/// error, never a crash or a large allocation.
public indirect enum CBOR: Sendable, Hashable {
    case unsigned(UInt64)
    /// A negative integer, as its value (`-1 - n` of the encoded `n`).
    case negative(Int64)
    case bytes(Data)
    case text(String)
    case array([CBOR])
    /// Pairs in encoded order.
    case map([Pair])
    case bool(Bool)
    case null

    public struct Pair: Sendable, Hashable {
        public var key: CBOR
        public var value: CBOR
    }

    /// Why bytes are not the CBOR this reads.
    public struct Malformed: Error, Sendable, Equatable {
        public var message: String
    }

    /// The one item at the start of `data`, and how many bytes it took.
    public static func decodePrefix(_ data: Data) throws(Malformed) -> (item: CBOR, length: Int) {
        var reader = Reader(bytes: [UInt8](data))
        let item = try reader.item(depth: 0)
        return (item, reader.position)
    }

    /// `data` as exactly one item.
    public static func decode(_ data: Data) throws(Malformed) -> CBOR {
        let (item, length) = try decodePrefix(data)
        guard length == data.count else { throw Malformed(message: "bytes follow the CBOR item") }
        return item
    }

    /// The value of a map's entry under `key`.
    public subscript(key: CBOR) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    public subscript(key: String) -> CBOR? { self[.text(key)] }

    /// A map's entry under an integer key (COSE labels).
    public subscript(label: Int) -> CBOR? { self[label < 0 ? .negative(Int64(label)) : .unsigned(UInt64(label))] }

    public var integer: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value
        default: nil
        }
    }

    public var byteString: Data? {
        if case .bytes(let data) = self { return data }
        return nil
    }

    public var textString: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        static let deepest = 16
        static let mostItems = 1_024

        mutating func byte() throws(Malformed) -> UInt8 {
            guard position < bytes.count else { throw Malformed(message: "the CBOR ends early") }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func take(_ count: UInt64) throws(Malformed) -> ArraySlice<UInt8> {
            guard count <= UInt64(bytes.count - position) else { throw Malformed(message: "the CBOR ends early") }
            let end = position + Int(count)
            defer { position = end }
            return bytes[position..<end]
        }

        /// The argument of an initial byte whose low five bits are `info`.
        mutating func argument(_ info: UInt8) throws(Malformed) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24...27:
                let width = 1 << Int(info - 24)
                return try take(UInt64(width)).reduce(0) { $0 << 8 | UInt64($1) }
            case 31: throw Malformed(message: "indefinite lengths are not accepted")
            default: throw Malformed(message: "reserved CBOR additional information \(info)")
            }
        }

        mutating func item(depth: Int) throws(Malformed) -> CBOR {
            guard depth < Self.deepest else { throw Malformed(message: "the CBOR nests too deeply") }
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1f
            if major == 7 {
                switch info {
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22, 23: return .null
                default: throw Malformed(message: "floats and simple values are not accepted")
                }
            }
            let argument = try argument(info)
            switch major {
            case 0: return .unsigned(argument)
            case 1:
                guard argument < UInt64(Int64.max) else { throw Malformed(message: "a negative integer is too large") }
                return .negative(-1 - Int64(argument))
            case 2: return .bytes(Data(try take(argument)))
            case 3:
                guard let text = String(validating: try take(argument), as: UTF8.self) else {
                    throw Malformed(message: "a text string is not UTF-8")
                }
                return .text(text)
            case 4:
                guard argument <= UInt64(Self.mostItems) else { throw Malformed(message: "an array is too long") }
                var items: [CBOR] = []
                for _ in 0..<argument { items.append(try item(depth: depth + 1)) }
                return .array(items)
            case 5:
                guard argument <= UInt64(Self.mostItems) else { throw Malformed(message: "a map is too long") }
                var pairs: [Pair] = []
                for _ in 0..<argument {
                    let key = try item(depth: depth + 1)
                    guard !pairs.contains(where: { $0.key == key }) else {
                        throw Malformed(message: "a map has a key twice")
                    }
                    pairs.append(Pair(key: key, value: try item(depth: depth + 1)))
                }
                return .map(pairs)
            default: throw Malformed(message: "tagged CBOR items are not accepted")
            }
        }
    }
}
