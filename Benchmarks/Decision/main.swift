import Foundation
import GatehouseCore
import Synchronization

/// The access decision measured in process, on a directory of the size issue 4 names: 100,000 users, 1,000 apps,
/// 1,000 permission sets, the users held as a server holds them (a ``UserCache`` under a lock, ADR 8). Prints the
/// decision's latency percentiles, the cache's memory per user, and token minting throughput with and without the
/// decision, measured in interleaved rounds of the same run. With `--database LOCATION`, the decision with the
/// user read from a real database instead: cold (one indexed read) and warm (cached) — see Stored.swift; with
/// `--database LOCATION --burst N`, N one-user changes through the admin library (Burst.swift).
struct Arguments {
    var users = 100_000
    var apps = 1_000
    var permissionSets = 1_000
    var profiles = 100
    var decisions = 1_000_000
    var rounds = 5
    var database: String?
    var samples = 20_000
    var burst: Int?

    init() {
        var iterator = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            if flag == "--database" {
                database = iterator.next()
                continue
            }
            guard let value = iterator.next().flatMap(Int.init) else { break }
            switch flag {
            case "--users": users = value
            case "--apps": apps = value
            case "--permission-sets": permissionSets = value
            case "--decisions": decisions = value
            case "--rounds": rounds = value
            case "--samples": samples = value
            case "--burst": burst = value
            default: break
            }
        }
    }
}

/// A fixed-seed generator, so that every run builds the same directory.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Resident memory of this process, from /proc/self/statm (Linux).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func percentile(_ sorted: [UInt64], _ fraction: Double) -> Double {
    Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))])
}

