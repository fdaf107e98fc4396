import Foundation
import GatehouseCore
import GatehouseStorage
import Logging

/// What a presented token turns out to be, after every check: signature or storage, expiry, and the access
/// decision as it stands now.
struct ActiveToken: Sendable {
    enum Kind: Sendable { case access, refresh }
    var kind: Kind
    var app: ConnectedApp
    var user: User?
    var scopes: Scopes
    var issuedAt: Date?
    var expiresAt: Date?
    var jti: String?
    var grant: GrantID?
    /// A JWT access token, checked by signature (revoked by `jti`, not deleted).
    var isJWT = false
}

/// What inspecting a token found.
enum TokenInspection: Sendable {
    /// Valid, and the access decision allows it now.
    case active(ActiveToken)
    /// Unknown, malformed, expired or revoked.
    case inactive
    /// Valid as a token, but its user or app has lost access: the decision's refusal (logged in login history).
    case refused(ActiveToken, AccessRefusal)

    var activeToken: ActiveToken? {
        if case .active(let token) = self { token } else { nil }
    }
}

/// Resolves tokens for introspection, revocation and userinfo. Anything unknown, expired, revoked (one by one, or
/// by an admin's revoke-all), or whose user or app has lost access is not active: callers answer `active: false` or
/// `invalid_token`.
struct TokenInspector: Sendable {
    let services: OAuthServices

    /// With `caller`, a token the caller may not introspect is inactive too, before anything else is decided.
    func inspect(
        _ token: String, hint: String?, flow: AccessFlow, traceID: String, clientIP: String?,
        caller: ConnectedApp? = nil
    ) async throws -> TokenInspection {
        guard let found = try await find(token, hint: hint) else { return .inactive }
        if let caller, !caller.mayIntrospect(found) { return .inactive }
        if found.app.predatesRevocation(found.issuedAt) { return .inactive }  // revoke-all
        // Its grant, or the token itself, was revoked: a replayed code, a reused refresh token, RFC 7009.
        if services.revocations.current.isRevoked(grant: found.grant, jti: found.jti) { return .inactive }
        let approvals = services.approvals.current
        if let user = found.user, let revoked = approvals.grantsRevoked(user: user.id, app: found.app.id),
            (found.issuedAt ?? .distantPast) < revoked
        {
            return .inactive  // this user's grants of the app were revoked after the token was issued
        }
        let decision = services.decide(
            user: found.user, app: found.app, flow: flow, clientIP: clientIP, approvals: approvals)
        guard let refusal = decision.refusal else { return .active(found) }
        let attempt = LoginAttempt()
        attempt.note(user: found.user, decision: decision)
        services.loginHistory.record(
            .attempt(
                flow: flow, app: found.app, attempt: attempt, error: .refusal(refusal), clientIP: clientIP,
                traceID: traceID, at: services.now()))
        return .refused(found, refusal)
    }

    /// The token as issued, whatever the access decision now says; nil when unknown, malformed or expired.
    func find(_ token: String, hint: String?) async throws -> ActiveToken? {
        let now = services.now()
        let directory = services.directory.current
        var found: ActiveToken?
        if hint == "refresh_token" {
            found = try await refreshToken(token, directory: directory, now: now)
            if found == nil { found = try await accessToken(token, directory: directory, now: now) }
        } else {
            found = try await accessToken(token, directory: directory, now: now)
            if found == nil { found = try await refreshToken(token, directory: directory, now: now) }
        }
        return found
    }

    private func accessToken(_ token: String, directory: Directory, now: Date) async throws -> ActiveToken? {
        if token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 {  // a JWS: header.payload.signature
            guard let verified = services.verifiedTokens.verify(token, keys: services.keys.current, at: now),
                verified.header["typ"] as? String == "at+jwt", verified.string("iss") == services.issuer.issuer,
                let exp = verified.integer("exp"), Double(exp) > now.timeIntervalSince1970,
                let clientID = verified.string("client_id"), let app = directory.app(clientID: clientID),
                let subject = verified.string("sub")
            else { return nil }
            // `sub` equal to the client id is the app itself (a client-credentials token without a run-as user). New
            // client ids cannot be shaped like a user id (a UUID: FieldRules.checkClientID); for one stored before,
            // a `sub` that is also the id of the app's run-as user is that user's token, with the user's checks. A
            // token for a user whose record is gone is dead.
            let isAppItself =
                subject == clientID && (UUID(uuidString: subject) == nil || app.runAsUser?.rawValue != subject)
            let user = isAppItself ? nil : try await services.directory.users.user(UserID(rawValue: subject))
            if user == nil && subject != clientID { return nil }
            return ActiveToken(
                kind: .access, app: app, user: user,
                scopes: Scopes(parameter: verified.string("scope") ?? "") ?? Scopes([]),
                issuedAt: verified.integer("iat").map { Date(timeIntervalSince1970: Double($0)) },
                expiresAt: Date(timeIntervalSince1970: Double(exp)), jti: verified.string("jti"),
                grant: verified.string(TokenIssuer.grantClaim).map(GrantID.init), isJWT: true)
        }
        guard let record = try await services.tokens.accessToken(hash: TokenValue.hash(token)), record.expiresAt > now,
            let app = directory.apps[record.app]
        else { return nil }
        let user: User? = if let id = record.user { try await services.directory.users.user(id) } else { nil }
        if record.user != nil && user == nil { return nil }
        return ActiveToken(
            kind: .access, app: app, user: user, scopes: record.scopes, issuedAt: record.issuedAt,
            expiresAt: record.expiresAt, jti: record.jti, grant: record.grant)
    }

    private func refreshToken(_ token: String, directory: Directory, now: Date) async throws -> ActiveToken? {
        guard let (record, grant) = try await services.tokens.refreshToken(hash: TokenValue.hash(token)),
            record.retiredAt == nil, grant.revokedAt == nil,
            let app = directory.apps[grant.app], let userID = grant.user,
            let user = try await services.directory.users.user(userID),
            !app.refreshTokenPolicy.refuses(record.use(of: grant), at: now)
        else { return nil }
        return ActiveToken(
            kind: .refresh, app: app, user: user, scopes: grant.scopes, issuedAt: record.createdAt,
            expiresAt: record.expiresAt, jti: nil, grant: grant.id)
    }
}
