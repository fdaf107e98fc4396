import Foundation

/// One check the decision made, in order, with its outcome: the explanation shown to admins. The sentence
/// (`detail`) is written from the check's facts when it is read, so that deciding costs no string building.
public struct AccessCheck: Sendable, Equatable, Codable {
    public var name: String
    public var passed: Bool
    let fact: AccessFact

    public var detail: String { fact.detail }

    /// A check as recorded (login history), with its sentence.
    public init(name: String, passed: Bool, detail: String) {
        self.init(name, passed: passed, .recorded(detail))
    }

    init(_ name: String, passed: Bool, _ fact: AccessFact) {
        self.name = name
        self.passed = passed
        self.fact = fact
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.passed == rhs.passed && lhs.detail == rhs.detail
    }

    private enum CodingKeys: String, CodingKey { case name, passed, detail }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            passed: try container.decode(Bool.self, forKey: .passed),
            detail: try container.decode(String.self, forKey: .detail))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(passed, forKey: .passed)
        try container.encode(detail, forKey: .detail)
    }
}

/// What a check found, kept as values until someone reads the sentence.
enum AccessFact: Sendable {
    case recorded(String)
    case appBlocked(app: String, blocked: Bool)
    case userActive(user: String, active: Bool)
    case selfAuthorize(app: String)
    case preauthorization(app: String, user: String, profile: String?, permissionSets: [String], reportOnly: Bool)
    case approvalOnRecord(user: String, app: String, scopes: Scopes)
    case neverApproved(user: String, app: String)
    case consentWillAsk(user: String, app: String)
    case runAsUser(user: String, app: String)
    case grantCarriesApproval(user: String)
    case refreshTokenPolicy(app: String, policy: RefreshTokenPolicy, refused: Bool)
    case address(AddressSubject, String?, AddressOutcome)
    case addressRelaxed(AddressSubject, IPRelaxation, AccessFlow)
    case hours(profile: String, LoginHours, at: Date, allowed: Bool)
    case assurance(AssuranceSubject, AuthenticationMethods?)
    case assuranceWithoutUserStep(app: String, AccessFlow)

    var detail: String {
        switch self {
        case .recorded(let text): text
        case .appBlocked(let app, let blocked): blocked ? "app \(app) is blocked" : "app \(app) is not blocked"
        case .userActive(let user, let active): active ? "user \(user) is active" : "user \(user) is inactive"
        case .selfAuthorize(let app): "app \(app) lets all users self-authorize (each approves it once)"
        case .preauthorization(let app, let user, let profile, let permissionSets, let reportOnly):
            Self.preauthorization(app, user, profile, permissionSets, reportOnly)
        case .approvalOnRecord(let user, let app, let scopes): "\(user) approved \(app) for \(scopes)"
        case .neverApproved(let user, let app): "\(user) has never approved \(app)"
        case .consentWillAsk(let user, let app): "\(user) has not approved \(app) yet: the consent page asks"
        case .runAsUser(let user, let app): "\(user) is the run-as user an admin chose for \(app)"
        case .grantCarriesApproval(let user): "the grant was made with \(user)'s approval"
        case .refreshTokenPolicy(let app, let policy, let refused):
            "app \(app)'s refresh-token policy is \(policy)"
                + (refused ? ", which refuses this refresh token now" : ", which allows this refresh token")
        case .address(let subject, let address, let outcome): Self.addressDetail(subject, address, outcome)
        case .addressRelaxed(let subject, let relaxation, let flow): Self.relaxedDetail(subject, relaxation, flow)
        case .hours(let profile, let hours, let time, let allowed): Self.hoursDetail(profile, hours, time, allowed)
        case .assurance(let subject, let methods): Self.assuranceDetail(subject, methods)
        case .assuranceWithoutUserStep(let app, let flow):
            "app \(app) requires a second factor at sign-in, and the \(flow.rawValue) grant has no user step to give one"
        }
    }

    private static func preauthorization(
        _ app: String, _ user: String, _ profile: String?, _ permissionSets: [String], _ reportOnly: Bool
    ) -> String {
        let sources =
            (profile.map { ["profile \($0)"] } ?? [])
            + permissionSets.sorted { $0.lowercased() < $1.lowercased() }.map { "permission set \($0)" }
        if !sources.isEmpty {
            return "app \(app) admits only admin-approved users; \(user) is approved through "
                + sources.joined(separator: " and ")
        }
        let refusal =
            "app \(app) admits only admin-approved users, and neither \(user)'s profile nor any of their permission sets grants it"
        return reportOnly
            ? refusal + " (enforcement is report-only: allowed, and logged as would have refused)" : refusal
    }
}
