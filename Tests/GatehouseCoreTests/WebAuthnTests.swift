import Foundation
import GatehouseCore
import GatehouseTestSupport
import Testing

/// Passkeys' verifier (WebAuthn Level 2 §7): CBOR as RFC 8949 Appendix A encodes it, hostile CBOR refused without a
/// crash, both ceremonies with ES256 and RS256 keys, and each check refusing what it must.
@Suite struct WebAuthnTests {
    static let origin = "https://id.example.com"
    static let party = party(origin)

    static func party(_ issuer: String) -> RelyingParty {
        guard let party = RelyingParty(issuer: issuer) else { preconditionFailure("\(issuer) is not an issuer") }
        return party
    }

    static func hex(_ text: String) -> Data {
        Data(stride(from: 0, to: text.count, by: 2).compactMap { UInt8(text.dropFirst($0).prefix(2), radix: 16) })
    }

    @Test func cborDecodesRFC8949Examples() throws {
        #expect(try CBOR.decode(Self.hex("00")) == .unsigned(0))
        #expect(try CBOR.decode(Self.hex("1864")) == .unsigned(100))
        #expect(try CBOR.decode(Self.hex("1b000000e8d4a51000")) == .unsigned(1_000_000_000_000))
        #expect(try CBOR.decode(Self.hex("20")) == .negative(-1))
        #expect(try CBOR.decode(Self.hex("3903e7")) == .negative(-1000))
        #expect(try CBOR.decode(Self.hex("4401020304")) == .bytes(Data([1, 2, 3, 4])))
        #expect(try CBOR.decode(Self.hex("6449455446")) == .text("IETF"))
        #expect(try CBOR.decode(Self.hex("62c3bc")) == .text("ü"))
        #expect(try CBOR.decode(Self.hex("f5")) == .bool(true))
        #expect(try CBOR.decode(Self.hex("f6")) == .null)
        #expect(
            try CBOR.decode(Self.hex("8301820203820405"))
                == .array([.unsigned(1), .array([.unsigned(2), .unsigned(3)]), .array([.unsigned(4), .unsigned(5)])]))
        let map = try CBOR.decode(Self.hex("a26161016162820203"))
        #expect(map["a"] == .unsigned(1) && map["b"] == .array([.unsigned(2), .unsigned(3)]))
        let (_, length) = try CBOR.decodePrefix(Self.hex("0102"))
        #expect(length == 1)
    }

    @Test(arguments: [
        "5f42010243030405ff",  // indefinite byte string
        "9f018202039f0405ffff",  // indefinite array
        String(repeating: "81", count: 40) + "00",  // nested too deeply
        "5bffffffffffffffff",  // a byte string longer than anything
        "9bffffffffffffffff",  // an array with 2^64 items
        "a2616101616102",  // a key twice
        "c11a514b67b0",  // a tag
        "f93c00",  // a float
        "62c3",  // text cut short
        "62fffe",  // text that is not UTF-8
        "3bffffffffffffffff",  // a negative integer below Int64
        "",
    ])
    func cborRefusesWhatItDoesNotRead(hex: String) {
        #expect(throws: CBOR.Malformed.self) { try CBOR.decode(Self.hex(hex)) }
    }

    @Test func originsAreWrittenAsBrowsersWriteThem() {
        #expect(RelyingParty(issuer: "https://ID.Example.com:443/tenant")?.origin == "https://id.example.com")
        #expect(RelyingParty(issuer: "http://localhost:8080")?.origin == "http://localhost:8080")
        #expect(RelyingParty(issuer: "http://localhost:8080")?.id == "localhost")
        #expect(RelyingParty(issuer: "ftp://example.com") == nil && RelyingParty(issuer: "not a url") == nil)
        #expect(
            Self.party("http://localhost:8080").worksInBrowsers && Self.party("https://id.example.com").worksInBrowsers)
        #expect(
            !Self.party("http://127.0.0.1:8080").worksInBrowsers && !Self.party("http://[::1]:8080").worksInBrowsers)
    }

    static func options(challenge: Data, rpID: String = "id.example.com", allowed: [String] = []) -> [String: Any] {
        [
            "publicKey": [
                "challenge": ByteEncoding.base64URL(challenge), "rp": ["id": rpID, "name": "Gatehouse"],
                "rpId": rpID, "user": ["id": ByteEncoding.base64URL(Data("user-1".utf8)), "name": "ann"],
                "allowCredentials": allowed.map { ["type": "public-key", "id": $0] },
            ] as [String: Any]
        ]
    }

    static func register(_ authenticator: SoftwareAuthenticator, challenge: Data) throws
        -> (RelyingParty.Registration, [String: String])
    {
        let made = try authenticator.create(options(challenge: challenge))
        let registration = try party.verifyRegistration(
            clientDataJSON: try #require(Data(base64URLEncoded: made["client_data"] ?? "")),
            attestationObject: try #require(Data(base64URLEncoded: made["attestation_object"] ?? "")),
            challenge: challenge)
        return (registration, made)
    }

    static func verify(
        _ answer: [String: String], challenge: Data, key: Data, party: RelyingParty = party,
        requireUserVerification: Bool = true
    ) throws -> RelyingParty.Assertion {
        try party.verifyAssertion(
            clientDataJSON: Data(base64URLEncoded: answer["client_data"] ?? "") ?? Data(),
            authenticatorData: Data(base64URLEncoded: answer["authenticator_data"] ?? "") ?? Data(),
            signature: Data(base64URLEncoded: answer["signature"] ?? "") ?? Data(), challenge: challenge,
            publicKey: key, requireUserVerification: requireUserVerification)
    }

    @Test(arguments: [SoftwareAuthenticator.Algorithm.es256, .rs256], ["none", "packed"])
    func bothCeremoniesVerify(algorithm: SoftwareAuthenticator.Algorithm, format: String) throws {
        let authenticator = SoftwareAuthenticator(origin: Self.origin, algorithm: algorithm, backupEligible: true)
        authenticator.attestationFormat = format
        let (registration, made) = try Self.register(authenticator, challenge: Data("register".utf8))
        #expect(registration.algorithm == (algorithm == .es256 ? .es256 : .rs256))
        #expect(ByteEncoding.base64URL(registration.credentialID) == made["credential_id"])
        #expect(registration.flags.contains(.backupEligible) && registration.signCount == 0)

        let challenge = Data("sign in".utf8)
        let answer = try authenticator.get(
            Self.options(challenge: challenge, allowed: [made["credential_id"] ?? ""]))
        let assertion = try Self.verify(answer, challenge: challenge, key: registration.publicKey)
        #expect(assertion.signCount == 1 && assertion.flags.contains(.userVerified))
    }

    @Test func eachCheckRefusesWhatItMust() throws {
        let authenticator = SoftwareAuthenticator(origin: Self.origin)
        let (registration, _) = try Self.register(authenticator, challenge: Data("r".utf8))
        let challenge = Data("c".utf8)
        let answer = try authenticator.get(Self.options(challenge: challenge))
        let key = registration.publicKey
        _ = try Self.verify(answer, challenge: challenge, key: key)

        #expect(throws: WebAuthnError.refused("the response answers another challenge")) {
            try Self.verify(answer, challenge: Data("other".utf8), key: key)
        }
        let elsewhere = Self.party("https://id.example.com:8443")
        #expect(throws: WebAuthnError.self) {
            try Self.verify(answer, challenge: challenge, key: key, party: elsewhere)
        }
        let otherSite = Self.party("https://evil.example")
        #expect(throws: WebAuthnError.self) {
            try Self.verify(answer, challenge: challenge, key: key, party: otherSite)
        }
        var tampered = answer
        var signature = try #require(Data(base64URLEncoded: answer["signature"] ?? ""))
        signature[signature.count - 1] ^= 1
        tampered["signature"] = ByteEncoding.base64URL(signature)
        #expect(throws: WebAuthnError.refused("the passkey's signature does not verify")) {
            try Self.verify(tampered, challenge: challenge, key: key)
        }
        // Another credential's key does not verify this one's signature.
        let (other, _) = try Self.register(SoftwareAuthenticator(origin: Self.origin), challenge: Data("r".utf8))
        #expect(throws: WebAuthnError.self) { try Self.verify(answer, challenge: challenge, key: other.publicKey) }

        // A registration's answer is no assertion, and the other way round.
        let made = try authenticator.create(Self.options(challenge: challenge))
        var asAssertion = answer
        asAssertion["client_data"] = made["client_data"]
        #expect(throws: WebAuthnError.refused("clientDataJSON is not of type webauthn.get")) {
            try Self.verify(asAssertion, challenge: challenge, key: key)
        }

        // User verification, when required.
        authenticator.verifiesUser = false
        let unverified = try authenticator.get(Self.options(challenge: challenge), using: 0)
        #expect(throws: WebAuthnError.self) { try Self.verify(unverified, challenge: challenge, key: key) }
        _ = try Self.verify(unverified, challenge: challenge, key: key, requireUserVerification: false)

        // A passkey made for another site.
        let foreign = try authenticator.create(Self.options(challenge: challenge, rpID: "evil.example"))
        #expect(throws: WebAuthnError.self) {
            try Self.party.verifyRegistration(
                clientDataJSON: Data(base64URLEncoded: foreign["client_data"] ?? "") ?? Data(),
                attestationObject: Data(base64URLEncoded: foreign["attestation_object"] ?? "") ?? Data(),
                challenge: challenge)
        }
        // An attestation format Gatehouse does not take.
        authenticator.attestationFormat = "fido-u2f"
        #expect(throws: WebAuthnError.self) { try Self.register(authenticator, challenge: challenge) }
    }

    @Test func malformedAnswersAreErrorsNotCrashes() {
        for bytes in [
            Data(), Data(repeating: 0, count: 36), Data(repeating: 0x41, count: 40), Data(repeating: 0xff, count: 300),
        ] {
            #expect(throws: WebAuthnError.self) { try AuthenticatorData(bytes) }
            #expect(throws: WebAuthnError.self) {
                try Self.party.verifyRegistration(
                    clientDataJSON: Data(
                        #"{"type":"webauthn.create","challenge":"YQ","origin":"https://id.example.com"}"#.utf8),
                    attestationObject: bytes, challenge: Data("a".utf8))
            }
        }
        #expect(throws: COSEKey.Unusable.self) { try COSEKey(cbor: Data([0xa0])) }
        // ES256 with a point off the curve.
        let offCurve = CBORWriter.map([
            (.int(1), .int(2)), (.int(3), .int(-7)), (.int(-1), .int(1)),
            (.int(-2), .bytes(Data(repeating: 1, count: 32))),
            (.int(-3), .bytes(Data(repeating: 2, count: 32))),
        ]).encoded
        #expect(throws: COSEKey.Unusable.self) { try COSEKey(cbor: offCurve) }
        // RSA below 2048 bits.
        let small = CBORWriter.map([
            (.int(1), .int(3)), (.int(3), .int(-257)), (.int(-1), .bytes(Data(repeating: 0xc3, count: 128))),
            (.int(-2), .bytes(Data([1, 0, 1]))),
        ]).encoded
        #expect(throws: COSEKey.Unusable.self) { try COSEKey(cbor: small) }
    }

    @Test func theSignCounterMustGrowUnlessNoneIsKept() {
        #expect(RelyingParty.signCountAdvances(stored: 0, to: 0))
        #expect(RelyingParty.signCountAdvances(stored: 0, to: 1))
        #expect(RelyingParty.signCountAdvances(stored: 5, to: 6))
        #expect(!RelyingParty.signCountAdvances(stored: 5, to: 5))
        #expect(!RelyingParty.signCountAdvances(stored: 5, to: 0))
        #expect(!RelyingParty.signCountAdvances(stored: 5, to: 4))
    }
}
