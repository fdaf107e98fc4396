import Foundation
import GatehouseCore
import Testing

/// A profile's login IP ranges and login hours as the one decision checks them on each flow, under each IP
/// relaxation of the app, with injected addresses and times (issue 13, items 1 and 2).
@Suite struct LoginRestrictionTests {
    /// Tuesday 2027-01-12 09:30 in Paris (08:30 UTC, winter time).
    let tuesdayMorning = Date(timeIntervalSince1970: 1_799_742_600)

    func fixture(
        ranges: [String] = ["10.0.0.0/8", "2001:db8::/32"], hours: LoginHours? = nil,
        relaxation: IPRelaxation = .enforce, trusted: [String] = []
    ) -> (Directory, User, ConnectedApp) {
        let app = ConnectedApp(
            name: "Deduper", clientID: "deduper", callbackURLs: ["https://d.example/cb"],
            permittedUsers: .adminApprovedPreauthorized, ipRelaxation: relaxation,
            trustedIPRanges: trusted.compactMap { IPRange($0) })
        let profile = Profile(
            name: "Sales User", connectedApps: [app.id], loginIPRanges: ranges.compactMap { IPRange($0) },
            loginHours: hours)
        let alice = User(username: "alice", email: "alice@example.com", profile: profile.id)
        return (Directory(users: [alice], profiles: [profile], apps: [app]), alice, app)
    }

    func decide(
        _ fixture: (Directory, User, ConnectedApp), _ flow: AccessFlow, from address: String?, at time: Date? = nil
    )
        -> AccessDecision
    {
        let (directory, user, app) = fixture
        return AccessPolicy.decide(
            user: user, app: app, context: AccessContext(flow: flow, time: time ?? tuesdayMorning, clientIP: address),
            in: directory)
    }

    static let grants: [AccessFlow] = [.authorize, .codeExchange, .refresh, .clientCredentials, .jwtBearer]

