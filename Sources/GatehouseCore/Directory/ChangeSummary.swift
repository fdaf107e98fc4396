import Foundation

extension DirectoryChange {
    /// One line for a plan or a confirmation: `+ connected-app "Deduper"`, or
    /// `~ connected-app "Deduper": permittedUsers: all-users-self-authorize → admin-approved-preauthorized`.
    public func summary(before old: Directory, after new: Directory) -> String {
        let event = auditEvent(actor: AuditActor(name: ""), at: Date(timeIntervalSince1970: 0), before: old, after: new)
        let subject = "\(event.targetType.rawValue) \"\(event.target)\""
        switch (event.before, event.after) {
        case (nil, _): return "+ \(subject)"
        case (_, nil): return "- \(subject)"
        case (let before?, let after?):
            let differences = Self.fieldDifferences(before, after)
            return "~ \(subject): " + (differences.isEmpty ? "updated" : differences.joined(separator: "; "))
        }
    }

    /// `field: old → new` for each top-level field that differs between two JSON objects.
    static func fieldDifferences(_ before: String, _ after: String) -> [String] {
        guard let old = try? JSONSerialization.jsonObject(with: Data(before.utf8)) as? [String: Any],
            let new = try? JSONSerialization.jsonObject(with: Data(after.utf8)) as? [String: Any]
        else { return [] }
        func render(_ value: Any?) -> String {
            switch value {
            case nil, is NSNull: return "none"
            case let list as [Any]: return "[" + list.map { render($0) }.joined(separator: ", ") + "]"
            case let flag as Bool: return flag ? "true" : "false"
            case let other?: return "\(other)"
            }
        }
        return Set(old.keys).union(new.keys).sorted().compactMap { key in
            let (from, to) = (render(old[key]), render(new[key]))
            return from == to ? nil : "\(key): \(from) → \(to)"
        }
    }
}
