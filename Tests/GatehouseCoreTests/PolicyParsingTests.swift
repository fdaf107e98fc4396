import GatehouseCore
import Testing

@Suite struct PolicyParsingTests {
    @Test(arguments: [("30d", 2_592_000), ("12h", 43_200), ("15m", 900), ("90s", 90), ("2w", 1_209_600)])
    func durationsParseInEveryUnit(text: String, seconds: Int64) {
        #expect(PolicyDuration(parsing: text)?.seconds == seconds)
    }

    @Test(arguments: ["", "d", "-1d", "1.5h", "10", "10x", "1 d", "٣d"])
    func malformedDurationsAreRefused(text: String) {
        #expect(PolicyDuration(parsing: text) == nil)
    }

    @Test func durationsPrintInTheLargestExactUnit() {
        #expect(PolicyDuration(seconds: 86_400).description == "1d")
        #expect(PolicyDuration(seconds: 90).description == "90s")
        #expect(PolicyDuration(seconds: 3_600).description == "1h")
    }

    @Test(arguments: [
        ("valid-until-revoked", RefreshTokenPolicy.validUntilRevoked),
        ("immediately-expire", .immediatelyExpire),
        ("expire-after 30d", .expireAfter(PolicyDuration(seconds: 2_592_000))),
        ("expire-if-unused 7d", .expireIfUnused(PolicyDuration(seconds: 604_800))),
    ])
    func refreshTokenPoliciesRoundTripThroughText(text: String, policy: RefreshTokenPolicy) {
        #expect(RefreshTokenPolicy(parsing: text) == policy)
        #expect(policy.description == text)
    }

    @Test(arguments: ["", "expire-after", "expire-after 30", "valid-until-revoked 1d", "never-expire"])
    func malformedRefreshTokenPoliciesAreRefused(text: String) {
        #expect(RefreshTokenPolicy(parsing: text) == nil)
    }

    @Test func grantTypesSortInSpecificationOrder() {
        let sorted = Set(GrantType.allCases).sorted()
        #expect(sorted == [.authorizationCode, .refreshToken, .clientCredentials, .jwtBearer])
    }
}
