import Foundation
import GatehouseCore
import Testing

@Suite struct TokenCryptoTests {
    @Test(arguments: SigningAlgorithm.allCases)
    func signedTokensVerifyWithTheirPublicKeyOnly(algorithm: SigningAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let claims: JSONObject = [
            "sub": .string("alice"), "iat": .integer(1_800_000_000), "scope": .string("openid api"),
        ]
        let token = try JWT.sign(claims, type: "at+jwt", with: key)
        let verified = try JWT.verify(token) { $0 == key.kid ? key.verificationKey : nil }
        #expect(verified.string("sub") == "alice")
        #expect(verified.integer("iat") == 1_800_000_000)
        #expect(verified.header["typ"] as? String == "at+jwt")
        #expect(verified.header["alg"] as? String == algorithm.rawValue)
        // Dates are integers on the wire (RFC 7519 NumericDate), not fractions.
        let payload = try #require(Data(base64URLEncoded: token.split(separator: ".")[1]))
        #expect(String(decoding: payload, as: UTF8.self).contains(#""iat":1800000000"#))
    }

    @Test func tamperedTokensAndForeignKeysAreRefused() throws {
        let key = try SigningKey.generate(.es256)
        let other = try SigningKey.generate(.es256)
        let token = try JWT.sign(["sub": .string("alice")], type: "JWT", with: key)
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = Data(#"{"sub":"mallory"}"#.utf8).base64URLEncodedString()
        #expect(throws: JWT.VerificationError.badSignature) {
            try JWT.verify(parts.joined(separator: ".")) { _ in key.verificationKey }
        }
        #expect(throws: JWT.VerificationError.badSignature) { try JWT.verify(token) { _ in other.verificationKey } }
        #expect(throws: JWT.VerificationError.unknownKey) { try JWT.verify(token) { _ in nil } }
        #expect(throws: JWT.VerificationError.malformed) { try JWT.verify("a.b") { _ in key.verificationKey } }
        #expect(throws: JWT.VerificationError.malformed) { try JWT.verify("!!.??.**") { _ in key.verificationKey } }
    }

    /// RFC 7515 §4.1.11: a `crit` extension the recipient does not understand makes the JWS invalid.
    @Test func aHeaderWithCriticalExtensionsIsRefusedEvenWhenWellSigned() throws {
        let key = try SigningKey.generate(.es256)
        let header = #"{"alg":"ES256","kid":"\#(key.kid)","typ":"JWT","crit":["exp"],"exp":1}"#
        let input =
            Data(header.utf8).base64URLEncodedString() + "." + Data(#"{"sub":"x"}"#.utf8).base64URLEncodedString()
        let token = input + "." + (try key.sign(Data(input.utf8))).base64URLEncodedString()
        #expect(throws: JWT.VerificationError.unsupportedCriticalHeader) {
            try JWT.verify(token) { _ in key.verificationKey }
        }
    }

    @Test func aTokenCannotChooseAnotherAlgorithmForAKey() throws {
        let rsa = try SigningKey.generate(.rs256)
        let es = try SigningKey.generate(.es256)
        let token = try JWT.sign(["sub": .string("x")], type: "JWT", with: es)
        #expect(throws: JWT.VerificationError.algorithmMismatch) { try JWT.verify(token) { _ in rsa.verificationKey } }
    }

    @Test(arguments: SigningAlgorithm.allCases)
    func sealedKeysOpenOnlyUnderTheSameMasterKeyAndKid(algorithm: SigningAlgorithm) throws {
        let sealer = KeySealer(masterKey: try MasterKey(bytes: [UInt8](repeating: 5, count: 32)))
        let key = try SigningKey.generate(algorithm)
        let sealed = try sealer.seal(key)
        let opened = try sealer.open(sealed, kid: key.kid, algorithm: algorithm)
        #expect(opened.privateKeyDER == key.privateKeyDER)
        #expect(throws: (any Error).self) { try sealer.open(sealed, kid: "another", algorithm: algorithm) }
        let stranger = KeySealer(masterKey: try MasterKey(bytes: [UInt8](repeating: 6, count: 32)))
        #expect(throws: (any Error).self) { try stranger.open(sealed, kid: key.kid, algorithm: algorithm) }
    }