    @Test(arguments: grants)
    func anAddressInTheProfilesRangesPassesAndOneOutsideIsRefused(flow: AccessFlow) {
        let restricted = fixture()
        #expect(decide(restricted, flow, from: "10.20.30.40").isAllowed)
        #expect(decide(restricted, flow, from: "2001:db8:1::7").isAllowed)
        #expect(decide(restricted, flow, from: "::ffff:10.0.0.1").isAllowed, "an IPv4-mapped address is its IPv4")
        let refused = decide(restricted, flow, from: "203.0.113.9")
        #expect(refused.refusal == .ipRestricted)
        #expect(refused.refusal?.reason.rawValue == "ip_restricted")
        #expect(
            refused.checks.last?.detail
                == "203.0.113.9 is outside profile Sales User's login IP ranges (10.0.0.0/8, 2001:db8::/32) and app Deduper's trusted IP ranges"
        )
        #expect(decide(restricted, flow, from: nil).refusal == .ipRestricted, "a request from an unknown address")
        #expect(decide(restricted, flow, from: "not-an-address").refusal == .ipRestricted)
        #expect(decide(fixture(ranges: []), flow, from: "203.0.113.9").isAllowed, "no ranges: anywhere")
        #expect(
            decide(fixture(ranges: []), flow, from: "203.0.113.9").checks.allSatisfy { $0.name != "login_ip_ranges" })
    }

    @Test(arguments: grants)
    func theAppsTrustedRangesLetAnAddressThrough(flow: AccessFlow) {
        let trusted = fixture(trusted: ["192.0.2.0/24"])
        let decision = decide(trusted, flow, from: "192.0.2.77")
        #expect(decision.isAllowed)
        #expect(
            decision.checks.last?.detail
                == "192.0.2.77 is outside profile Sales User's login IP ranges (10.0.0.0/8, 2001:db8::/32), but in app Deduper's trusted IP ranges"
        )
        #expect(decide(trusted, flow, from: "192.0.3.1").refusal == .ipRestricted)
    }

    @Test func relaxationDecidesWhichFlowsCheckTheAddress() {
        let outside = "203.0.113.9"
        let relaxRefresh = fixture(relaxation: .enforceRelaxRefresh)
        for flow in [AccessFlow.authorize, .codeExchange, .clientCredentials, .jwtBearer] {
            #expect(decide(relaxRefresh, flow, from: outside).refusal == .ipRestricted, "\(flow)")
        }
        let refresh = decide(relaxRefresh, .refresh, from: outside)
        #expect(refresh.isAllowed)
        #expect(
            refresh.checks.last?.detail
                == "app Deduper relaxes IP restrictions on a refresh: profile Sales User's login IP ranges are not checked on refresh"
        )
        let relax = fixture(relaxation: .relax)
        for flow in [AccessFlow.authorize, .codeExchange, .clientCredentials, .refresh] {
            #expect(decide(relax, flow, from: outside).isAllowed, "\(flow)")
        }
        #expect(
            decide(relax, .jwtBearer, from: outside).refusal == .ipRestricted, "the JWT bearer grant always enforces")
        for flow in [AccessFlow.introspection, .userinfo, .adminAPI, .adminConsole] {
            let decision = decide(fixture(), flow, from: outside)
            #expect(decision.isAllowed, "\(flow): a token's use is not checked")
            #expect(decision.checks.allSatisfy { $0.name != "login_ip_ranges" })
        }
    }

    @Test func anExplanationWithoutAnAddressSaysWhatItWouldCheck() {
        let (directory, alice, app) = fixture()
        let question = AccessContext(flow: .authorize, time: tuesdayMorning, purpose: .question)
        let explanation = AccessExplanation.explain(user: alice, app: app, context: question, in: directory)
        #expect(explanation.decision.isAllowed)
        #expect(
            explanation.decision.checks.last?.detail
                == "no address given to check: profile Sales User's login IP ranges (10.0.0.0/8, 2001:db8::/32) admit only addresses in them"
        )
        var asked = question
        asked.clientIP = "203.0.113.9"
        let refused = AccessExplanation.explain(user: alice, app: app, context: asked, in: directory)
        #expect(refused.decision.refusal == .ipRestricted)
        #expect(
            refused.remedies.compactMap(\.command) == [
                "gatehouse profiles set-policy 'Sales User' --add-login-ip-range 203.0.113.9",
                "gatehouse apps set-policy Deduper --add-trusted-ip-range 203.0.113.9",
                "gatehouse apps set-policy Deduper --ip-relaxation relax",
            ])
        asked.flow = .jwtBearer
        let bearer = AccessExplanation.explain(user: alice, app: app, context: asked, in: directory)
        #expect(bearer.remedies.count == 2, "relaxing does not help the JWT bearer grant")
        asked.flow = .refresh
        let refresh = AccessExplanation.explain(user: alice, app: app, context: asked, in: directory)
        #expect(
            refresh.remedies.last?.command == "gatehouse apps set-policy Deduper --ip-relaxation enforce-relax-refresh")
    }

    // MARK: Login hours

    static let paris = LoginHours(
        timeZone: "Europe/Paris",
        days: [
            .monday: LoginHours.windows(parsing: "08:00-18:00") ?? [],
            .tuesday: LoginHours.windows(parsing: "08:00-12:00,13:00-18:00") ?? [],
        ])

    func at(_ iso: String) throws -> Date { try #require(ISO8601DateFormatter().date(from: iso)) }

    @Test func hoursAreReadInTheProfilesTimeZoneWithItsDaylightSavingTime() throws {
        let hours = try #require(Self.paris)
        #expect(hours.allows(try at("2027-01-12T08:30:00Z")), "Tuesday 09:30 in Paris (UTC+1)")
        #expect(!hours.allows(try at("2027-01-12T11:30:00Z")), "Tuesday 12:30: the lunch gap")
        #expect(!hours.allows(try at("2027-01-12T17:00:00Z")), "Tuesday 18:00: the end is not included")
        #expect(hours.allows(try at("2027-01-12T16:59:59Z")))
        #expect(!hours.allows(try at("2027-01-13T08:30:00Z")), "Wednesday: not listed, no sign-in")
        // Summer time (UTC+2): 08:00 in Paris is 06:00 UTC; on the Monday before the change it was 07:00 UTC.
        #expect(hours.allows(try at("2027-03-29T06:00:00Z")), "Monday 29 March 2027, 08:00 CEST")
        #expect(!hours.allows(try at("2027-03-22T06:30:00Z")), "Monday 22 March 2027, 07:30 CET")
        #expect(hours.allows(try at("2027-03-22T07:00:00Z")))
        let allDay = try #require(
            LoginHours(timeZone: "UTC", days: [.sunday: LoginHours.windows(parsing: "00:00-24:00") ?? []]))
        #expect(allDay.allows(try at("2027-01-10T23:59:59Z")))
        #expect(!allDay.allows(try at("2027-01-11T00:00:00Z")), "Monday")
        #expect(hours.description == "Europe/Paris monday 08:00-18:00, tuesday 08:00-12:00 and 13:00-18:00")
        #expect(LoginHours(stored: hours.stored) == hours)
    }

    @Test func hoursThatDoNotParseAreRefused() {
        for bad in [
            "8:00-18:00", "18:00-08:00", "08:00-08:00", "08:00-24:01", "25:00-26:00", "08:60-09:00", "", "08:00",
            "08:00-12:00,", "０８:00-09:00",
        ] {
            #expect(LoginHours.windows(parsing: bad) == nil, "\(bad)")
        }
        #expect(LoginHours(timeZone: "Mars/Olympus", days: [:]) == nil)
        #expect(LoginHours(timeZone: "CET", days: [:]) == nil, "an abbreviation is an offset, not a place's rules")
        let overlapping = LoginHours.windows(parsing: "08:00-12:00,11:00-13:00") ?? []
        #expect(LoginHours(timeZone: "UTC", days: [.monday: overlapping]) == nil)
    }

    @Test(arguments: grants)
    func outsideTheHoursEveryGrantIsRefused(flow: AccessFlow) throws {
        let limited = fixture(ranges: [], hours: Self.paris)
        #expect(decide(limited, flow, from: "203.0.113.9", at: try at("2027-01-12T08:30:00Z")).isAllowed)
        let late = decide(limited, flow, from: "203.0.113.9", at: try at("2027-01-12T19:05:00Z"))
        #expect(late.refusal == .outsideLoginHours)
        #expect(
            late.checks.last?.detail
                == "it is tuesday 20:05 in Europe/Paris, outside profile Sales User's login hours (monday 08:00-18:00, tuesday 08:00-12:00 and 13:00-18:00)"
        )
    }

    @Test func aRelaxedAppSkipsTheHoursOnARefreshOnly() throws {
        let evening = try at("2027-01-12T19:05:00Z")
        for relaxation in [IPRelaxation.enforceRelaxRefresh, .relax] {
            let limited = fixture(hours: Self.paris, relaxation: relaxation)
            #expect(decide(limited, .refresh, from: "203.0.113.9", at: evening).isAllowed, "\(relaxation)")
            #expect(decide(limited, .authorize, from: "10.0.0.1", at: evening).refusal == .outsideLoginHours)
        }
        #expect(
            decide(fixture(hours: Self.paris), .refresh, from: "10.0.0.1", at: evening).refusal == .outsideLoginHours)
        #expect(decide(fixture(hours: Self.paris), .userinfo, from: "10.0.0.1", at: evening).isAllowed)
    }

    @Test func theRemedyWidensTheNearestWindowToTheHour() throws {
        let (directory, alice, app) = fixture(ranges: [], hours: Self.paris)
        let context = AccessContext(flow: .authorize, time: try at("2027-01-12T19:05:00Z"), purpose: .question)
        let explanation = AccessExplanation.explain(user: alice, app: app, context: context, in: directory)
        #expect(
            explanation.remedies.compactMap(\.command) == [
                "gatehouse profiles set-policy 'Sales User' --login-hours tuesday=08:00-12:00,13:00-21:00",
                "gatehouse profiles set-policy 'Sales User' --clear-login-hours",
            ])
        let wednesday = AccessContext(flow: .authorize, time: try at("2027-01-13T06:59:00Z"), purpose: .question)
        #expect(
            AccessExplanation.explain(user: alice, app: app, context: wednesday, in: directory).remedies.first?.command
                == "gatehouse profiles set-policy 'Sales User' --login-hours wednesday=07:00-08:00")
        // At 12:30 the lunch gap closes: the two windows become one.
        let lunch = AccessContext(flow: .authorize, time: try at("2027-01-12T11:30:00Z"), purpose: .question)
        #expect(
            AccessExplanation.explain(user: alice, app: app, context: lunch, in: directory).remedies.first?.command
                == "gatehouse profiles set-policy 'Sales User' --login-hours tuesday=08:00-18:00")
    }
}
