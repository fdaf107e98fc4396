import Foundation

/// The checks of a profile's login IP ranges and login hours, as an app's IP relaxation applies them to each flow.
extension AccessPolicy {
    /// Whether the profile's login IP ranges are checked on `flow` for `app`: never on a token's use (introspection,
    /// userinfo, the admin API and console), always on the JWT bearer grant, and otherwise as the app relaxes them.
    public static func checksAddress(of app: ConnectedApp, on flow: AccessFlow) -> Bool {
        switch flow {
        case .jwtBearer: true
        case .authorize, .codeExchange, .clientCredentials: app.ipRelaxation != .relax
        case .refresh: app.ipRelaxation == .enforce
        case .introspection, .userinfo, .adminAPI, .adminConsole: false
        }
    }

    /// Whether the profile's login hours are checked on `flow` for `app`: at sign-in and on every grant, but a
    /// refresh when the app relaxes IP restrictions for it (or altogether).
    public static func checksHours(of app: ConnectedApp, on flow: AccessFlow) -> Bool {
        switch flow {
        case .authorize, .codeExchange, .clientCredentials, .jwtBearer: true
        case .refresh: app.ipRelaxation == .enforce
        case .introspection, .userinfo, .adminAPI, .adminConsole: false
        }
    }

    /// The IP check, or nil where there is nothing to say: the profile allows every address, or the flow is one the
    /// check never applies to.
    static func addressCheck(profile: Profile, app: ConnectedApp, context: AccessContext) -> AccessCheck? {
        guard !profile.loginIPRanges.isEmpty else { return nil }
        let subject = AddressSubject(profile: profile.name, app: app.name, ranges: profile.loginIPRanges)
        guard checksAddress(of: app, on: context.flow) else {
            switch context.flow {
            case .authorize, .codeExchange, .clientCredentials, .refresh:
                return AccessCheck(
                    "login_ip_ranges", passed: true, .addressRelaxed(subject, app.ipRelaxation, context.flow))
            case .jwtBearer, .introspection, .userinfo, .adminAPI, .adminConsole: return nil
            }
        }
        guard let text = context.clientIP else {
            let outcome: AddressOutcome = context.purpose == .question ? .notGiven : .unknown
            return AccessCheck("login_ip_ranges", passed: outcome == .notGiven, .address(subject, nil, outcome))
        }
        let outcome: AddressOutcome =
            if let address = IPAddress(text) {
                profile.loginIPRanges.containsAddress(address)
                    ? .inProfileRanges
                    : app.trustedIPRanges.containsAddress(address) ? .inTrustedRanges : .outside
            } else {
                .unknown
            }
        return AccessCheck(
            "login_ip_ranges", passed: outcome == .inProfileRanges || outcome == .inTrustedRanges,
            .address(subject, text, outcome))
    }

    /// The login-hours check, or nil where the profile allows every hour or the flow is not checked.
    static func hoursCheck(profile: Profile, app: ConnectedApp, context: AccessContext) -> AccessCheck? {
        guard let hours = profile.loginHours, checksHours(of: app, on: context.flow) else { return nil }
        let allowed = hours.allows(context.time)
        return AccessCheck(
            "login_hours", passed: allowed, .hours(profile: profile.name, hours, at: context.time, allowed: allowed))
    }
}

/// What the IP check found of the client's address.
enum AddressOutcome: Sendable, Equatable {
    case inProfileRanges
    case inTrustedRanges
    case outside
    /// A request whose address is not known (or not an address).
    case unknown
    /// A question asked without an address.
    case notGiven
}

/// Whose ranges the IP check read.
struct AddressSubject: Sendable {
    var profile: String
    var app: String
    var ranges: [IPRange]

    var rangeList: String { ranges.map(\.description).joined(separator: ", ") }
}

