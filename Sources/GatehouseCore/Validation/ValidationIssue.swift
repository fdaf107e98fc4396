/// One problem found in input, located by a path such as `connectedApps[0].callbackUrls[1]`.
public struct ValidationIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, in the input's own terms (a config path, or a CLI option).
    public var path: String
    /// What is wrong, in words that tell how to fix it.
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// One or more validation problems, reported together so that a user can fix them in one pass.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(_ issues: [ValidationIssue]) { self.issues = issues }

    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// Collects validation issues under a path prefix.
public struct ValidationReport: Sendable {
    public private(set) var issues: [ValidationIssue] = []

    public init() {}

    public mutating func add(_ path: String, _ message: String) {
        issues.append(ValidationIssue(path: path, message: message))
    }

    public mutating func add(contentsOf other: [ValidationIssue]) { issues.append(contentsOf: other) }

    public var isValid: Bool { issues.isEmpty }

    /// Throws every collected issue at once, if there are any.
    public func throwIfInvalid() throws(ValidationFailure) {
        if !issues.isEmpty { throw ValidationFailure(issues) }
    }
}

/// Joins a path prefix and a field name: `join("users[2]", "email")` is `users[2].email`.
public func fieldPath(_ prefix: String, _ field: String) -> String {
    prefix.isEmpty ? field : "\(prefix).\(field)"
}

extension ValidationFailure {
    /// Validates with `check`, throwing every issue found.
    public static func check(_ check: (inout ValidationReport) -> Void) throws(ValidationFailure) {
        var report = ValidationReport()
        check(&report)
        try report.throwIfInvalid()
    }
}
