import Crypto
import Foundation

/// An access token as handed to a client, and what must be stored for it (opaque tokens only).
public struct IssuedAccessToken: Sendable {
    public var value: String
    public var expiresIn: Int64
    public var jti: String
    /// The row to store when the app uses opaque tokens; nil for a JWT, which is verified by signature.
    public var opaqueRecord: OpaqueAccessToken?
}

/// Why no token could be signed.
public enum TokenIssueError: Error, Sendable {
    /// No signing key of this algorithm is active (a new instance creates one of each on start).
    case noActiveKey(SigningAlgorithm)
}

/// Mints access tokens (RFC 9068 JWTs or opaque handles) and ID tokens (OIDC Core §2). Pure: the caller
/// stores what ``IssuedAccessToken/opaqueRecord`` returns.
public struct TokenIssuer: Sendable {
    /// The `iss` of every token (RFC 8414 §2).
    public let issuer: String
    /// JWT access tokens use ES256: about 30 µs to sign here, against over a millisecond for RS256.
    public var accessTokenAlgorithm = SigningAlgorithm.es256
    /// ID tokens use RS256, the algorithm every OpenID Connect relying party must accept (OIDC Core §3.1.3.7).
    public var idTokenAlgorithm = SigningAlgorithm.rs256

    public init(issuer: String) { self.issuer = issuer }

    /// A JWT access token's private claim naming the grant it was issued from (RFC 9068 §2.2.3 allows more claims).
    public static let grantClaim = "grant_id"

    /// An access token for `app` acting for `user` (or for itself when nil). A JWT carries `customClaims` (the
    /// app's custom attributes) where no claim of that name is set.
    public func accessToken(
        app: ConnectedApp, user: User?, scopes: Scopes, grant: GrantID?, authentication: Authentication?,
        customClaims: JSONObject = JSONObject(), at now: Date, keys: KeyRing
    ) throws -> IssuedAccessToken {
        let lifetime = app.accessTokenLifetime.seconds
        let jti = TokenValue.generate(prefix: "")
        let issuedAt = Int64(now.timeIntervalSince1970)
        switch app.accessTokenFormat {
        case .opaque:
            let value = TokenValue.generate(prefix: "gha_")
            let record = OpaqueAccessToken(
                tokenHash: TokenValue.hash(value), grant: grant, app: app.id, user: user?.id, scopes: scopes, jti: jti,
                issuedAt: Date(timeIntervalSince1970: Double(issuedAt)),
                expiresAt: Date(timeIntervalSince1970: Double(issuedAt + lifetime)))
            return IssuedAccessToken(value: value, expiresIn: lifetime, jti: jti, opaqueRecord: record)
        case .jwt:
            guard let key = keys.signingKey(accessTokenAlgorithm, at: now) else {
                throw TokenIssueError.noActiveKey(accessTokenAlgorithm)
            }
            // RFC 9068 §2.2. `sub` is the user's stable id, or the client id when no user is involved.
            var claims: JSONObject = [
                "iss": .string(issuer), "sub": .string(user?.id.rawValue ?? app.clientID), "aud": .string(app.clientID),
                "client_id": .string(app.clientID), "scope": .string(scopes.description), "jti": .string(jti),
                "iat": .integer(issuedAt), "exp": .integer(issuedAt + lifetime),
            ]
            // RFC 9068 §2.2.1: auth_time, acr and amr of the authentication the grant came from.
            authentication?.claims(into: &claims)
            // The grant it hangs from, so that revoking the grant reaches this token too (``RevocationList``).
            if let grant { claims[Self.grantClaim] = .string(grant.rawValue) }
            claims.addMissing(customClaims)
            let value = try JWT.sign(claims, type: "at+jwt", with: key)
            return IssuedAccessToken(value: value, expiresIn: lifetime, jti: jti, opaqueRecord: nil)
        }
    }

    /// An ID token (OIDC Core §2, §3.1.3.6): `aud` is the client id as a plain string, `azp` names it too,
    /// `at_hash` binds the access token issued with it; `customClaims` where no claim of that name is set.
    public func idToken(
        app: ConnectedApp, user: User, scopes: Scopes, nonce: String?, authentication: Authentication?,
        accessToken: String?, customClaims: JSONObject = JSONObject(), at now: Date, keys: KeyRing
    ) throws -> String {
        guard let key = keys.signingKey(idTokenAlgorithm, at: now) else {
            throw TokenIssueError.noActiveKey(idTokenAlgorithm)
        }
        let issuedAt = Int64(now.timeIntervalSince1970)
        var claims: JSONObject = [
            "iss": .string(issuer), "sub": .string(user.id.rawValue), "aud": .string(app.clientID),
            "azp": .string(app.clientID), "iat": .integer(issuedAt),
            "exp": .integer(issuedAt + app.idTokenLifetime.seconds),
        ]
        authentication?.claims(into: &claims)
        if let nonce { claims["nonce"] = .string(nonce) }
        if let accessToken {
            // OIDC Core §3.1.3.6: the left half of the hash of the access token's ASCII octets.
            let digest = Data(SHA256.hash(data: Data(accessToken.utf8)))
            claims["at_hash"] = .string(Data(digest.prefix(16)).base64URLEncodedString())
        }
        for (name, value) in UserClaims.claims(of: user, scopes: scopes).members { claims[name] = value }
        claims.addMissing(customClaims)
        return try JWT.sign(claims, type: "JWT", with: key)
    }
}

extension JSONObject {
    /// Adds each member of `other` whose name this object does not have.
    mutating func addMissing(_ other: JSONObject) {
        for (name, value) in other.members where self[name] == nil { self[name] = value }
    }
}

/// The standard claims a user releases for the `profile` and `email` scopes (OIDC Core §5.4).
public enum UserClaims {
    public static func claims(of user: User, scopes: Scopes) -> JSONObject {
        var claims = JSONObject()
        if scopes.contains("profile") {
            claims["preferred_username"] = .string(user.username)
            if !user.displayName.isEmpty { claims["name"] = .string(user.displayName) }
        }
        if scopes.contains("email") {
            claims["email"] = .string(user.email)
            // Gatehouse does not verify addresses itself; an admin entered or imported it.
            claims["email_verified"] = .bool(false)
        }
        return claims
    }
}
