import Foundation
import Hummingbird

/// Times in the console, shown in the admin's time zone (chosen on the preferences page, kept in a cookie of this
/// browser; UTC until chosen) to the minute, with the exact UTC value on hover and in `datetime`.
enum ConsoleTime {
    static let cookie = "gh_console_tz"
    /// The zone of the page being rendered: set for each page from its request (``Console/page(_:_:needing:_:)``).
    @TaskLocal static var zone: TimeZone = .gmt

    /// The zones the preferences page lists: UTC, then every zone the system lists, by name.
    static let identifiers: [String] = ["UTC"] + TimeZone.knownTimeZoneIdentifiers.filter { $0 != "UTC" }.sorted()
    private static let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/".utf8)

    /// The zone `identifier` names: one of the tz database's (the system's list lacks some current names, such
    /// as Asia/Kolkata, that it still knows), in the characters such names use.
    static func zone(named identifier: String?) -> TimeZone? {
        guard let identifier, !identifier.isEmpty, identifier.utf8.count <= 64,
            identifier.utf8.allSatisfy(allowed.contains)
        else { return nil }
        return identifier == "UTC" ? .gmt : TimeZone(identifier: identifier)
    }

    /// The zone the request's cookie names, or UTC.
    static func zone(of request: Request) -> TimeZone {
        zone(named: request.cookies[cookie]?.value) ?? .gmt
    }

    /// What a page calls `zone`: its identifier ("UTC" for UTC).
    static func name(_ zone: TimeZone) -> String {
        zone.secondsFromGMT() == 0 && (zone.identifier == "GMT" || zone.identifier == "UTC") ? "UTC" : zone.identifier
    }

    /// `iso` (ISO 8601) as a `<time>` element in ``zone``: "2026-12-06 14:05 UTC+1", the UTC value on hover.
    static func tag(_ iso: String) -> String {
        guard let date = try? Date(iso, strategy: .iso8601) else { return HTML.escape(iso) }
        let utc = minute(date, in: .gmt, seconds: true) + " UTC"
        let local = minute(date, in: zone, seconds: false) + " " + offset(of: date, in: zone)
        return #"<time datetime="\#(HTML.escape(iso))" title="\#(utc)">\#(local)</time>"#
    }

    /// "UTC", "UTC+1", "UTC-5", "UTC+5:30": the zone's offset at `date` (abbreviations are ambiguous, and on
    /// Linux only "GMT+1" anyway).
    static func offset(of date: Date, in zone: TimeZone) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        guard seconds != 0 else { return "UTC" }
        let hours = abs(seconds) / 3_600
        let minutes = abs(seconds) % 3_600 / 60
        return "UTC" + (seconds < 0 ? "-" : "+") + "\(hours)" + (minutes == 0 ? "" : ":" + pad(minutes))
    }

    private static func minute(_ date: Date, in zone: TimeZone, seconds: Bool) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = "\(parts.year ?? 0)-\(pad(parts.month ?? 0))-\(pad(parts.day ?? 0))"
        let time = "\(pad(parts.hour ?? 0)):\(pad(parts.minute ?? 0))" + (seconds ? ":\(pad(parts.second ?? 0))" : "")
        return day + " " + time
    }

    private static func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
}
