import Foundation

/// How an app applies its users' profile login IP ranges (Salesforce's `ipRelaxation`). The JWT bearer grant always
/// enforces them, whatever the app says.
public enum IPRelaxation: String, CaseIterable, Sendable, Codable {
    /// The profile's ranges apply at sign-in and on every grant.
    case enforce
    /// They apply at sign-in and on every grant but a refresh, so a client that roams keeps its session; login hours
    /// are not checked on a refresh either.
    case enforceRelaxRefresh = "enforce-relax-refresh"
    /// They are not checked for this app (login hours still are, but on a refresh).
    case relax
}

/// Whether an app requires a second factor of its users (Salesforce's "High Assurance session required").
public enum HighAssurance: String, CaseIterable, Sendable, Codable {
    /// A password is enough (a user who has a second factor is still asked for it at sign-in).
    case none
    /// Signing in to the app takes a second factor: a session with only a password is stepped up (the user types a
    /// code, or sets up an authenticator app); a refresh of a grant made without one, and every flow without a user
    /// step (client credentials, JWT bearer), is refused.
    case raiseSessionLevel = "raise-session-level"
    /// As `raise-session-level`, but a session with only a password is refused rather than stepped up: the app
    /// sends the user to sign in again (`prompt=login`).
    case block

    /// Whether the app requires a second factor at all.
    public var requiresSecondFactor: Bool { self != .none }
}

/// When the users of a profile may sign in: windows of the day for each weekday listed, in a named time zone. A
/// weekday not listed allows no sign-in; the time-zone database gives the offset of each instant, so a window means
/// the same wall-clock hours in summer and in winter.
public struct LoginHours: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Weekday: String, CaseIterable, Sendable, Codable, Comparable {
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.index < rhs.index }
        var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    }

    /// `08:00-18:00`: from the start minute of the day up to (not including) the end minute; `24:00` ends a window
    /// at midnight.
    public struct Window: Sendable, Hashable, CustomStringConvertible {
        public let start: Int
        public let end: Int

        /// The syntax config and the CLI accept for a day: one window or several, separated by commas.
        public static let syntax =
            "HH:MM-HH:MM (24-hour clock, end after start, up to 24:00), or several separated by commas"

        init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        public init?(parsing text: some StringProtocol) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let start = Self.minute(parts[0]), let end = Self.minute(parts[1]), start < end
            else { return nil }
            self.start = start
            self.end = end
        }

        private static func minute(_ text: some StringProtocol) -> Int? {
            let text = text.trimmingCharacters(in: .whitespaces)
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                (parts[0] + parts[1]).allSatisfy({ $0.isASCII && $0.isNumber }),
                let hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60,
                hour < 24 || (hour == 24 && minute == 0)
            else { return nil }
            return hour * 60 + minute
        }

        public var description: String { "\(Self.clock(start))-\(Self.clock(end))" }

        private static func clock(_ minute: Int) -> String {
            let hour = minute / 60
            let rest = minute % 60
            return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
        }
    }

    public let timeZone: TimeZone
    /// The name the time zone was given by (Foundation may know `UTC` as `GMT`): what is stored and shown.
    public let timeZoneName: String
    /// The windows of each weekday listed, in order and without overlap.
    public let days: [Weekday: [Window]]

    /// Nil when the time zone is unknown or a day's windows overlap.
    public init?(timeZone identifier: String, days: [Weekday: [Window]]) {
        guard let timeZone = Self.namedTimeZone(identifier) else { return nil }
        var ordered: [Weekday: [Window]] = [:]
        for (day, windows) in days where !windows.isEmpty {
            let sorted = windows.sorted { $0.start < $1.start }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.start < earlier.end { return nil }
            ordered[day] = sorted
        }
        self.timeZone = timeZone
        self.timeZoneName = identifier
        self.days = ordered
    }

    /// A time zone of the database by its name (`Europe/Paris`, `UTC`); abbreviations such as `CET` or `PST` are
    /// not accepted, since they name an offset rather than a place's rules.
    public static func namedTimeZone(_ identifier: String) -> TimeZone? {
        guard identifier == "UTC" || (identifier.contains("/") && knownNames.contains(identifier)) else { return nil }
        return TimeZone(identifier: identifier)
    }

    private static let knownNames = Set(TimeZone.knownTimeZoneIdentifiers)

    /// Hours that allow no sign-in: what stored hours this machine cannot read become.
    public static let never = LoginHours(neverIn: "UTC")

    private init(neverIn name: String) {
        timeZone = TimeZone(secondsFromGMT: 0) ?? .current
        timeZoneName = name
        days = [:]
    }

    /// Parses one day's value: `08:00-18:00` or `08:00-12:00, 13:00-17:00`.
    public static func windows(parsing text: String) -> [Window]? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let windows = parts.compactMap { Window(parsing: $0) }
        return windows.count == parts.count && !windows.isEmpty ? windows : nil
    }

    /// Whether `time` falls in a window of its weekday, in the profile's time zone.
    public func allows(_ time: Date) -> Bool {
        let (day, minute) = localTime(time)
        return days[day]?.contains { $0.start <= minute && minute < $0.end } ?? false
    }

    /// The weekday and minute of the day that `time` is in the time zone.
    public func localTime(_ time: Date) -> (Weekday, Int) {
        let seconds = Int(time.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: time)
        let (days, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let dayNumber = second < 0 ? days - 1 : days
        let secondOfDay = second < 0 ? second + 86_400 : second
        // 1 January 1970 was a Thursday (index 3 from Monday).
        let index = ((dayNumber + 3) % 7 + 7) % 7
        return (Weekday.allCases[index], secondOfDay / 60)
    }

    /// `Europe/Paris monday 08:00-18:00, tuesday 08:00-18:00` — as the console and explanations read.
    public var description: String {
        let listed = days.keys.sorted().map { day in
            "\(day.rawValue) " + (days[day] ?? []).map(\.description).joined(separator: " and ")
        }
        return "\(timeZoneName) " + (listed.isEmpty ? "no day" : listed.joined(separator: ", "))
    }

    /// The stored form: `Europe/Paris;monday=08:00-18:00;tuesday=08:00-12:00,13:00-17:00`.
    public var stored: String {
        ([timeZoneName]
            + days.keys.sorted().map { day in
                "\(day.rawValue)=" + (days[day] ?? []).map(\.description).joined(separator: ",")
            }).joined(separator: ";")
    }

    public init?(stored text: String) {
        var parts = text.split(separator: ";").map(String.init)
        guard !parts.isEmpty else { return nil }
        let identifier = parts.removeFirst()
        var days: [Weekday: [Window]] = [:]
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let day = Weekday(rawValue: pair[0]), days[day] == nil,
                let windows = Self.windows(parsing: pair[1])
            else { return nil }
            days[day] = windows
        }
        self.init(timeZone: identifier, days: days)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let hours = LoginHours(stored: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not login hours: \(text)")
        }
        self = hours
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(stored)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.timeZoneName == rhs.timeZoneName && lhs.days == rhs.days
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timeZoneName)
        hasher.combine(days)
    }
}
