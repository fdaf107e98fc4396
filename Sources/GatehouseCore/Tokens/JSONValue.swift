import Foundation

/// A JSON value for tokens and protocol responses, written by a small encoder that keeps integers integers
/// (RFC 7519 NumericDate) and costs no reflection on the hot path.
public enum JSONValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case strings([String])
    case object(JSONObject)
    case objects([JSONObject])
    case null
}

/// A JSON object that keeps its members in insertion order.
public struct JSONObject: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var members: [(key: String, value: JSONValue)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        for (key, value) in elements { self[key] = value }
    }

    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// The compact JSON text.
    public var serialized: String {
        var output = ""
        output.reserveCapacity(256)
        write(to: &output)
        return output
    }

    func write(to output: inout String) {
        output += "{"
        for (index, member) in members.enumerated() {
            if index > 0 { output += "," }
            JSONValue.writeString(member.key, to: &output)
            output += ":"
            member.value.write(to: &output)
        }
        output += "}"
    }
}

extension JSONValue {
    func write(to output: inout String) {
        switch self {
        case .string(let text): Self.writeString(text, to: &output)
        case .integer(let number): output += String(number)
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .object(let object): object.write(to: &output)
        case .objects(let list):
            output += "["
            for (index, item) in list.enumerated() {
                if index > 0 { output += "," }
                item.write(to: &output)
            }
            output += "]"
        case .strings(let list):
            output += "["
            for (index, item) in list.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(item, to: &output)
            }
            output += "]"
        }
    }

    /// RFC 8259 §7 string escaping; strings with nothing to escape (nearly all) are appended whole.
    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            output += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case let control where control.value < 0x20:
                    output += "\\u00" + (control.value < 0x10 ? "0" : "") + String(control.value, radix: 16)
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
