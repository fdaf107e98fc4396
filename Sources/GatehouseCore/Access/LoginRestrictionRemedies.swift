import Foundation

/// The changes that let a request through a profile's login IP ranges or login hours.
extension AccessExplanation {
    static func addressRemedies(user: User, app: ConnectedApp, context: AccessContext, in directory: Directory)
        -> [AccessRemedy]
    {
        let appArgument = quoted(app.name)
        guard let text = context.clientIP, let address = IPAddress(text) else {
            return [
                AccessRemedy(
                    description:
                        "have the request come from a known address (behind a proxy, name the proxy with --trusted-proxies)",
                    command: nil)
            ]
        }
        var remedies: [AccessRemedy] = []
        if let profile = directory.profiles[user.profile] {
            remedies.append(
                AccessRemedy(
                    description: "add \(address) to profile \(profile.name)'s login IP ranges",
                    command: "gatehouse profiles set-policy \(quoted(profile.name)) --add-login-ip-range \(address)"))
        }
        remedies.append(
            AccessRemedy(
                description: "add \(address) to app \(app.name)'s trusted IP ranges",
                command: "gatehouse apps set-policy \(appArgument) --add-trusted-ip-range \(address)"))
        // The JWT bearer grant enforces the ranges whatever the app's relaxation says.
        if context.flow == .refresh {
            remedies.append(
                AccessRemedy(
                    description: "relax IP restrictions for refreshes of app \(app.name)",
                    command: "gatehouse apps set-policy \(appArgument) --ip-relaxation enforce-relax-refresh"))
        } else if context.flow != .jwtBearer {
            remedies.append(
                AccessRemedy(
                    description: "relax IP restrictions for app \(app.name)",
                    command: "gatehouse apps set-policy \(appArgument) --ip-relaxation relax"))
        }
        return remedies
    }

    static func hoursRemedies(user: User, app: ConnectedApp, context: AccessContext, in directory: Directory)
        -> [AccessRemedy]
    {
        guard let profile = directory.profiles[user.profile], let hours = profile.loginHours else { return [] }
        let (day, minute) = hours.localTime(context.time)
        let widened = hours.widened(toInclude: day, minute)
        let windows = (widened.days[day] ?? []).map(\.description).joined(separator: ",")
        let relax =
            context.flow == .refresh
            ? [
                AccessRemedy(
                    description: "let refreshes of app \(app.name) through outside the hours (and the IP ranges)",
                    command: "gatehouse apps set-policy \(quoted(app.name)) --ip-relaxation enforce-relax-refresh")
            ] : []
        return [
            AccessRemedy(
                description:
                    "widen profile \(profile.name)'s login hours on \(day.rawValue) to \(windows) (\(hours.timeZoneName))",
                command:
                    "gatehouse profiles set-policy \(quoted(profile.name)) --login-hours \(day.rawValue)=\(windows)"),
            AccessRemedy(
                description: "remove profile \(profile.name)'s login hours",
                command: "gatehouse profiles set-policy \(quoted(profile.name)) --clear-login-hours"),
        ] + relax
    }
}

extension LoginHours {
    /// These hours with `minute` of `day` allowed: the nearest window of the day stretched to the whole hour around
    /// it, or a new window of that hour.
    func widened(toInclude day: Weekday, _ minute: Int) -> LoginHours {
        let hourStart = minute / 60 * 60
        let hourEnd = hourStart + 60
        var windows = days[day] ?? []
        if let nearest = windows.indices.min(by: { distance(windows[$0], minute) < distance(windows[$1], minute) }) {
            let window = windows[nearest]
            windows[nearest] = Window(start: min(window.start, hourStart), end: max(window.end, hourEnd))
        } else {
            windows = [Window(start: hourStart, end: hourEnd)]
        }
        // Stretching one window may reach the next: merge them.
        var merged: [Window] = []
        for window in windows.sorted(by: { $0.start < $1.start }) {
            if let last = merged.last, window.start <= last.end {
                merged[merged.count - 1] = Window(start: last.start, end: max(last.end, window.end))
            } else {
                merged.append(window)
            }
        }
        var changed = days
        changed[day] = merged
        return LoginHours(timeZone: timeZoneName, days: changed) ?? self
    }

    private func distance(_ window: Window, _ minute: Int) -> Int {
        minute < window.start ? window.start - minute : max(0, minute - window.end + 1)
    }
}
