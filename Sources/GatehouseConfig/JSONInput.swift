import Foundation
import GatehouseCore
import Yams

/// A JSON body (the admin API's) read as the YAML nodes the config readers walk, so that a JSON document and a YAML
/// file are checked by the same code and report the same paths and sentences. Strict JSON (RFC 8259) is required:
/// the text is parsed by a JSON parser, not by YAML's, whose JSON compatibility has gaps (surrogate pairs, tabs).
enum JSONInput {
    /// The nodes of `data`, or a validation failure naming what is wrong with it as JSON.
    static func node(_ data: Data) throws(ValidationFailure) -> Node {
        do {
            return try JSONDecoder().decode(Value.self, from: data).node
        } catch {
            throw ValidationFailure([ValidationIssue(path: "", message: "not valid JSON: \(Self.describe(error))")])
        }
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
