import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The authorization endpoint's flow after validation: who is signed in, the access decision, consent, then a
/// code sent to the verified callback URL (RFC 6749 §4.1.2, RFC 9207 `iss`).
struct AuthorizationFlow: Sendable {
    let web: WebServices

    /// Validates the request; a failure is already the response to send (an error page or an error redirect).
    func validate(_ parameters: [String: [String]]?, context: some RequestContext, method: HTTPRequest.Method)
        -> Validation
    {
        guard let parameters else {
            return .respond(
                Pages.error(
                    title: "Invalid request", message: "The request is not validly encoded.", traceID: context.id))
        }
        do throws(AuthorizationRequestFailure) {
            return .valid(try AuthorizationRequestValidator.validate(parameters, in: web.oauth.directory.current))
        } catch {
            switch error {
            case .unredirectable(let message):
                return .respond(
                    Pages.error(title: "This sign-in link is not valid", message: message, traceID: context.id))
            case .redirect(let oauthError, let redirectURI, let state):
                return .respond(
                    errorRedirect(oauthError, to: redirectURI, state: state, traceID: context.id, method: method))
            }
        }
    }

    /// A valid request, or the response that ends it.
    enum Validation {
        case valid(AuthorizationRequest)
        case respond(Response)
    }

    /// Continues a valid request for the browser's session (nil: not signed in).
    func proceed(
        _ authorization: AuthorizationRequest, signedIn: (session: BrowserSession, user: User)?, freshLogin: Bool,
        request: Request, context: some RequestContext
    ) async throws -> Response {
        let now = web.oauth.now()
        let method = request.method
        let traceID = context.id
        func fail(_ error: OAuthError) -> Response {
            errorRedirect(
                error, to: authorization.redirectURI, state: authorization.state, traceID: traceID, method: method)
        }
        guard let signedIn,
            freshLogin || !authorization.requiresFreshLogin(authenticatedAt: signedIn.session.authTime, now: now)
        else {
            if authorization.prompt.contains(.none) {
                return fail(OAuthError(.loginRequired, "the user is not signed in", reason: "login_required"))
            }
            let csrf = web.csrfToken(request)
            var page = Pages.login(
                appName: authorization.app.name, username: "", error: nil, csrf: csrf.token,
                request: authorization.parameters)
            page.setCookies(csrf.newCookie)
            return page
        }
        let (session, user) = signedIn
        let decision = AccessPolicy.decide(
            user: user, app: authorization.app,
            context: AccessContext(flow: .authorize, time: now, clientIP: clientAddress(request, context)),
            in: web.oauth.directory.current)
        if let refusal = decision.refusal {
            return fail(OAuthError(.accessDenied, refusal.description, reason: refusal.reason))
        }
        // Admin-approved apps: the admin's grant is the approval, so pre-authorized users see no consent page.
        if authorization.app.permittedUsers == .adminApprovedPreauthorized {
            return try await issueCode(authorization, user: user, session: session, method: method)
        }
        let approval = try await web.sessions.approval(user: user.id, app: authorization.app.id)
        let needsConsent = authorization.prompt.contains(.consent) || !(approval?.covers(authorization.scopes) ?? false)
        if needsConsent {
            if authorization.prompt.contains(.none) {
                return fail(
                    OAuthError(.consentRequired, "the user has not approved this app", reason: "consent_required"))
            }
            let csrf = web.csrfToken(request)
            var page = Pages.consent(
                appName: authorization.app.name, username: user.username, scopes: authorization.scopes,
                csrf: csrf.token,
                request: authorization.parameters)
            page.setCookies(csrf.newCookie)
            return page
        }
        return try await issueCode(authorization, user: user, session: session, method: method)
    }

    /// Records the approval (if given now) and sends a code.
    func issueCode(
        _ authorization: AuthorizationRequest, user: User, session: BrowserSession, method: HTTPRequest.Method
    )
        async throws -> Response
    {
        let now = web.oauth.now()
        let code = TokenValue.generate(prefix: "ghc_")
        try await web.oauth.tokens.saveCode(
            AuthorizationCodeRecord(
                codeHash: TokenValue.hash(code), app: authorization.app.id, user: user.id,
                redirectURI: authorization.redirectURI, scopes: authorization.scopes,
                codeChallenge: authorization.codeChallenge, nonce: authorization.nonce, authTime: session.authTime,
                createdAt: now, expiresAt: now.addingTimeInterval(AuthorizationCodeRecord.lifetime)))
        var parameters = [("code", code)]
        if let state = authorization.state { parameters.append(("state", state)) }
        parameters.append(("iss", web.oauth.issuer.issuer))
        return redirect(to: authorization.redirectURI, parameters, method: method)
    }

    /// RFC 6749 §4.1.2.1: `error`, `error_description`, `state`, and RFC 9207 `iss`; plus `reason` and `trace_id`.
    func errorRedirect(
        _ error: OAuthError, to redirectURI: String, state: String?, traceID: String, method: HTTPRequest.Method
    ) -> Response {
        var parameters = [("error", error.code.rawValue), ("error_description", error.message)]
        if let reason = error.reason { parameters.append(("reason", reason)) }
        parameters.append(("trace_id", traceID))
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", web.oauth.issuer.issuer))
        return redirect(to: redirectURI, parameters, method: method)
    }

    /// 302 after a GET, 303 after a POST (so the browser follows with a GET).
    private func redirect(to base: String, _ parameters: [(String, String)], method: HTTPRequest.Method) -> Response {
        let query = parameters.map { "\(queryEscape($0.0))=\(queryEscape($0.1))" }.joined(separator: "&")
        let separator = base.contains("?") ? "&" : "?"
        return Response(
            status: method == .post ? .seeOther : .found,
            headers: [.location: base + separator + query, .cacheControl: "no-store"])
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
func queryEscape(_ text: String) -> String {
    text.addingPercentEncoding(
        withAllowedCharacters: CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))
        ?? ""
}
