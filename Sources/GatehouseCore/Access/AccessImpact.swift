import Foundation

/// Which users use which apps now: approvals on record and live grants, counted per user and app. Loaded from the
/// database for an impact preview.
public struct AppUsage: Sendable {
    public struct Pair: Hashable, Sendable {
        public var user: UserID
        public var app: ConnectedAppID
        public init(user: UserID, app: ConnectedAppID) {
            self.user = user
            self.app = app
        }
    }

    /// Live (unrevoked) grants per user and app.
    public var liveGrants: [Pair: Int]
    /// Users and apps with an approval on record.
    public var approvals: Set<Pair>
    /// When the changes can narrow where or when users sign in: the sign-ins on record allowed (or allowed under
    /// report-only enforcement) since `signInsSince`, the latest first, at most ``SignInReplay/limit``. Nil otherwise.
    public var signInsSince: Date?
    public var signIns: [SignInOnRecord]

    public init(
        liveGrants: [Pair: Int] = [:], approvals: Set<Pair> = [], signInsSince: Date? = nil,
        signIns: [SignInOnRecord] = []
    ) {
        self.liveGrants = liveGrants
        self.approvals = approvals
        self.signInsSince = signInsSince
        self.signIns = signIns
    }

    func isInUse(_ pair: Pair) -> Bool { liveGrants[pair, default: 0] > 0 || approvals.contains(pair) }
}

/// One user who would lose access to one app.
public struct AccessLoss: Sendable, Equatable, Codable {
    public var user: String
    public var app: String
    /// The reason code the decision would give after the change.
    public var reason: String
    public var liveGrants: Int

    public init(user: String, app: String, reason: String, liveGrants: Int) {
        self.user = user
        self.app = app
        self.reason = reason
        self.liveGrants = liveGrants
    }
}

extension DirectoryChange {
    /// Whether the change updates or deletes a user.
    var changesUser: Bool {
        switch self {
        case .updateUser, .deleteUser: true
        default: false
        }
    }
}

/// Who would lose access through a change, and how many live grants would end: shown before a change is made. For a
/// change that narrows where or when users may sign in, also whose recent sign-ins it would refuse.
public struct AccessImpact: Sendable, Equatable, Codable {
    public var losses: [AccessLoss]
    /// Nil unless the change can narrow where or when users sign in (``ImpactScope/replayed``).
    public var replay: SignInReplay?
    /// The apps whose changes raise their high assurance, with what stops working.
    public var assurance: [AssuranceImpact]
    /// The profiles whose changes require a second factor of their users, with what stops working.
    public var secondFactorRequired: [SecondFactorRequirementImpact]

    public init(
        losses: [AccessLoss] = [], replay: SignInReplay? = nil, assurance: [AssuranceImpact] = [],
        secondFactorRequired: [SecondFactorRequirementImpact] = []
    ) {
        self.losses = losses
        self.replay = replay
        self.assurance = assurance
        self.secondFactorRequired = secondFactorRequired
    }

    /// Whether there is nothing to warn of: no one loses access, no recent sign-in would be refused, and no grant or
    /// grant type stops working.
    public var isEmpty: Bool {
        losses.isEmpty && (replay?.refused.isEmpty ?? true) && assurance.allSatisfy(\.isEmpty)
            && secondFactorRequired.allSatisfy(\.isEmpty)
    }
    public var liveGrants: Int { losses.reduce(0) { $0 + $1.liveGrants } }

