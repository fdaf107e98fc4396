import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import NIOHTTP1

extension IPRelaxation: ExpressibleByArgument {}
extension HighAssurance: ExpressibleByArgument {}

extension CustomAttribute: ExpressibleByArgument {
    public init?(argument: String) { self.init(text: argument) }

    /// As the admin API takes it: `{name, value}` or `{name, field}`.
    var json: JSONValue {
        switch source {
        case .value(let value): .object(["name": .string(name), "value": .string(value)])
        case .field(let field): .object(["name": .string(name), "field": .string(field.rawValue)])
        }
    }
}

extension IPRange: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Options that edit a list of IP ranges: replace it, add to it, take from it, or empty it.
struct RangeEdits {
    var replace: [IPRange]
    var add: [IPRange]
    var remove: [IPRange]
    var clear: Bool

    var isEmpty: Bool { replace.isEmpty && add.isEmpty && remove.isEmpty && !clear }

    func applied(to ranges: [IPRange]) throws -> [IPRange] {
        guard replace.isEmpty || !clear else {
            throw ValidationError("give ranges to set or clear them, not both")
        }
        var result = clear ? [] : (replace.isEmpty ? ranges : replace)
        for range in add where !result.contains(range) { result.append(range) }
        result.removeAll { remove.contains($0) }
        guard result.count <= IPRange.maximumPerList else {
            throw CommandFailure("that makes \(result.count) ranges; at most \(IPRange.maximumPerList) are accepted")
        }
        return result
    }
}

