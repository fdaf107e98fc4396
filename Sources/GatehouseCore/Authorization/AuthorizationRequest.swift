import Foundation

/// A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1).
public struct AuthorizationRequest: Sendable {
    public var app: ConnectedApp
    /// Exactly one of the app's callback URLs.
    public var redirectURI: String
    public var state: String?
    public var scopes: Scopes
    /// S256 only.
    public var codeChallenge: String?
    public var nonce: String?
    public var prompt: Set<Prompt>
    /// OIDC Core §3.1.2.1: the most seconds since the user last authenticated.
    public var maxAge: Int?
    /// The request's parameters, to carry it through the login and consent pages unchanged.
    public var parameters: [String: String]

    /// OIDC Core §3.1.2.1 `prompt` values.
    public enum Prompt: String, Sendable {
        case none, login, consent
        case selectAccount = "select_account"
    }

    /// Whether signing in for this request takes a second factor: the app requires one (high assurance), or
    /// `acr_values` asks only for classes above a password (OIDC Core §3.1.2.1). Values Gatehouse does not know are
    /// ignored, as voluntary; `phr` asked for gets the best Gatehouse can do, and the ID token's `acr` says which.
    public var requiresSecondFactor: Bool { app.highAssurance.requiresSecondFactor || acrValuesAskForSecondFactor }

    /// Whether `acr_values` names a class above a password, and not a password.
    public var acrValuesAskForSecondFactor: Bool {
        let asked = (parameters["acr_values"] ?? "").split(separator: " ").compactMap {
            AuthenticationContextClass(rawValue: String($0))
        }
        return !asked.isEmpty && !asked.contains(.password)
    }

    /// Whether the user must type their password again: `prompt=login`, or `max_age` or the app's session timeout
    /// has passed since they did.
    public func requiresFreshLogin(authenticatedAt: Date, now: Date) -> Bool {
        freshLoginReason(authenticatedAt: authenticatedAt, now: now) != nil
    }

    /// Why the user must type their password again, in words for `error_description`; nil if they need not.
    public func freshLoginReason(authenticatedAt: Date, now: Date) -> String? {
        if prompt.contains(.login) { return "the request asks for a fresh sign-in (prompt=login)" }
        let age = now.timeIntervalSince(authenticatedAt)
        if let maxAge, age > Double(maxAge) { return "the user signed in more than max_age=\(maxAge) seconds ago" }
        if let timeout = app.sessionTimeout, age > Double(timeout.seconds) {
            return "the app's session timeout (\(timeout)) has passed since the user signed in"
        }
        return nil
    }
}

/// Why an authorization request cannot proceed.
public enum AuthorizationRequestFailure: Error, Sendable {
    /// The client or the callback URL could not be verified: show an error page, never redirect (RFC 6749
    /// §4.1.2.1, RFC 9700 §4.11).
    case unredirectable(String)
    /// Report to the verified callback URL with `error`, `error_description`, `state` and `iss`.
    case redirect(OAuthError, redirectURI: String, state: String?)
}

