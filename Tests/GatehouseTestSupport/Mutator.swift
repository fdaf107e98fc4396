/// Makes malformed inputs from valid ones, reproducibly: a seeded generator and byte-level mutations that
/// parsers trip on (separators, escapes, quotes, NUL, invalid UTF-8, truncation, repetition).
public struct Mutator {
    /// SplitMix64: small, fast and the same on every machine.
    public struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let awkward: [UInt8] = Array("%&=+.:;,\"\\'{}[]<> \t\r\n-_/?#".utf8) + [0, 0x80, 0xC3, 0xFF, 0xE2]
    static let escapes = ["00", "zz", "C3", "FF", "2", "E2%82", "26", "3D"]

    public var random: SeededGenerator

    public init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// A random number in `range`, from the same seeded sequence.
    public mutating func number(in range: Range<Int>) -> Int { Int.random(in: range, using: &random) }

    /// One to four mutations of `seed`.
    public mutating func mutate(_ seed: [UInt8]) -> [UInt8] {
        var bytes = seed
        for _ in 0..<number(in: 1..<5) {
            switch number(in: 0..<6) {
            case 0 where !bytes.isEmpty: bytes[number(in: 0..<bytes.count)] = awkwardByte()
            case 1: bytes.insert(awkwardByte(), at: number(in: 0..<bytes.count + 1))
            case 2 where !bytes.isEmpty: bytes.removeLast(number(in: 0..<bytes.count + 1))
            case 3 where !bytes.isEmpty:
                let start = number(in: 0..<bytes.count)
                let end = number(in: start..<bytes.count + 1)
                bytes.insert(contentsOf: bytes[start..<end], at: end)
            case 4:
                let escape = Array("%\(Self.escapes[number(in: 0..<Self.escapes.count)])".utf8)
                bytes.insert(contentsOf: escape, at: number(in: 0..<bytes.count + 1))
            default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: number(in: 0..<bytes.count + 1))
            }
        }
        return bytes
    }

    /// `mutate` on text, decoded back leniently (invalid UTF-8 becomes U+FFFD, as a server would read it).
    public mutating func mutate(_ text: String) -> String { String(decoding: mutate(Array(text.utf8)), as: UTF8.self) }

    private mutating func awkwardByte() -> UInt8 { Self.awkward[number(in: 0..<Self.awkward.count)] }
}
