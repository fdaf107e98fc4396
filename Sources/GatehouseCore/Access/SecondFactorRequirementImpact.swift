import Foundation

/// What requiring a second factor of a profile's users stops: no one loses access (they sign in with one), but
/// the refreshes of their grants made without one are refused.
public struct SecondFactorRequirementImpact: Sendable, Equatable, Codable {
    public var profile: String
    /// Live grants of the profile's users, made by signing in without a second factor: their refresh tokens stop
    /// working.
    public var grantsWithoutSecondFactor: Int

    public init(profile: String, grantsWithoutSecondFactor: Int) {
        self.profile = profile
        self.grantsWithoutSecondFactor = grantsWithoutSecondFactor
    }

    public var isEmpty: Bool { grantsWithoutSecondFactor == 0 }

    /// Whose sign-ins the changes newly require a second factor of, by the profile that requires it: every
    /// member of a profile that starts requiring one (`wholeProfile`: as stored, less those the changes move out),
    /// and the users moved into a requiring profile from one that did not.
    public struct NewlyRequired: Sendable, Equatable {
        public var profile: Profile
        public var wholeProfile: Bool
        public var movedIn: [UserID]
        public var movedOut: [UserID]
    }

    public static func newlyRequired(by changes: [DirectoryChange], before: Directory, after: Directory)
        -> [NewlyRequired]
    {
        var found: [ProfileID: NewlyRequired] = [:]
        func entry(_ id: ProfileID) -> NewlyRequired? {
            if let existing = found[id] { return existing }
            return after.profiles[id].map { NewlyRequired(profile: $0, wholeProfile: false, movedIn: [], movedOut: []) }
        }
        for change in changes {
            if case .updateProfile(let old, let new) = change, new.requireSecondFactor, !old.requireSecondFactor {
                found[new.id] = entry(new.id).map {
                    var raised = $0
                    raised.wholeProfile = true
                    return raised
                }
            }
        }
        for change in changes {
            guard case .updateUser(let old, let new) = change, old.profile != new.profile else { continue }
            if found[old.profile]?.wholeProfile == true { found[old.profile]?.movedOut.append(old.id) }
            let requiredBefore = before.profiles[old.profile]?.requireSecondFactor ?? false
            let requiredAfter = after.profiles[new.profile]?.requireSecondFactor ?? false
            guard requiredAfter, !requiredBefore, var destination = entry(new.profile) else { continue }
            destination.movedIn.append(new.id)
            found[new.profile] = destination
        }
        return found.values.sorted { $0.profile.name < $1.profile.name }
    }

    /// In words, for the CLI.
    public var summary: String {
        "Second factor required of \(profile): \(grantsWithoutSecondFactor) live grant\(grantsWithoutSecondFactor == 1 ? "" : "s") made without one can no longer be refreshed (their users sign in again, with one)."
    }
}
