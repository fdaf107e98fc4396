import Foundation
import GatehouseCore
import GatehouseStorage

/// What the OAuth endpoints share, built once in ``buildApplication(configuration:store:masterKey:logger:now:)``.
struct OAuthServices: Sendable {
    let directory: LiveDirectory
    let approvals: LiveApprovals
    /// Revoked grants and JWTs, checked for every JWT access token presented.
    let revocations: LiveRevocations
    let keys: Live<KeyRing>
    let tokens: any TokenStore
    let issuer: TokenIssuer
    let authenticator: ClientAuthenticator
    /// Login history, buffered.
    let loginHistory: LoginRecorder
    /// The clock, injected so tests can move it.
    let now: @Sendable () -> Date

    /// JWT access tokens verified once, for introspection.
    let verifiedTokens = VerifiedTokens()

    /// The grant types' handlers, run in the sequence every grant shares.
    let tokenEndpoint = TokenEndpoint.standard

    /// The context a grant handler decides in: the same directory snapshot the client was authenticated against.
    func grantContext(directory: Directory, clientIP: String?, attempt: LoginAttempt) -> GrantContext {
        GrantContext(
            directory: directory, users: self.directory.users, approvals: approvals.current, keys: keys.current,
            now: now(), issuer: issuer,
            store: tokens, clientIP: clientIP, attempt: attempt)
    }

    /// The access decision for `user` and `app` as it stands now, with the user's approval from memory (from
    /// `book` when the caller already holds the approvals).
    func decide(
        user: User?, app: ConnectedApp, flow: AccessFlow, clientIP: String?,
        authentication: AuthenticationMethods? = nil, approvals book: ApprovalBook? = nil
    ) -> AccessDecision {
        let approval = user.flatMap { (book ?? approvals.current).approval(user: $0.id, app: app.id) }
        return AccessPolicy.decide(
            user: user, app: app,
            context: AccessContext(
                flow: flow, time: now(), clientIP: clientIP, approval: approval, authentication: authentication),
            in: directory.current)
    }

    /// Authenticates the caller of the token, introspection or revocation endpoint.
    func authenticateClient(authorization: String?, form: [String: String]) throws(OAuthError) -> ConnectedApp {
        try authenticator.authenticate(
            try PresentedClientCredentials.read(authorization: authorization, form: form), in: directory.current)
    }
}