/// `gatehouse profiles set-policy`
struct SetProfilePolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-policy",
        abstract:
            "Change where, when and how a profile's users may sign in; options not given stay as they are.",
        discussion: """
            Login IP ranges admit only addresses in them (each app's --ip-relaxation and trusted IP ranges say how \
            they apply). Login hours admit sign-in only in the windows of the weekdays listed, in the profile's time \
            zone; a weekday not listed allows none. Both are checked at sign-in and on every grant, at once, on every \
            node.

              gatehouse profiles set-policy 'Sales User' --login-ip-range 10.0.0.0/8 --login-ip-range 2001:db8::/32
              gatehouse profiles set-policy 'Sales User' --login-hours-time-zone Europe/Paris \\
                  --login-hours monday=08:00-18:00 --login-hours tuesday=08:00-12:00,13:00-18:00
              gatehouse profiles set-policy 'Sales User' --require-second-factor
            """)
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The profile.") var name: String
    @Option(name: .customLong("login-ip-range"), help: "Replace the login IP ranges (CIDR; repeatable).")
    var ranges: [IPRange] = []
    @Option(name: .customLong("add-login-ip-range"), help: "Add a login IP range (repeatable).")
    var addedRanges: [IPRange] = []
    @Option(name: .customLong("remove-login-ip-range"), help: "Remove a login IP range (repeatable).")
    var removedRanges: [IPRange] = []
    @Flag(help: "Admit every address.") var clearLoginIpRanges = false
    @Option(help: "The time zone of the login hours (Europe/Paris, UTC); required when the profile has none yet.")
    var loginHoursTimeZone: String?
    @Option(
        name: .customLong("login-hours"),
        help: "A weekday's windows, DAY=HH:MM-HH:MM[,HH:MM-HH:MM] or DAY=none (repeatable; other days stay).")
    var dayHours: [String] = []
    @Flag(help: "Admit sign-in at any time.") var clearLoginHours = false
    @Flag(
        inversion: .prefixedNo,
        help: "Require a second factor at sign-in (a user without one sets up an authenticator app while signing in).")
    var requireSecondFactor: Bool?
    @OptionGroup var review: ReviewOptions

    var rangeEdits: RangeEdits {
        RangeEdits(replace: ranges, add: addedRanges, remove: removedRanges, clear: clearLoginIpRanges)
    }

    func validate() throws {
        if clearLoginHours && (loginHoursTimeZone != nil || !dayHours.isEmpty) {
            throw ValidationError("give login hours to set or clear them, not both")
        }
        if rangeEdits.isEmpty && !clearLoginHours && loginHoursTimeZone == nil && dayHours.isEmpty
            && requireSecondFactor == nil
        {
            throw ValidationError(
                "nothing to change: give a login IP range, login hours or --[no-]require-second-factor option")
        }
        _ = try days()
    }

    /// The weekdays given, each with its windows (nil: none).
    func days() throws -> [(LoginHours.Weekday, [LoginHours.Window]?)] {
        try dayHours.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let day = LoginHours.Weekday(rawValue: parts[0].lowercased()) else {
                throw ValidationError("\(entry): expected DAY=HH:MM-HH:MM, DAY a weekday (monday … sunday)")
            }
            if parts[1] == "none" { return (day, nil) }
            guard let windows = LoginHours.windows(parsing: parts[1]) else {
                throw ValidationError("\(entry): expected \(LoginHours.Window.syntax)")
            }
            return (day, windows)
        }
    }

    /// The profile's hours once the options are applied.
    func hours(from current: LoginHours?) throws -> LoginHours? {
        if clearLoginHours { return nil }
        guard loginHoursTimeZone != nil || !dayHours.isEmpty else { return current }
        guard let zone = loginHoursTimeZone ?? current?.timeZoneName else {
            throw CommandFailure("the profile has no login hours yet: give --login-hours-time-zone too")
        }
        var days = current?.days ?? [:]
        for (day, windows) in try self.days() { days[day] = windows }
        guard LoginHours.namedTimeZone(zone) != nil else {
            throw CommandFailure("\(zone) is not a time zone of the tz database (such as Europe/Paris or UTC)")
        }
        guard let hours = LoginHours(timeZone: zone, days: days) else {
            throw CommandFailure("the windows of a day overlap")
        }
        return hours
    }

    func run() async throws {
        try await commitChange(storage, review: review.review) { admin in
            try await admin.changeProfile(name) { profile in
                profile.loginIPRanges = try rangeEdits.applied(to: profile.loginIPRanges)
                profile.loginHours = try hours(from: profile.loginHours)
                if let requireSecondFactor { profile.requireSecondFactor = requireSecondFactor }
            }
        } remote: { server in
            let bundle = try await server.bundle(.profile, named: name)
            let current = (bundle.view.loginIpRanges ?? []).compactMap { IPRange($0) }
            var fields: [String: JSONValue] = [:]
            if !rangeEdits.isEmpty {
                fields["loginIpRanges"] = .strings(try rangeEdits.applied(to: current).map(\.description))
            }
            // The members changed, as a merge patch: the server merges them into the hours it holds.
            if clearLoginHours {
                fields["loginHours"] = .null
            } else if loginHoursTimeZone != nil || !dayHours.isEmpty {
                fields["loginHours"] = try patch(hasHours: bundle.view.loginHours != nil)
            }
            if let requireSecondFactor { fields["requireSecondFactor"] = .bool(requireSecondFactor) }
            return try await server.change(
                .PATCH, try AdminAPIClient.path(BundleKind.profile.collection, bundle.id), json: .object(fields),
                version: bundle.version)
        }
    }

    /// The hours options as a merge patch of `loginHours`, checked as the database path checks them.
    func patch(hasHours: Bool) throws -> JSONValue {
        guard let zone = loginHoursTimeZone ?? (hasHours ? "" : nil) else {
            throw CommandFailure("the profile has no login hours yet: give --login-hours-time-zone too")
        }
        var object: [String: JSONValue] = [:]
        if !zone.isEmpty {
            guard LoginHours.namedTimeZone(zone) != nil else {
                throw CommandFailure("\(zone) is not a time zone of the tz database (such as Europe/Paris or UTC)")
            }
            object["timeZone"] = .string(zone)
        }
        for (day, windows) in try days() {
            object[day.rawValue] = windows.map { .string($0.map(\.description).joined(separator: ",")) } ?? .null
        }
        return .object(object)
    }
}
