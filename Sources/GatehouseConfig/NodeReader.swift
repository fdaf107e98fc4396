import GatehouseCore
import Yams

/// Walks YAML nodes, collecting typed values and every problem with its path.
final class NodeReader {
    var report = ValidationReport()
    /// JSON's types are exact: a string is a JSON string and a boolean `true` or `false`, where YAML reads a plain
    /// scalar as either.
    let isJSON: Bool

    init(json: Bool = false) { isJSON = json }

    /// Visits each key of a mapping; unknown and repeated keys are reported.
    func mapping(
        _ node: Node, at path: String, keys: [String], _ visit: (String, Node, String) -> Void
    ) {
        guard let mapping = node.mapping else {
            report.add(path, "must be a mapping of \(keys.joined(separator: ", "))")
            return
        }
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let keyPath = fieldPath(path, key)
            guard keys.contains(key) else {
                report.add(keyPath, "unknown key (expected one of: \(keys.joined(separator: ", ")))")
                continue
            }
            guard seen.insert(key).inserted else {
                report.add(keyPath, "is given twice")
                continue
            }
            visit(key, value, keyPath)
        }
    }

    /// Reads each element of a sequence (`path[0]`, `path[1]`, …).
    func sequence<Element>(
        _ node: Node, at path: String, _ element: (Node, String, NodeReader) -> Element?
    ) -> [Element] {
        if node.null != nil { return [] }
        guard let sequence = node.sequence else {
            report.add(path, "must be a list")
            return []
        }
        return sequence.enumerated().compactMap { index, item in element(item, "\(path)[\(index)]", self) }
    }

    func string(_ node: Node, at path: String) -> String? {
        guard let scalar = node.scalar, node.null == nil || scalar.style != .plain,
            !isJSON || scalar.style == .doubleQuoted
        else {
            report.add(path, "must be a string")
            return nil
        }
        // No database stores U+0000 in text (PostgreSQL refuses it): refused here, with its path, not there.
        guard !scalar.string.unicodeScalars.contains("\u{0}") else {
            report.add(path, "must not contain the NUL character (U+0000)")
            return nil
        }
        return scalar.string
    }

    func bool(_ node: Node, at path: String) -> Bool? {
        if isJSON {
            guard let scalar = node.scalar, scalar.style == .plain, ["true", "false"].contains(scalar.string) else {
                report.add(path, "must be true or false")
                return nil
            }
            return scalar.string == "true"
        }
        switch node.scalar?.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            report.add(path, "must be true or false")
            return nil
        }
    }

    func stringList(_ node: Node, at path: String) -> [String]? {
        if node.null != nil && !isJSON { return [] }
        guard node.sequence != nil else {
            report.add(path, "must be a list")
            return nil
        }
        return sequence(node, at: path) { item, itemPath, reader in reader.string(item, at: itemPath) }
    }

    func enumValue<Value: RawRepresentable & CaseIterable>(_ node: Node, at path: String) -> Value?
    where Value.RawValue == String {
        parsed(node, at: path, expected: Value.allCases.map(\.rawValue).joined(separator: " | ")) {
            Value(rawValue: $0)
        }
    }

    func enumList<Value: RawRepresentable & CaseIterable>(_ node: Node, at path: String) -> [Value]?
    where Value.RawValue == String {
        if node.null != nil && !isJSON { return [] }
        guard node.sequence != nil else {
            report.add(path, "must be a list")
            return nil
        }
        return sequence(node, at: path) { item, itemPath, reader in reader.enumValue(item, at: itemPath) }
    }

    func duration(_ node: Node, at path: String) -> PolicyDuration? {
        parsed(node, at: path, expected: "a duration such as 300s, 15m, 12h or 30d") { PolicyDuration(parsing: $0) }
    }

    /// Reads a scalar and converts it, reporting `"text" is not valid (expected …)` when conversion fails.
    func parsed<Value>(_ node: Node, at path: String, expected: String, _ parse: (String) -> Value?) -> Value? {
        guard let text = string(node, at: path) else { return nil }
        guard let value = parse(text) else {
            report.add(path, "\"\(text)\" is not valid (expected \(expected))")
            return nil
        }
        return value
    }
}
