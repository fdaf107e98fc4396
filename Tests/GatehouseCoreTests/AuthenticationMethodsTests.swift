import Foundation
import GatehouseCore
import Testing

/// RFC 8176 `amr` values and the `acr` they add up to: `mfa` is added for two different factors, never for two
/// methods of one factor; a passkey that verified the user is phishing-resistant.
@Suite struct AuthenticationMethodsTests {
    @Test func methodsAddUpToTheirContextClass() {
        #expect(AuthenticationMethods.password.amr == ["pwd"])
        #expect(AuthenticationMethods.password.contextClass == .password)
        let totp = AuthenticationMethods([.oneTimePassword, .password])
        #expect(totp.amr == ["pwd", "otp", "mfa"], "in RFC 8176's order, mfa added")
        #expect(totp.contextClass == .multipleFactors)
        #expect(AuthenticationMethods([.oneTimePassword, .hardwareKey]).amr == ["otp", "hwk"], "one factor twice")
        #expect(AuthenticationMethods([.multipleFactors, .password]).amr == ["pwd"], "mfa is earned, not claimed")
        let passkey = AuthenticationMethods([.hardwareKey, .userVerification])
        #expect(passkey.amr == ["hwk", "user"] && passkey.contextClass == .phishingResistant)
        #expect(AuthenticationMethods([.softwareKey]).contextClass == .password, "no user verification: one factor")
    }

    @Test func storedValuesAreReadStrictly() {
        #expect(AuthenticationMethods(amr: ["pwd", "otp"])?.amr == ["pwd", "otp", "mfa"])
        #expect(AuthenticationMethods(amr: []) == nil)
        #expect(AuthenticationMethods(amr: ["pwd", "retina"]) == nil, "a value this version does not know")
    }

    @Test func tokensCarryTheAuthenticationOnlyWhenAUserSignedIn() throws {
        let now = Date()
        let key = try SigningKey.generate(.es256)
        let keys = KeyRing([ScheduledSigningKey(key: key, createdAt: now, activatesAt: now.addingTimeInterval(-60))])
        let issuer = TokenIssuer(issuer: "https://gatehouse.example")
        let app = ConnectedApp(name: "A", clientID: "a")
        let user = User(username: "alice", email: "a@example.com", profile: ProfileID(rawValue: "p"))
        func claims(_ authentication: Authentication?) throws -> [String: Any] {
            let token = try issuer.accessToken(
                app: app, user: user, scopes: Scopes(["api"]), grant: nil, authentication: authentication, at: now,
                keys: keys)
            let payload = try #require(Data(base64URLEncoded: String(token.value.split(separator: ".")[1])))
            return try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
        }
        let signedIn = try claims(
            Authentication(time: now, methods: AuthenticationMethods([.password, .oneTimePassword])))
        #expect(signedIn["amr"] as? [String] == ["pwd", "otp", "mfa"] && signedIn["acr"] as? String == "mfa")
        #expect(signedIn["auth_time"] as? Int == Int(now.timeIntervalSince1970))
        let service = try claims(nil)
        #expect(service["amr"] == nil && service["acr"] == nil && service["auth_time"] == nil)
    }
}