    @Test func jwksCarryThePublicParametersOfEachKeyType() throws {
        let ec = try SigningKey.generate(.es256).verificationKey.jwk
        #expect(ec["kty"] == .string("EC"))
        #expect(ec["crv"] == .string("P-256"))
        #expect(ec["d"] == nil)
        let rsa = try SigningKey.generate(.rs256).verificationKey.jwk
        #expect(rsa["kty"] == .string("RSA"))
        #expect(rsa["e"] == .string("AQAB"))
        if case .string(let modulus) = rsa["n"] { #expect(modulus.count == 342) } else { Issue.record("no n") }
    }

    @Test func rotationPublishesTheNewKeyBeforeItSignsAndKeepsTheOldOnePublished() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let old = ScheduledSigningKey(key: try SigningKey.generate(.es256), createdAt: start, activatesAt: start)
        let ring = KeyRing([old])
        let rotation = ring.rotation(
            .es256, newKey: try SigningKey.generate(.es256), at: start.addingTimeInterval(100), publicationDelay: 600,
            longestTokenLifetime: 86_400)
        let rotated = KeyRing(rotation.retired + [rotation.new])
        let justAfter = start.addingTimeInterval(101)
        #expect(rotated.signingKey(.es256, at: justAfter)?.kid == old.key.kid)
        #expect(rotated.publishedKeys(at: justAfter).count == 2)
        let afterActivation = start.addingTimeInterval(701)
        #expect(rotated.signingKey(.es256, at: afterActivation)?.kid == rotation.new.key.kid)
        #expect(rotated.verificationKey(kid: old.key.kid, at: afterActivation) != nil)
        let dayLater = start.addingTimeInterval(700 + 86_401)
        #expect(rotated.verificationKey(kid: old.key.kid, at: dayLater) == nil)
        #expect(rotated.publishedKeys(at: dayLater).map(\.kid) == [rotation.new.key.kid])
    }

    @Test func pkceFollowsRFC7636AppendixB() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        #expect(PKCE.challenge(for: verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.verify(verifier: verifier, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
        #expect(!PKCE.verify(verifier: verifier, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"))
        #expect(!PKCE.isWellFormed("short"))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 129)))
        #expect(!PKCE.isWellFormed(String(repeating: "a", count: 42) + "!"))
    }

    @Test func jsonStringsAreEscaped() {
        let object: JSONObject = ["text": .string("quote \" backslash \\ newline \n bell \u{07}")]
        #expect(object.serialized == #"{"text":"quote \" backslash \\ newline \n bell \u0007"}"#)
    }

    @Test func basicCredentialsAreFormDecodedAndOneMethodIsAllowed() throws {
        let header = "Basic " + Data("my%20app:s%3Acret".utf8).base64EncodedString()
        let presented = try PresentedClientCredentials.read(authorization: header, form: [:])
        #expect(
            presented == PresentedClientCredentials(clientID: "my app", secret: "s:cret", method: .clientSecretBasic))
        #expect(throws: OAuthError.self) {
            try PresentedClientCredentials.read(authorization: header, form: ["client_secret": "x"])
        }
        #expect(throws: OAuthError.self) { try PresentedClientCredentials.read(authorization: "Basic !!!", form: [:]) }
        let post = try PresentedClientCredentials.read(
            authorization: nil, form: ["client_id": "a", "client_secret": "b"])
        #expect(post.method == .clientSecretPost)
        let none = try PresentedClientCredentials.read(authorization: nil, form: ["client_id": "a"])
        #expect(none.method == .none)
    }
}

@Suite struct ByteEncodingTests {
    @Test(arguments: 0..<70)
    func base64URLAndHexMatchFoundationForEveryLength(length: Int) {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let reference = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        #expect(ByteEncoding.base64URL(bytes) == reference)
        #expect(ByteEncoding.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Data(base64URLEncoded: ByteEncoding.base64URL(bytes)) == Data(bytes))
    }
}
