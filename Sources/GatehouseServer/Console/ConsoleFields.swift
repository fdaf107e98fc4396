import Foundation
import GatehouseCore

/// A console form's fields, each with its label, its hint and the problems a submission had at it (announced to
/// assistive technology through `aria-invalid` and `aria-describedby`).
struct ConsoleFields {
    private let e = HTML.escape
    let issues: [ValidationIssue]

    private func at(_ field: String) -> [ValidationIssue] {
        issues.filter { $0.path == field || $0.path.hasPrefix(field + "[") }
    }

    /// The problems at `field`, as a paragraph (none: empty).
    func issue(_ field: String) -> String {
        let messages = at(field).map(\.message)
        return messages.isEmpty
            ? "" : #"<p class="field-problem" id="\#(field)-problem">\#(e(messages.joined(separator: "; ")))</p>"#
    }

    /// The attributes that tie `field` to its hint and its problems.
    func described(_ field: String, hint: Bool = false) -> String {
        let invalid = !at(field).isEmpty
        let ids = (hint ? ["\(field)-hint"] : []) + (invalid ? ["\(field)-problem"] : [])
        return (invalid ? #" aria-invalid="true""# : "")
            + (ids.isEmpty ? "" : #" aria-describedby="\#(ids.joined(separator: " "))""#)
    }

    func select(_ field: String, _ label: String, _ options: [(String, String)], _ value: String) -> String {
        let choices = options.map { option in
            #"<option value="\#(e(option.0))"\#(option.0 == value ? " selected" : "")>\#(e(option.1))</option>"#
        }.joined()
        return
            #"<label for="\#(field)">\#(e(label))</label><select id="\#(field)" name="\#(field)"\#(described(field))>\#(choices)</select>\#(issue(field))"#
    }

    func text(_ field: String, _ label: String, _ value: String, hint: String) -> String {
        #"<label for="\#(field)">\#(e(label))</label><input type="text" id="\#(field)" name="\#(field)" value="\#(e(value))"\#(described(field, hint: true))><p class="hint" id="\#(field)-hint">\#(e(hint))</p>\#(issue(field))"#
    }

    func checkbox(_ field: String, _ label: String, _ on: Bool) -> String {
        #"<p class="check"><input type="checkbox" id="\#(field)" name="\#(field)"\#(on ? " checked" : "")><label for="\#(field)">\#(e(label))</label></p>\#(issue(field))"#
    }

    func lines(_ field: String, _ label: String, _ value: String, hint: String? = nil) -> String {
        let hintText = hint.map { #"<p class="hint" id="\#(field)-hint">\#(e($0))</p>"# } ?? ""
        return
            #"<label for="\#(field)">\#(e(label))</label><textarea id="\#(field)" name="\#(field)" rows="3"\#(described(field, hint: hint != nil))>\#(e(value))</textarea>\#(hintText)\#(issue(field))"#
    }

    /// IP ranges typed one per line (or separated by spaces or commas), each that does not parse reported at
    /// `field`.
    static func ranges(_ text: String, field: String, into report: inout ValidationReport) -> [IPRange] {
        var ranges: [IPRange] = []
        // By scalars: a CR LF pair is one Character, and a CR alone would stay on the entry.
        let entries = text.unicodeScalars.split { CharacterSet.whitespacesAndNewlines.contains($0) || $0 == "," }
        for entry in entries.map({ String(String.UnicodeScalarView($0)) }) {
            guard let range = IPRange(entry) else {
                report.add(field, "\"\(entry)\" is not an IPv4 or IPv6 address or CIDR block, such as 10.0.0.0/8")
                continue
            }
            if !ranges.contains(range) { ranges.append(range) }
        }
        if ranges.count > IPRange.maximumPerList {
            report.add(field, "holds \(ranges.count) ranges; at most \(IPRange.maximumPerList) are accepted")
        }
        return ranges
    }

    /// The summary above the form: how many fields need fixing, and the problems not at any of `fields`.
    func summary(_ fields: [String], verb: String) -> String {
        guard !issues.isEmpty else { return "" }
        let others = issues.filter { issue in !fields.contains { issue.path == $0 || issue.path.hasPrefix($0 + "[") } }
        let needs = issues.count == 1 ? "one field needs" : "\(issues.count) fields need"
        let otherList = others.isEmpty ? "" : "<ul>" + others.map { "<li>\(e($0.description))</li>" }.joined() + "</ul>"
        return #"<div class="problem" role="alert"><p>\#(verb): \#(needs) fixing.</p>\#(otherList)</div>"#
    }
}