func benchmark() throws {
    let arguments = Arguments()
    var random = SplitMix64(state: 42)

    // MARK: The directory

    let before = residentBytes()
    let apps = (0..<arguments.apps).map { index in
        ConnectedApp(
            name: "App \(index)", clientID: "app-\(index)", callbackURLs: ["https://app\(index).example/cb"],
            scopes: ["openid", "api"], grantTypes: [.authorizationCode, .refreshToken, .clientCredentials],
            permittedUsers: index % 2 == 0 ? .adminApprovedPreauthorized : .allUsersSelfAuthorize)
    }
    func someApps(_ count: Int) -> Set<ConnectedAppID> {
        Set((0..<count).map { _ in apps[Int.random(in: 0..<apps.count, using: &random)].id })
    }
    let profiles = (0..<arguments.profiles).map { Profile(name: "Profile \($0)", connectedApps: someApps(20)) }
    let permissionSets = (0..<arguments.permissionSets).map {
        PermissionSet(name: "Permission Set \($0)", connectedApps: someApps(5))
    }
    let users = (0..<arguments.users).map { index in
        User(
            username: "user\(index)", email: "user\(index)@example.com", displayName: "User \(index)",
            profile: profiles[Int.random(in: 0..<profiles.count, using: &random)].id,
            permissionSets: Set(
                (0..<Int.random(in: 0...4, using: &random)).map { _ in
                    permissionSets[Int.random(in: 0..<permissionSets.count, using: &random)].id
                }))
    }
    let directory = Directory(profiles: profiles, permissionSets: permissionSets, apps: apps)
    let cache = Mutex(UserCache(capacity: users.count))
    for user in users { cache.withLock { $0.insert(user, version: 1) } }
    let after = residentBytes()
    let perUser = Double(after - before) / Double(arguments.users)

    // MARK: Decision latency

    let userIDs = users.map(\.id)
    let appIDs = Array(directory.apps.keys)
    let pairs = (0..<arguments.decisions).map { _ in
        (
            userIDs[Int.random(in: 0..<userIDs.count, using: &random)],
            appIDs[Int.random(in: 0..<appIDs.count, using: &random)]
        )
    }
    let now = Date()
    var latencies = [UInt64](repeating: 0, count: pairs.count)
    var allowed = 0
    // Warm up, then time each decision on its own, with the lookups a request makes.
    for (user, app) in pairs.prefix(10_000) {
        if let user = cache.withLock({ $0.user(user) }), let app = directory.apps[app] {
            _ = AccessPolicy.decide(
                user: user, app: app, context: AccessContext(flow: .refresh, time: now), in: directory)
        }
    }
    let started = nanoseconds()
    for (index, (userID, appID)) in pairs.enumerated() {
        let start = nanoseconds()
        guard let user = cache.withLock({ $0.user(userID) }), let app = directory.apps[appID] else { continue }
        let decision = AccessPolicy.decide(
            user: user, app: app, context: AccessContext(flow: .refresh, time: now), in: directory)
        latencies[index] = nanoseconds() - start
        if decision.isAllowed { allowed += 1 }
    }
    let elapsed = Double(nanoseconds() - started) / 1e9
    latencies.sort()

    // MARK: Token minting with and without the decision

    let key = try SigningKey.generate(.es256)
    let keys = KeyRing([ScheduledSigningKey(key: key, createdAt: now, activatesAt: now.addingTimeInterval(-60))])
    let issuer = TokenIssuer(issuer: "https://gatehouse.example")
    let scopes = Scopes(["api"])
    func mint(count: Int, decide: Bool) throws -> Double {
        let start = nanoseconds()
        for index in 0..<count {
            let (userID, appID) = pairs[index % pairs.count]
            guard let user = cache.withLock({ $0.user(userID) }), let app = directory.apps[appID] else { continue }
            if decide {
                let decision = AccessPolicy.decide(
                    user: user, app: app, context: AccessContext(flow: .clientCredentials, time: now), in: directory)
                if !decision.isAllowed { _ = decision.refusal?.reason }
            }
            _ = try issuer.accessToken(
                app: app, user: user, scopes: scopes, grant: nil, authentication: nil, at: now, keys: keys)
        }
        return Double(count) / (Double(nanoseconds() - start) / 1e9)
    }
    var ratios: [Double] = []
    var withRates: [Double] = []
    var withoutRates: [Double] = []
    for _ in 0..<arguments.rounds {
        let without = try mint(count: 20_000, decide: false)
        let with = try mint(count: 20_000, decide: true)
        withoutRates.append(without)
        withRates.append(with)
        ratios.append(with / without)
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    // MARK: The decision with login IP ranges and hours

    // Every profile restricts addresses (20 ranges, the client's in the last) and hours (weekdays 00:00-24:00 in
    // Europe/Paris, so the decision allows what it allowed): the checks' full cost, against the same directory
    // without them, in interleaved rounds.
    let ranges = (0..<20).compactMap { IPRange("10.\($0).0.0/16") }
    let hours = LoginHours(
        timeZone: "Europe/Paris",
        days: Dictionary(
            uniqueKeysWithValues: LoginHours.Weekday.allCases.map {
                ($0, LoginHours.windows(parsing: "00:00-24:00") ?? [])
            }))
    let restricted = Directory(
        profiles: profiles.map { profile in
            var profile = profile
            profile.loginIPRanges = ranges
            profile.loginHours = hours
            return profile
        }, permissionSets: permissionSets, apps: apps)
    // Every profile and app requires a second factor, and the grants were made with one: the check's full cost.
    let assured = Directory(
        profiles: profiles.map { profile in
            var profile = profile
            profile.requireSecondFactor = true
            return profile
        }, permissionSets: permissionSets,
        apps: apps.map { app in
            var app = app
            app.highAssurance = .raiseSessionLevel
            return app
        })
    func decisionRate(_ directory: Directory, count: Int) -> Double {
        let context = AccessContext(
            flow: .refresh, time: now, clientIP: "10.19.3.4",
            authentication: AuthenticationMethods([.password, .oneTimePassword]))
        var allowed = 0
        let start = nanoseconds()
        for index in 0..<count {
            let (userID, appID) = pairs[index % pairs.count]
            guard let user = cache.withLock({ $0.user(userID) }), let app = directory.apps[appID] else { continue }
            if AccessPolicy.decide(user: user, app: app, context: context, in: directory).isAllowed { allowed += 1 }
        }
        precondition(allowed > 0)
        return Double(count) / (Double(nanoseconds() - start) / 1e9)
    }
    var plainRates: [Double] = []
    var restrictedRates: [Double] = []
    var restrictionRatios: [Double] = []
    var assuredRates: [Double] = []
    var assuranceRatios: [Double] = []
    for _ in 0..<arguments.rounds {
        let plain = decisionRate(directory, count: 200_000)
        let checked = decisionRate(restricted, count: 200_000)
        let secondFactor = decisionRate(assured, count: 200_000)
        plainRates.append(plain)
        restrictedRates.append(checked)
        restrictionRatios.append(checked / plain)
        assuredRates.append(secondFactor)
        assuranceRatios.append(secondFactor / plain)
    }

    print(
        """
        directory: \(arguments.users) users, \(arguments.apps) apps, \(arguments.permissionSets) permission sets, \(arguments.profiles) profiles
        directory and user cache memory: \(String(format: "%.1f", Double(after - before) / 1_048_576)) MiB resident, \(Int(perUser)) bytes per user
        decisions: \(pairs.count) (\(allowed) allowed), \(String(format: "%.0f", Double(pairs.count) / elapsed)) per second on one core
        decision latency (ns): p50 \(Int(percentile(latencies, 0.5))), p99 \(Int(percentile(latencies, 0.99))), p99.9 \(Int(percentile(latencies, 0.999))), max \(latencies.last ?? 0)
        token minting (ES256 JWT), \(arguments.rounds) interleaved rounds of 20,000: without decision \(Int(median(withoutRates)))/s, with \(Int(median(withRates)))/s
        ratio with/without: median \(String(format: "%.3f", median(ratios))) (range \(String(format: "%.3f", ratios.min() ?? 0))–\(String(format: "%.3f", ratios.max() ?? 0)))
        decisions with 20 login IP ranges and login hours on every profile, \(arguments.rounds) interleaved rounds of 200,000: without \(Int(median(plainRates)))/s, with \(Int(median(restrictedRates)))/s
        ratio with/without restrictions: median \(String(format: "%.3f", median(restrictionRatios))) (range \(String(format: "%.3f", restrictionRatios.min() ?? 0))–\(String(format: "%.3f", restrictionRatios.max() ?? 0)))
        decisions with a second factor required by every profile and app (grants made with one): \(Int(median(assuredRates)))/s
        ratio with/without the second-factor check: median \(String(format: "%.3f", median(assuranceRatios))) (range \(String(format: "%.3f", assuranceRatios.min() ?? 0))–\(String(format: "%.3f", assuranceRatios.max() ?? 0)))
        """)
}

if let database = Arguments().database, let burst = Arguments().burst {
    try await BurstBenchmark(location: database, changes: burst).run()
} else if let database = Arguments().database {
    try await StoredDecisionBenchmark(location: database, samples: Arguments().samples).run()
} else {
    try benchmark()
}