    /// Compares the decision before and after `changes` for every user and app they can touch. A user "has
    /// access" to an admin-approved app when pre-authorized; to a self-authorize app when they use it (an approval
    /// or a live grant), since everyone could approve it. `users` are the users in reach of the changes
    /// (``ImpactScope``) as they were before them (`GatehouseStore.impactPreview` reads them by index); anyone else
    /// is out of reach. A user not changed may come with only the permission sets that grant an app in question or
    /// are changed. `before` and `after` hold the apps, profiles and permission sets the users' decisions read; the
    /// users themselves are taken from `users` and the changes.
    ///
    /// Users the changes leave alone are decided once for each app and kind of user (``AccessPolicy/UserFacts``):
    /// ten thousand holders of one profile are one decision before and one after, not ten thousand.
    public static func of(
        _ changes: [DirectoryChange], before: Directory, after: Directory, users: [User], usage: AppUsage,
        at time: Date
    )
        -> AccessImpact
    {
        // Indices into `users` for each app in question.
        var candidates: [ConnectedAppID: [Int]] = [:]
        // Users the changes update or delete: `after` holds what they become (nothing, when deleted); anyone else
        // stays as they were.
        var changed: Set<UserID> = []
        let everyone = Array(users.indices)
        // Found by id only for the users changed (a few), not for everyone in reach.
        var indexOf: [UserID: Int] = [:]
        if changes.contains(where: \.changesUser) {
            for (index, user) in users.enumerated() where indexOf[user.id] == nil { indexOf[user.id] = index }
        }
        for change in changes {
            switch change {
            case .updateApp(let app, _), .deleteApp(let app): candidates[app.id, default: []] += everyone
            case .updateProfile(let profile, _), .deleteProfile(let profile):
                let holders = everyone.filter { users[$0].profile == profile.id }
                for app in profile.connectedApps { candidates[app, default: []] += holders }
            case .updatePermissionSet(let set, _), .deletePermissionSet(let set):
                let holders = everyone.filter { users[$0].permissionSets.contains(set.id) }
                for app in set.connectedApps { candidates[app, default: []] += holders }
            case .updateUser(let user, _), .deleteUser(let user):
                changed.insert(user.id)
                if let index = indexOf[user.id] {
                    for app in before.apps.keys { candidates[app, default: []].append(index) }
                }
            case .createProfile, .createPermissionSet, .createUser, .createApp: break
            }
        }
        var losses: [AccessLoss] = []
        var lost: Set<AppUsage.Pair> = []
        // A question, not a request: the checks of addresses and hours (never made on introspection) stay out of it.
        let context = AccessContext(flow: .introspection, time: time, purpose: .question)
        for (appID, reached) in candidates {
            guard let appBefore = before.apps[appID] else { continue }
            let appAfter = after.apps[appID]
            /// Whether the decision before allowed a user (they had access if they use the app), and whether it
            /// pre-authorized them (they had access even if not); the reason they would be refused after.
            struct Outcome {
                var allowed: Bool
                var preauthorized: Bool
                var reason: String?
            }
            func outcome(_ userBefore: User, _ userAfter: User?) -> Outcome {
                let was = AccessPolicy.decide(user: userBefore, app: appBefore, context: context, in: before)
                let preauthorized = appBefore.permittedUsers == .adminApprovedPreauthorized && was.wouldRefuse == nil
                let reason: String? =
                    if let appAfter, let userAfter {
                        AccessPolicy.decide(user: userAfter, app: appAfter, context: context, in: after).refusal?
                            .reason.rawValue
                    } else {
                        appAfter == nil ? "app_deleted" : "user_deleted"
                    }
                return Outcome(allowed: was.isAllowed, preauthorized: was.isAllowed && preauthorized, reason: reason)
            }
            var byKind: [AccessPolicy.UserFacts: Outcome] = [:]
            var decided: Set<Int> = []
            for index in reached where decided.insert(index).inserted {
                let id = users[index].id
                let decision: Outcome
                if changed.contains(id) {
                    decision = outcome(users[index], after.users[id])
                } else {
                    let facts = AccessPolicy.UserFacts(users[index])
                    if let known = byKind[facts] {
                        decision = known
                    } else {
                        decision = outcome(users[index], users[index])
                        byKind[facts] = decision
                    }
                }
                guard let reason = decision.reason, decision.allowed else { continue }
                // Whether the user uses the app matters only when the decision before allowed them without
                // pre-authorizing them (a self-authorize app); the count of grants ending, whenever any are live.
                let pair = AppUsage.Pair(user: id, app: appID)
                guard decision.preauthorized || usage.isInUse(pair) else { continue }
                lost.insert(pair)
                losses.append(
                    AccessLoss(
                        user: users[index].username, app: appBefore.name, reason: reason,
                        liveGrants: usage.liveGrants.isEmpty ? 0 : usage.liveGrants[pair, default: 0]))
            }
        }
        // By app, then user, case-insensitively: each key computed once (a preview may list 100,000 users), and the
        // users of each app sorted apart, by their key and position alone.
        let byApp = Dictionary(grouping: losses.indices, by: { losses[$0].app })
        var sorted: [AccessLoss] = []
        sorted.reserveCapacity(losses.count)
        for app in byApp.keys.sorted(by: { $0.lowercased() < $1.lowercased() }) {
            let keyed = (byApp[app] ?? []).map { (user: losses[$0].user.lowercased(), index: $0) }
            sorted += keyed.sorted { $0.user < $1.user }.map { losses[$0.index] }
        }
        let replay = usage.signInsSince.map {
            SignInReplay.of(
                usage.signIns, since: $0, users: users, changed: changed, lost: lost, before: before, after: after)
        }
        return AccessImpact(losses: sorted, replay: replay)
    }

    /// What an admin reads before the change: one line per app, then the users (at most `limit` per app).
    public func summary(limit: Int = 20) -> String {
        let replayed = replay.map { "\n" + $0.summary(limit: limit) } ?? ""
        let raised = assurance.filter { !$0.isEmpty }.map { "\n" + $0.summary }.joined()
        let required = secondFactorRequired.filter { !$0.isEmpty }.map { "\n" + $0.summary }.joined()
        return lossSummary(limit: limit) + replayed + raised + required
    }

    private func lossSummary(limit: Int) -> String {
        guard !losses.isEmpty else { return "Impact: no user loses access." }
        let users = Set(losses.map(\.user)).count
        var lines = [
            "Impact: \(users) user\(users == 1 ? "" : "s") would lose access; \(liveGrants) live grant\(liveGrants == 1 ? "" : "s") would end."
        ]
        let byApp = Dictionary(grouping: losses, by: \.app)
        for app in byApp.keys.sorted(by: { $0.lowercased() < $1.lowercased() }) {
            let appLosses = byApp[app] ?? []
            let grants = appLosses.reduce(0) { $0 + $1.liveGrants }
            lines.append(
                "  \(app): \(appLosses.count) user\(appLosses.count == 1 ? "" : "s"), \(grants) live grant\(grants == 1 ? "" : "s")"
            )
            for loss in appLosses.prefix(limit) {
                lines.append(
                    "    \(loss.user) (\(loss.reason)): \(loss.liveGrants) live grant\(loss.liveGrants == 1 ? "" : "s")"
                )
            }
            if appLosses.count > limit { lines.append("    … and \(appLosses.count - limit) more") }
        }
        return lines.joined(separator: "\n")
    }
}
