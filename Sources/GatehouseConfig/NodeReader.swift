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

    /// A list of IPv4 and IPv6 addresses and CIDR blocks, each kept once.
    func ipRanges(_ node: Node, at path: String) -> [IPRange]? {
        guard let texts = stringList(node, at: path) else { return nil }
        guard texts.count <= IPRange.maximumPerList else {
            report.add(path, "holds \(texts.count) ranges; at most \(IPRange.maximumPerList) are accepted")
            return nil
        }
        var ranges: [IPRange] = []
        for (index, text) in texts.enumerated() {
            guard let range = IPRange(text) else {
                report.add(
                    "\(path)[\(index)]",
                    "\"\(text)\" is not valid (expected an IPv4 or IPv6 address or CIDR block, such as 10.0.0.0/8 or 2001:db8::/32)"
                )
                continue
            }
            if !ranges.contains(range) { ranges.append(range) }
        }
        return ranges
    }

    /// An app's custom attributes: a list of `{name, value}` or `{name, field}` (a user field).
    func customAttributes(_ node: Node, at path: String) -> [CustomAttribute]? {
        let before = report.issues.count
        let attributes = sequence(node, at: path) { item, itemPath, reader -> CustomAttribute? in
            var name: String?
            var source: CustomAttribute.Source?
            reader.mapping(item, at: itemPath, keys: ["name", "value", "field"]) { key, value, keyPath in
                switch key {
                case "name": name = reader.string(value, at: keyPath)
                case "value":
                    if source != nil { reader.report.add(keyPath, "give a value or a field, not both") }
                    source = reader.string(value, at: keyPath).map(CustomAttribute.Source.value)
                default:
                    if source != nil { reader.report.add(keyPath, "give a value or a field, not both") }
                    source = (reader.enumValue(value, at: keyPath) as CustomAttribute.UserField?).map { .field($0) }
                }
            }
            guard item.mapping != nil else { return nil }
            guard let name else {
                reader.report.add(fieldPath(itemPath, "name"), "is required")
                return nil
            }
            guard let source else {
                reader.report.add(
                    itemPath,
                    "needs a value (a text) or a field (\(CustomAttribute.UserField.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
                return nil
            }
            return CustomAttribute(name: name, source: source)
        }
        return report.issues.count == before ? attributes : nil
    }

    /// A merge patch of login hours: the members given; a weekday `null` deletes that day.
    func loginHoursPatch(_ node: Node, at path: String) -> LoginHoursPatch? {
        var patch = LoginHoursPatch()
        var valid = true
        let keys = ["timeZone"] + LoginHours.Weekday.allCases.map(\.rawValue)
        mapping(node, at: path, keys: keys) { key, value, keyPath in
            guard let day = LoginHours.Weekday(rawValue: key) else {
                if value.null != nil {
                    report.add(keyPath, "cannot be removed (null): remove loginHours itself for any time")
                    valid = false
                    return
                }
                patch.timeZone = zone(value, at: keyPath)
                valid = valid && patch.timeZone != nil
                return
            }
            if value.null != nil {
                patch.days[day] = .some(nil)
                return
            }
            guard let windows = dayWindows(value, at: keyPath) else {
                valid = false
                return
            }
            patch.days[day] = windows
        }
        return node.mapping != nil && valid ? patch : nil
    }

    private func zone(_ value: Node, at path: String) -> String? {
        parsed(value, at: path, expected: "a time zone of the tz database, such as Europe/Paris or UTC") {
            LoginHours.namedTimeZone($0) == nil ? nil : $0
        }
    }

    /// One weekday's windows, in order and apart.
    private func dayWindows(_ value: Node, at path: String) -> [LoginHours.Window]? {
        guard let windows = parsed(value, at: path, expected: LoginHours.Window.syntax, LoginHours.windows) else {
            return nil
        }
        guard LoginHours(timeZone: "UTC", days: [.monday: windows]) != nil else {
            report.add(path, "\"\(value.string ?? "")\" has windows that overlap")
            return nil
        }
        return windows
    }

    /// `{timeZone: Europe/Paris, monday: "08:00-18:00", …}`: days absent allow no sign-in.
    func loginHours(_ node: Node, at path: String) -> LoginHours? {
        var zone: String?
        var days: [LoginHours.Weekday: [LoginHours.Window]] = [:]
        var valid = true
        let keys = ["timeZone"] + LoginHours.Weekday.allCases.map(\.rawValue)
        mapping(node, at: path, keys: keys) { key, value, keyPath in
            guard let day = LoginHours.Weekday(rawValue: key) else {
                zone = self.zone(value, at: keyPath)
                return
            }
            guard let windows = dayWindows(value, at: keyPath) else {
                valid = false
                return
            }
            days[day] = windows
        }
        guard node.mapping != nil else { return nil }
        guard let zone else {
            if !report.issues.contains(where: { $0.path == fieldPath(path, "timeZone") }) {
                report.add(fieldPath(path, "timeZone"), "is required (a time zone such as Europe/Paris or UTC)")
            }
            return nil
        }
        return valid ? LoginHours(timeZone: zone, days: days) : nil
    }
}
