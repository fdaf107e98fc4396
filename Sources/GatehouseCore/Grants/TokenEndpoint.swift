import Foundation

/// The token endpoint's one sequence, the same for every grant type (RFC 6749 §3.2, dex's `handleToken`): the
/// client is authenticated by the caller before this runs; here the grant type must be known and enabled for the app,
/// the handler's ``GrantHandler/claim(_:app:context:)`` checks its evidence, and then, for every grant alike, the
/// login attempt is noted, the scope policy applied and the access decision made. Only then does the handler issue.
public struct TokenEndpoint: Sendable {
    private let handlers: [GrantType: any GrantHandler]

    /// The handlers, one per grant type: a grant type without a handler is a failed start, not a silent
    /// `unsupported_grant_type`.
    public init(_ handlers: [any GrantHandler]) {
        let table = Dictionary(handlers.map { ($0.grantType, $0) }, uniquingKeysWith: { first, _ in first })
        precondition(
            table.count == handlers.count && Set(table.keys) == Set(GrantType.allCases),
            "every grant type needs exactly one handler")
        self.handlers = table
    }

    /// The grant types served, in listing order.
    public var grantTypes: [GrantType] { handlers.keys.sorted() }

    /// Every grant type Gatehouse serves.
    public static let standard = TokenEndpoint([
        AuthorizationCodeGrant(), RefreshTokenGrant(), ClientCredentialsGrant(), JWTBearerGrant(),
    ])

    /// The token response for an authenticated `app`, or the ``OAuthError`` to answer with.
    public func respond(to request: TokenRequest, app: ConnectedApp, context: GrantContext) async throws -> JSONObject {
        let grantType = try self.grantType(of: request)
        guard let handler = handlers[grantType] else { preconditionFailure("init checked every grant type") }
        guard app.grantTypes.contains(grantType) else {
            throw OAuthError(
                .unauthorizedClient, "this app may not use the \(grantType.rawValue) grant",
                reason: .grantTypeNotEnabled)
        }
        return try await run(handler, request, app: app, context: context)
    }

    /// The request's grant type, or the error for a missing or unknown one. Checked before the client is
    /// authenticated too, so that a request with no grant to run cannot be used to test client secrets.
    public func grantType(of request: TokenRequest) throws(OAuthError) -> GrantType {
        guard let named = request["grant_type"] else { throw .invalidRequest("grant_type is required") }
        guard let grantType = GrantType(rawValue: named), handlers[grantType] != nil else {
            throw OAuthError(.unsupportedGrantType, "grant_type \(named) is not supported")
        }
        return grantType
    }

    private func run<Handler: GrantHandler>(
        _ handler: Handler, _ request: TokenRequest, app: ConnectedApp, context: GrantContext
    ) async throws -> JSONObject {
        let claim = try await handler.claim(request, app: app, context: context)
        if let user = claim.user { context.attempt.note(user: user) }
        let scopes = try ScopeResolution.resolve(claim.scopes, for: app)
        let approval = claim.user.flatMap { context.approvals.approval(user: $0.id, app: app.id) }
        let decision = AccessPolicy.decide(
            user: claim.user, app: app,
            context: AccessContext(
                flow: handler.grantType.accessFlow, time: context.now, clientIP: context.clientIP, approval: approval,
                refreshToken: claim.refreshToken, authentication: claim.authentication),
            in: context.directory)
        context.attempt.note(user: claim.user, decision: decision)
        if let refusal = decision.refusal { throw OAuthError.refusal(refusal) }
        return try await handler.issue(
            AuthorizedGrant(user: claim.user, scopes: scopes, evidence: claim.evidence), app: app, context: context)
    }
}

/// A grant that passed the scope policy and the access decision; made only by ``TokenEndpoint``.
public struct AuthorizedGrant<Evidence: Sendable>: Sendable {
    public let user: User?
    /// The scopes to issue: allowed for the app as it is now.
    public let scopes: Scopes
    public let evidence: Evidence

    fileprivate init(user: User?, scopes: Scopes, evidence: Evidence) {
        self.user = user
        self.scopes = scopes
        self.evidence = evidence
    }
}