extension AccessFact {
    static func addressDetail(_ subject: AddressSubject, _ address: String?, _ outcome: AddressOutcome) -> String {
        let ranges = "profile \(subject.profile)'s login IP ranges (\(subject.rangeList))"
        // A known outcome's address parsed as one, so it holds nothing but address characters.
        let shown = address ?? "the address"
        return switch outcome {
        case .inProfileRanges: "\(shown) is in \(ranges)"
        case .inTrustedRanges:
            "\(shown) is outside \(ranges), but in app \(subject.app)'s trusted IP ranges"
        case .outside: "\(shown) is outside \(ranges) and app \(subject.app)'s trusted IP ranges"
        case .unknown:
            "the client's address is not known, and \(ranges) admit only addresses in them"
        case .notGiven: "no address given to check: \(ranges) admit only addresses in them"
        }
    }

    static func relaxedDetail(_ subject: AddressSubject, _ relaxation: IPRelaxation, _ flow: AccessFlow) -> String {
        relaxation == .relax
            ? "app \(subject.app) relaxes IP restrictions: profile \(subject.profile)'s login IP ranges are not checked"
            : "app \(subject.app) relaxes IP restrictions on a refresh: profile \(subject.profile)'s login IP ranges are not checked on \(flow.rawValue)"
    }

    static func hoursDetail(_ profile: String, _ hours: LoginHours, _ time: Date, _ allowed: Bool) -> String {
        let (day, minute) = hours.localTime(time)
        let clock = (minute / 60 < 10 ? "0" : "") + "\(minute / 60):" + (minute % 60 < 10 ? "0" : "") + "\(minute % 60)"
        return "it is \(day.rawValue) \(clock) in \(hours.timeZoneName), "
            + (allowed ? "within" : "outside") + " profile \(profile)'s login hours ("
            + (hours.days.isEmpty ? "no day" : hours.description.dropFirst(hours.timeZoneName.count + 1)) + ")"
    }
}

/// The check of a second factor, which an app's high assurance or the user's profile requires, on the flows a user
/// signed in for.
extension AccessPolicy {
    /// Whether the request's authentication has the second factor the app or `requiringProfile` (the name of the
    /// user's profile, when it requires one) requires; nil where neither does or the flow is a token's use. A
    /// question without an authentication passes: the sign-in would ask.
    static func assuranceCheck(app: ConnectedApp, requiringProfile: String?, context: AccessContext) -> AccessCheck? {
        guard app.highAssurance.requiresSecondFactor || requiringProfile != nil else { return nil }
        switch context.flow {
        case .authorize, .codeExchange, .refresh: break
        case .clientCredentials, .jwtBearer, .introspection, .userinfo, .adminAPI, .adminConsole: return nil
        }
        let subject = AssuranceSubject(
            app: app.name, level: app.highAssurance, profile: requiringProfile)
        guard let methods = context.authentication else {
            let passed = context.purpose == .question
            return AccessCheck("high_assurance", passed: passed, .assurance(subject, nil))
        }
        let passed = methods.contextClass != .password
        return AccessCheck("high_assurance", passed: passed, .assurance(subject, methods))
    }
}

/// Who requires the second factor: the app (its high assurance), the user's profile, or both.
struct AssuranceSubject: Sendable {
    var app: String
    var level: HighAssurance
    var profile: String?

    var required: String {
        var who: [String] = []
        if level.requiresSecondFactor { who.append("app \(app) (high assurance: \(level.rawValue))") }
        if let profile { who.append("profile \(profile)") }
        return who.joined(separator: " and ") + " require\(who.count == 1 ? "s" : "") a second factor"
    }
}

extension AccessFact {
    static func assuranceDetail(_ subject: AssuranceSubject, _ methods: AuthenticationMethods?) -> String {
        let required = subject.required
        guard let methods else { return required + "; signing in asks for one" }
        let how = methods.amr.joined(separator: "+")
        return methods.contextClass == .password
            ? required + ", and the user signed in with a password alone (\(how))"
            : required + ", and the user signed in with one (\(how))"
    }
}
