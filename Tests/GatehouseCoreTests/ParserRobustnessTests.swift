import Foundation
import GatehouseCore
import GatehouseTestSupport
import Testing

/// The parsers that read what clients and config send, fed tens of thousands of seeded mutations of valid
/// inputs: none traps (a trap would end the server process), and a mutated JWT never verifies with claims other
/// than its original's.
@Suite struct ParserRobustnessTests {
    @Test(arguments: SigningAlgorithm.allCases)
    func mutatedJWTsNeverVerifyAsSomethingElse(algorithm: SigningAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let claims: JSONObject = [
            "iss": .string("https://issuer.example"), "sub": .string("alice"), "scope": .string("openid api"),
            "exp": .integer(1_900_000_000), "jti": .string("j-1"),
        ]
        let token = try JWT.sign(claims, type: "at+jwt", with: key)
        var mutator = Mutator(seed: 7)
        for _ in 0..<(algorithm == .rs256 ? 3_000 : 8_000) {
            let mutated = mutator.mutate(token)
            guard let verified = try? JWT.verify(mutated, keys: { _ in key.verificationKey }) else { continue }
            #expect(verified.string("sub") == "alice" && verified.string("jti") == "j-1", "\(mutated)")
            #expect(verified.integer("exp") == 1_900_000_000)
        }
    }

    @Test func mutatedAssertionKeysAreParsedOrRefused() throws {
        let key = try SigningKey.generate(.es256)
        let seeds = [key.verificationKey.pemRepresentation, key.verificationKey.jwk.serialized]
        var mutator = Mutator(seed: 11)
        var refused = 0
        for index in 0..<6_000 {
            if case .failure = AssertionKey.parse(mutator.mutate(seeds[index % 2])) { refused += 1 }
        }
        #expect(refused > 1_000, "most mutations break a key")
    }

    @Test func mutatedProtocolParametersNeverTrap() throws {
        let hasher = SecretHasher(masterKey: try MasterKey(bytes: Array(repeating: UInt8(9), count: 32)))
        let stored = hasher.hash("s3cret-s3cret-s3cret")
        let basic = "Basic " + Data("app:s3cret-s3cret-s3cret".utf8).base64EncodedString()
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        var mutator = Mutator(seed: 13)
        var accepted = 0
        for _ in 0..<10_000 {
            _ = Scopes(parameter: mutator.mutate("openid profile email offline_access"))
            if PKCE.verify(verifier: mutator.mutate(verifier), challenge: challenge) { accepted += 1 }
            _ = PKCE.verify(verifier: verifier, challenge: mutator.mutate(challenge))
            _ = hasher.verify(mutator.mutate("s3cret-s3cret-s3cret"), against: stored)
            _ = hasher.verify("s3cret-s3cret-s3cret", against: mutator.mutate(stored))
            _ = try? PresentedClientCredentials.read(authorization: mutator.mutate(basic), form: [:])
            _ = try? PresentedClientCredentials.read(
                authorization: nil, form: ["client_id": mutator.mutate("app"), "client_secret": mutator.mutate("x")])
            _ = RefreshTokenPolicy(parsing: mutator.mutate("expire-if-unused 30d"))
            _ = PolicyDuration(parsing: mutator.mutate("12h"))
            _ = Data(base64URLEncoded: mutator.mutate(challenge))
        }
        // Only a mutation that changes nothing can pass PKCE.
        #expect(accepted < 200)
    }
}
