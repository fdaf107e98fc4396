import Foundation

/// One way a user proved who they are, as RFC 8176 names it (an ID token's `amr` values).
public enum AuthenticationMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case password = "pwd"
    /// A one-time password (TOTP, RFC 6238), or a recovery code.
    case oneTimePassword = "otp"
    /// A key held in hardware (a security key's passkey).
    case hardwareKey = "hwk"
    /// A key held in software (a synced passkey).
    case softwareKey = "swk"
    /// The authenticator verified the user (a PIN or biometric: WebAuthn user verification).
    case userVerification = "user"
    /// More than one factor was used.
    case multipleFactors = "mfa"

    /// The factor this method is, if it is one: knowing, having or being.
    var factor: Factor? {
        switch self {
        case .password: .knowledge
        case .oneTimePassword, .hardwareKey, .softwareKey: .possession
        // RFC 8176 defines `user` as a presence test: it proves no factor of its own (a passkey with it is still
        // phishing-resistant, ``AuthenticationContextClass/phishingResistant``).
        case .userVerification, .multipleFactors: nil
        }
    }

    enum Factor { case knowledge, possession }
}

/// The authentication context class a sign-in reached (an ID token's `acr`; requested with `acr_values`).
public enum AuthenticationContextClass: String, Sendable, Hashable, Codable, CaseIterable {
    /// A password alone.
    case password = "pwd"
    /// Two factors: a password and a one-time password, say.
    case multipleFactors = "mfa"
    /// Phishing-resistant: a passkey whose authenticator verified the user.
    case phishingResistant = "phr"
}

/// How a browser session, a code or a grant was authenticated: the methods in RFC 8176's order, with `mfa` added
/// whenever two different factors were used.
public struct AuthenticationMethods: Sendable, Hashable {
    public let methods: [AuthenticationMethod]

    public init(_ methods: some Sequence<AuthenticationMethod>) {
        var given = Set(methods)
        given.remove(.multipleFactors)
        if Set(given.compactMap(\.factor)).count >= 2 { given.insert(.multipleFactors) }
        self.methods = AuthenticationMethod.allCases.filter(given.contains)
    }

    /// A password typed: every sign-in before second factors existed.
    public static let password = AuthenticationMethods([.password])

    /// The `amr` claim's values.
    public var amr: [String] { methods.map(\.rawValue) }

    public var contextClass: AuthenticationContextClass {
        let key = methods.contains(.hardwareKey) || methods.contains(.softwareKey)
        if key && methods.contains(.userVerification) { return .phishingResistant }
        return methods.contains(.multipleFactors) ? .multipleFactors : .password
    }

    /// Stored as the `amr` values (a JSON array); nil for text this version cannot read, or no method at all.
    public init?(amr values: [String]) {
        let methods = values.compactMap(AuthenticationMethod.init(rawValue:))
        guard !methods.isEmpty, methods.count == values.count else { return nil }
        self.init(methods)
    }
}

/// When and how a user authenticated: what an ID token says of it (`auth_time`, `amr`, `acr`).
public struct Authentication: Sendable, Hashable {
    public var time: Date
    public var methods: AuthenticationMethods

    public init(time: Date, methods: AuthenticationMethods) {
        self.time = time
        self.methods = methods
    }

    /// The claims: `auth_time` (OIDC Core §2), `amr` (RFC 8176), `acr`.
    func claims(into claims: inout JSONObject) {
        claims["auth_time"] = .integer(Int64(time.timeIntervalSince1970))
        claims["amr"] = .strings(methods.amr)
        claims["acr"] = .string(methods.contextClass.rawValue)
    }
}
