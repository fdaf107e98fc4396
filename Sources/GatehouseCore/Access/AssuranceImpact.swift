import Foundation

/// What raising an app's high assurance stops: it takes no user's access away (they sign in with a second factor),
/// but the refreshes of grants made without one are refused, and so is every flow without a user step.
public struct AssuranceImpact: Sendable, Equatable, Codable {
    public var app: String
    /// The new level: raise-session-level or block.
    public var highAssurance: String
    /// Live grants of the app made without a second factor: their refresh tokens stop working.
    public var grantsWithoutSecondFactor: Int
    /// The app's grant types without a user step, refused from now on: client_credentials, the JWT bearer grant.
    public var refusedGrantTypes: [String]

    public init(app: String, highAssurance: String, grantsWithoutSecondFactor: Int, refusedGrantTypes: [String]) {
        self.app = app
        self.highAssurance = highAssurance
        self.grantsWithoutSecondFactor = grantsWithoutSecondFactor
        self.refusedGrantTypes = refusedGrantTypes
    }

    /// Whether anything stops working.
    public var isEmpty: Bool { grantsWithoutSecondFactor == 0 && refusedGrantTypes.isEmpty }

    /// The apps whose changes make them require a second factor (none before), with the grant types refused; the
    /// grants are counted from storage.
    public static func raised(by changes: [DirectoryChange]) -> [(app: ConnectedApp, refusedGrantTypes: [String])] {
        changes.compactMap { change in
            guard case .updateApp(let before, let after) = change, after.highAssurance.requiresSecondFactor,
                !before.highAssurance.requiresSecondFactor
            else { return nil }
            let refused = after.grantTypes.intersection([.clientCredentials, .jwtBearer]).sorted().map(\.rawValue)
            return (after, refused)
        }
    }

    /// In words, for the CLI.
    public var summary: String {
        var parts: [String] = []
        if grantsWithoutSecondFactor > 0 {
            parts.append(
                "\(grantsWithoutSecondFactor) live grant\(grantsWithoutSecondFactor == 1 ? "" : "s") made without a second factor can no longer be refreshed (their users sign in again)"
            )
        }
        if !refusedGrantTypes.isEmpty {
            parts.append(
                "\(refusedGrantTypes.joined(separator: " and ")) stop\(refusedGrantTypes.count == 1 ? "s" : "") working"
            )
        }
        return "High assurance on \(app) (\(highAssurance)): " + parts.joined(separator: "; ") + "."
    }
}