/// Validates authorization requests as a list of small named checks run in order (as node-oidc-provider does):
/// first the ones that make redirecting safe, then everything else, reported by redirect.
public enum AuthorizationRequestValidator {
    /// Parameters as received: each name with every value it was given. `issuer`: the serving node's, whose
    /// `{issuer}/admin/callback` is the built-in console's callback (each node's own: nothing stored to disagree on).
    public static func validate(_ parameters: [String: [String]], in directory: Directory, issuer: String? = nil)
        throws(AuthorizationRequestFailure)
        -> AuthorizationRequest
    {
        func single(_ name: String) -> String? { parameters[name]?.first.flatMap { $0.isEmpty ? nil : $0 } }

        // 1. The client.
        guard let clientIDs = parameters["client_id"], let clientID = clientIDs.first, !clientID.isEmpty else {
            throw .unredirectable("The request names no application (client_id is missing).")
        }
        guard clientIDs.count == 1 else { throw .unredirectable("client_id is repeated.") }
        guard let app = directory.app(clientID: clientID) else {
            throw .unredirectable("No application is registered with client_id \"\(clientID)\".")
        }
        // 2. The callback URL, matched exactly (RFC 9700 §2.1). OIDC requires it; so do we.
        guard let redirectURIs = parameters["redirect_uri"], let redirectURI = redirectURIs.first, !redirectURI.isEmpty
        else {
            throw .unredirectable("The request has no redirect_uri.")
        }
        guard redirectURIs.count == 1 else { throw .unredirectable("redirect_uri is repeated.") }
        let isConsoleCallback =
            app.isBuiltIn && app.clientID == ConnectedApp.consoleClientID
            && issuer.map { redirectURI == ConnectedApp.consoleCallback(issuer: $0) } == true
        guard app.acceptsCallback(redirectURI) || isConsoleCallback else {
            throw .unredirectable(
                "The redirect_uri is not registered for \(app.name); callback URLs are matched exactly.")
        }
        // From here on, errors go back to the verified callback URL.
        let state = parameters["state"]?.first
        func fail(_ error: OAuthError) -> AuthorizationRequestFailure {
            .redirect(error, redirectURI: redirectURI, state: state)
        }

        if let repeated = parameters.first(where: { $0.value.count > 1 })?.key {
            throw fail(.invalidRequest("parameter \(repeated) is repeated"))
        }
        if parameters["request"] != nil || parameters["request_uri"] != nil {
            throw fail(
                OAuthError(.invalidRequest, "request objects are not supported", reason: .requestNotSupported))
        }
        guard let responseType = single("response_type") else {
            throw fail(.invalidRequest("response_type is required"))
        }
        guard responseType == "code" else {
            throw fail(OAuthError(.unsupportedResponseType, "only response_type=code is supported"))
        }
        guard app.grantTypes.contains(.authorizationCode) else {
            throw fail(OAuthError(.unauthorizedClient, "this app may not use the authorization code flow"))
        }
        if let mode = single("response_mode"), mode != "query" {
            throw fail(.invalidRequest("only response_mode=query is supported"))
        }
        let scopes: Scopes
        do {
            scopes = try ScopeResolution.resolve(requested: single("scope"), for: app)
        } catch {
            throw fail(error)
        }
        let codeChallenge = try pkce(
            single("code_challenge"), method: single("code_challenge_method"), app: app, fail: fail)
        let prompt = try prompts(single("prompt"), fail: fail)
        var maxAge: Int?
        if let text = single("max_age") {
            guard let value = Int(text), value >= 0 else {
                throw fail(.invalidRequest("max_age must be a whole number of seconds"))
            }
            maxAge = value
        }
        return AuthorizationRequest(
            app: app, redirectURI: redirectURI, state: state, scopes: scopes, codeChallenge: codeChallenge,
            nonce: single("nonce"), prompt: prompt, maxAge: maxAge,
            parameters: parameters.compactMapValues { $0.first })
    }

    /// RFC 7636: S256 only (`plain` is refused, RFC 9700 §2.1.1); required for public apps and apps that require it.
    private static func pkce(
        _ challenge: String?, method: String?, app: ConnectedApp, fail: (OAuthError) -> AuthorizationRequestFailure
    ) throws(AuthorizationRequestFailure) -> String? {
        guard let challenge else {
            if method != nil { throw fail(.invalidRequest("code_challenge_method was sent without code_challenge")) }
            if app.isPublic || app.requiresPKCE {
                throw fail(
                    OAuthError(.invalidRequest, "code_challenge is required (PKCE with S256)", reason: .pkceRequired))
            }
            return nil
        }
        guard method == "S256" else {
            throw fail(.invalidRequest("code_challenge_method must be S256; plain is not supported"))
        }
        guard PKCE.isWellFormed(challenge) else {
            throw fail(.invalidRequest("code_challenge must be 43 to 128 characters of base64url"))
        }
        return challenge
    }

    private static func prompts(_ text: String?, fail: (OAuthError) -> AuthorizationRequestFailure)
        throws(AuthorizationRequestFailure) -> Set<AuthorizationRequest.Prompt>
    {
        guard let text else { return [] }
        var values: Set<AuthorizationRequest.Prompt> = []
        for word in text.split(separator: " ") {
            guard let prompt = AuthorizationRequest.Prompt(rawValue: String(word)) else {
                throw fail(.invalidRequest("prompt \(word) is not supported"))
            }
            values.insert(prompt)
        }
        // OIDC Core §3.1.2.1: none with any other value is an error.
        if values.contains(.none) && values.count > 1 { throw fail(.invalidRequest("prompt=none cannot be combined")) }
        return values
    }
}
