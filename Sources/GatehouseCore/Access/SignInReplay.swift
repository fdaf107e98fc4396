import Foundation

/// One sign-in or grant on record (login history) that was allowed: what a change narrowing where or when users
/// may sign in is replayed against.
public struct SignInOnRecord: Sendable, Equatable {
    public var user: UserID
    public var app: ConnectedAppID
    public var flow: AccessFlow
    public var at: Date
    public var clientIP: String?

    public init(user: UserID, app: ConnectedAppID, flow: AccessFlow, at: Date, clientIP: String?) {
        self.user = user
        self.app = app
        self.flow = flow
        self.at = at
        self.clientIP = clientIP
    }
}

/// The sign-ins of one user to one app that a change would refuse, though the user keeps the app.
public struct RefusedSignIns: Sendable, Equatable, Codable {
    public var user: String
    public var app: String
    /// The reason code the decision would give them after the change (`ip_restricted`, `outside_login_hours`).
    public var reason: String
    /// How many of the sign-ins replayed the change would refuse.
    public var signIns: Int
    /// The latest of them: when, and from which address.
    public var lastAt: Date
    public var lastClientIP: String?

    public init(user: String, app: String, reason: String, signIns: Int, lastAt: Date, lastClientIP: String?) {
        self.user = user
        self.app = app
        self.reason = reason
        self.signIns = signIns
        self.lastAt = lastAt
        self.lastClientIP = lastClientIP
    }
}

/// What the recent sign-ins say about a change that narrows where or when users may sign in (a profile's login IP
/// ranges or login hours, an app's IP relaxation or trusted ranges, a user's move to another profile). Such a change
/// takes no one's access away, so the preview of losses cannot show it; instead the sign-ins on record are decided
/// again, at their own time and address, under the restrictions before and after. The users who would have been
/// refused are who the change will refuse next.
public struct SignInReplay: Sendable, Equatable, Codable {
    /// The start of the login history read (later than the window's when the limit was reached), and how many
    /// sign-ins of users in reach it held (those of users the change cannot reach are not counted).
    public var since: Date
    public var signIns: Int
    /// By app, then user; those who lose the app altogether are in the losses instead.
    public var refused: [RefusedSignIns]

    public init(since: Date, signIns: Int, refused: [RefusedSignIns]) {
        self.since = since
        self.signIns = signIns
        self.refused = refused
    }

    /// How far back the preview reads login history, and at most how many sign-ins (the latest).
    public static let window: TimeInterval = 30 * 24 * 3600
    public static let limit = 20_000

    /// Replays `signIns` under the restrictions before and after the change. A user's profile and permission sets
    /// are theirs in `users` (before) and in `after.users` when `changed`; a sign-in of a user out of reach, of an
    /// app or user deleted, or of a pair in `lost` (they lose the app altogether) is left out.
    static func of(
        _ signIns: [SignInOnRecord], since: Date, users: [User], changed: Set<UserID>, lost: Set<AppUsage.Pair>,
        before: Directory, after: Directory
    ) -> SignInReplay {
        var indexOf: [UserID: Int] = [:]
        if !signIns.isEmpty {
            indexOf.reserveCapacity(users.count)
            for (index, user) in users.enumerated() where indexOf[user.id] == nil { indexOf[user.id] = index }
        }
        struct Key: Hashable {
            var pair: AppUsage.Pair
            var reason: RefusalReason
        }
        var found: [Key: (user: Int, count: Int, last: SignInOnRecord)] = [:]
        var replayed = 0
        for signIn in signIns {
            let pair = AppUsage.Pair(user: signIn.user, app: signIn.app)
            guard !lost.contains(pair), let index = indexOf[signIn.user],
                let appBefore = before.apps[signIn.app], let appAfter = after.apps[signIn.app]
            else { continue }
            let userBefore = users[index]
            guard let userAfter = changed.contains(signIn.user) ? after.users[signIn.user] : userBefore else {
                continue
            }
            replayed += 1
            let context = AccessContext(flow: signIn.flow, time: signIn.at, clientIP: signIn.clientIP)
            // Refused after, and not refused before by either restriction: the change's doing.
            guard let reason = restriction(userAfter, appAfter, context, after),
                restriction(userBefore, appBefore, context, before) == nil
            else { continue }
            let key = Key(pair: pair, reason: reason)
            if let known = found[key] {
                found[key] = (index, known.count + 1, known.last.at >= signIn.at ? known.last : signIn)
            } else {
                found[key] = (index, 1, signIn)
            }
        }
        var refused: [RefusedSignIns] = []
        for (key, value) in found {
            guard let app = after.apps[key.pair.app] else { continue }
            refused.append(
                RefusedSignIns(
                    user: users[value.user].username, app: app.name, reason: key.reason.rawValue, signIns: value.count,
                    lastAt: value.last.at, lastClientIP: value.last.clientIP))
        }
        refused.sort {
            ($0.app.lowercased(), $0.user.lowercased(), $0.reason) < (
                $1.app.lowercased(), $1.user.lowercased(), $1.reason
            )
        }
        return SignInReplay(since: since, signIns: replayed, refused: refused)
    }

    /// Which restriction of where or when refuses `context` to `user` on `app`, if one does.
    private static func restriction(_ user: User, _ app: ConnectedApp, _ context: AccessContext, _ directory: Directory)
        -> RefusalReason?
    {
        guard let profile = directory.profiles[user.profile] else { return nil }
        if let check = AccessPolicy.addressCheck(profile: profile, app: app, context: context), !check.passed {
            return .ipRestricted
        }
        if let check = AccessPolicy.hoursCheck(profile: profile, app: app, context: context), !check.passed {
            return .outsideLoginHours
        }
        return nil
    }

    /// What an admin reads: how many sign-ins were replayed, then who would have been refused (at most `limit`).
    public func summary(limit: Int = 20) -> String {
        let days = "since \(Self.day(since))"
        guard !refused.isEmpty else {
            return "Sign-ins on record \(days): \(signIns); the change would refuse none of them."
        }
        let count = refused.reduce(0) { $0 + $1.signIns }
        let users = Set(refused.map(\.user)).count
        var lines = [
            "Sign-ins on record \(days): \(signIns); the change would refuse \(count) of them, by \(users) \(users == 1 ? "user who keeps" : "users who keep") access:"
        ]
        for entry in refused.prefix(limit) {
            let from = entry.lastClientIP.map { " from \($0)" } ?? ""
            lines.append(
                "  \(entry.app): \(entry.user) (\(entry.reason)): \(entry.signIns) sign-in\(entry.signIns == 1 ? "" : "s"), the last\(from) at \(Self.minute(entry.lastAt))"
            )
        }
        if refused.count > limit { lines.append("  … and \(refused.count - limit) more") }
        return lines.joined(separator: "\n")
    }

    private static func day(_ date: Date) -> String { String(minute(date).prefix(10)) }

    /// `2026-12-01 21:10 UTC`.
    private static func minute(_ date: Date) -> String {
        String(date.formatted(.iso8601).prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}
