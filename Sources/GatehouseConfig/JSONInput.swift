import Foundation
import GatehouseCore
import Yams

/// A JSON body (the admin API's) read as the YAML nodes the config readers walk, so that a JSON document and a YAML
/// file are checked by the same code and report the same paths and sentences. Strict JSON (RFC 8259) is required:
/// the text is parsed by a JSON parser, not by YAML's, whose JSON compatibility has gaps (surrogate pairs, tabs).
enum JSONInput {
    /// The nodes of `data`, or a validation failure naming what is wrong with it as JSON.
    static func node(_ data: Data) throws(ValidationFailure) -> Node {
        let value: Value
        do {
            value = try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw ValidationFailure([ValidationIssue(path: "", message: "not valid JSON: \(Self.describe(error))")])
        }
        // A name twice in one object means one reader takes the first and another the last (RFC 8259 §4): refused,
        // so that what a proxy or an audit log read is what was applied.
        if let key = duplicateKey(in: data) {
            throw ValidationFailure([
                ValidationIssue(path: "", message: "not valid JSON: the name \"\(key)\" appears twice in one object")
            ])
        }
        return value.node
    }

    /// The first name that appears twice in one object of `data` (valid JSON), compared as decoded (`"a"` and
    /// `"\u0061"` are the same name).
    static func duplicateKey(in data: Data) -> String? {
        let bytes = [UInt8](data)
        // Per open object or array: whether it is an object, the names seen, and whether a name comes next.
        var open: [(object: Bool, names: Set<String>, nameNext: Bool)] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"): open.append((true, [], true))
            case UInt8(ascii: "["): open.append((false, [], false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = open.popLast()
            case UInt8(ascii: ","): if open.last?.object == true { open[open.count - 1].nameNext = true }
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if let last = open.last, last.object, last.nameNext {
                    let raw = bytes[start...min(index, bytes.count - 1)]
                    // Most names have no escape: their bytes are the name.
                    let name =
                        raw.contains(UInt8(ascii: "\\"))
                        ? (try? JSONDecoder().decode(String.self, from: Data(raw)))
                            ?? String(decoding: raw, as: UTF8.self)
                        : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                    if !open[open.count - 1].names.insert(name).inserted { return name }
                    open[open.count - 1].nameNext = false
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// A JSON value as decoded: objects keep their keys sorted (JSON objects are unordered, and reports should not
    /// depend on a hash order).
    private enum Value: Decodable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([Value])
        case object([(String, Value)])

        init(from decoder: any Decoder) throws {
            if let object = try? decoder.container(keyedBy: Key.self) {
                self = .object(
                    try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                        ($0.stringValue, try object.decode(Value.self, forKey: $0))
                    })
                return
            }
            if var array = try? decoder.unkeyedContainer() {
                var items: [Value] = []
                while !array.isAtEnd { items.append(try array.decode(Value.self)) }
                self = .array(items)
                return
            }
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let flag = try? single.decode(Bool.self) {
                self = .bool(flag)
            } else if let text = try? single.decode(String.self) {
                self = .string(text)
            } else if let integer = try? single.decode(Int64.self) {
                self = .number(String(integer))
            } else {
                self = .number(String(try single.decode(Double.self)))
            }
        }

        var node: Node {
            switch self {
            case .null: Node("null", Tag(.null), .plain)
            case .bool(let flag): Node(flag ? "true" : "false", Tag(.bool), .plain)
            case .number(let text): Node(text, Tag(.float), .plain)
            case .string(let text): Node(text, Tag(.str), .doubleQuoted)
            case .array(let items): Node(items.map(\.node), Tag(.seq), .flow)
            case .object(let members): Node(members.map { (Node($0.0, Tag(.str), .doubleQuoted), $0.1.node) })
            }
        }
    }

    private struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// The decoder's complaint, without Swift type names.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        default: return "the text could not be read as JSON"
        }
    }
}
