import Foundation

/// RFC 7523 §2.1: an app that holds a registered public key asserts, in a signed JWT, the user it acts for; the
/// usual way a server-to-server integration connects as a user. The assertion's `iss` is the client id, `sub` the
/// username, `aud` the issuer (or its token endpoint), `exp` short, `jti` single-use.
public struct JWTBearerGrant: GrantHandler {
    public let grantType = GrantType.jwtBearer
    /// The longest an assertion may live: a captured assertion is worthless soon after.
    public static let maximumLifetime: TimeInterval = 600
    /// Clock difference tolerated between the app and Gatehouse.
    public static let clockSkew: TimeInterval = 60

    public init() {}

    /// The assertion's `jti` and expiry, used up only once the shared steps allowed the grant.
    public struct Evidence: Sendable {
        var jti: String
        var expiresAt: Date
    }

    public func claim(_ request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws
        -> GrantClaim<Evidence>
    {
        let assertion = try request.required("assertion")
        let claims = try verifiedClaims(assertion, app: app, context: context)
        guard let username = claims.string("sub"), !username.isEmpty else {
            throw Self.invalid("the assertion's sub must name a user")
        }
        context.attempt.note(attemptedUsername: username)
        guard let user = try await context.users.user(named: username) else {
            throw OAuthError.invalidGrant("the assertion's sub names no user", reason: .userMissing)
        }
        guard let jti = claims.string("jti"), !jti.isEmpty, jti.utf8.count <= 256 else {
            throw Self.invalid("the assertion must carry a jti (at most 256 bytes) so that it can be used only once")
        }
        let expiresAt = Date(timeIntervalSince1970: Double(claims.integer("exp") ?? 0))
        return GrantClaim(
            user: user, scopes: .requested(request["scope"]), evidence: Evidence(jti: jti, expiresAt: expiresAt))
    }

    public func issue(_ grant: AuthorizedGrant<Evidence>, app: ConnectedApp, context: GrantContext) async throws
        -> JSONObject
    {
        // Replay last: only an assertion that would succeed uses up its jti.
        let evidence = grant.evidence
        guard try await context.store.recordAssertion(app: app.id, jti: evidence.jti, expiresAt: evidence.expiresAt)
        else {
            throw OAuthError.invalidGrant("the assertion was already used (jti replay)", reason: .assertionReplayed)
        }
        return try await TokenMinting.accessTokenOnly(for: grant, app: app, context: context)
    }

    /// The assertion's claims after the signature, issuer, audience and time checks of RFC 7523 §3.
    func verifiedClaims(_ assertion: String, app: ConnectedApp, context: GrantContext) throws(OAuthError)
        -> JWT.Verified
    {
        let keys = app.assertionKeys.compactMap { try? AssertionKey.parse($0).get() }
        if keys.isEmpty {
            throw OAuthError(
                .unauthorizedClient, "this app has no registered public key for JWT bearer assertions",
                reason: .assertionKeyMissing)
        }
        let verified: JWT.Verified
        do {
            verified = try JWT.verify(assertion) { kid in
                let named = keys.filter { $0.kid == kid }
                return named.isEmpty ? keys : named
            }
        } catch {
            switch error {
            case .malformed: throw Self.invalid("the assertion is not a well-formed signed JWT")
            case .unknownKey: throw Self.invalid("the assertion's kid names no key registered for this app")
            case .algorithmMismatch: throw Self.invalid("the assertion's alg does not match the app's registered key")
            case .badSignature:
                throw Self.invalid("the assertion's signature does not verify with the app's registered key")
            case .unsupportedCriticalHeader:
                throw Self.invalid("the assertion's header lists crit extensions, which Gatehouse does not support")
            }
        }
        guard verified.string("iss") == app.clientID else {
            throw Self.invalid("the assertion's iss must be the client id \(app.clientID)")
        }
        let audiences: [String] =
            if let single = verified.claims["aud"] as? String { [single] } else {
                verified.claims["aud"] as? [String] ?? []
            }
        let accepted = [context.issuer.issuer, context.issuer.issuer + "/token"]
        guard audiences.contains(where: accepted.contains) else {
            throw Self.invalid("the assertion's aud must be the issuer \(context.issuer.issuer)")
        }
        let now = context.now.timeIntervalSince1970
        guard let exp = verified.integer("exp") else { throw Self.invalid("the assertion must carry exp") }
        guard Double(exp) + Self.clockSkew > now else {
            throw OAuthError.invalidGrant("the assertion has expired", reason: .assertionExpired)
        }
        guard Double(exp) - now <= Self.maximumLifetime + Self.clockSkew else {
            throw Self.invalid("the assertion's exp is too far ahead (at most \(Int(Self.maximumLifetime)) s)")
        }
        if let nbf = verified.integer("nbf"), Double(nbf) - Self.clockSkew > now {
            throw Self.invalid("the assertion is not valid yet (nbf)")
        }
        if let iat = verified.integer("iat"), Double(iat) - Self.clockSkew > now {
            throw Self.invalid("the assertion was issued in the future (iat)")
        }
        return verified
    }

    private static func invalid(_ message: String) -> OAuthError {
        OAuthError.invalidGrant(message, reason: .assertionInvalid)
    }
}
