import Foundation
import GatehouseCore
import GatehouseStorage

/// What the OAuth endpoints share, built once in ``buildApplication(configuration:store:masterKey:logger:now:)``.
struct OAuthServices: Sendable {
    let directory: LiveDirectory
    let keys: Live<KeyRing>
    let tokens: any TokenStore
    let issuer: TokenIssuer
    let authenticator: ClientAuthenticator
    /// The clock, injected so tests can move it.
    let now: @Sendable () -> Date

    /// The grant handlers, keyed by `grant_type` (fosite's dispatch).
    let grantHandlers: [String: any GrantHandler] = OAuthServices.handlers([
        AuthorizationCodeGrant(), RefreshTokenGrant(), ClientCredentialsGrant(),
    ])

    private static func handlers(_ list: [any GrantHandler]) -> [String: any GrantHandler] {
        var table: [String: any GrantHandler] = [:]
        for handler in list { table[handler.grantType.rawValue] = handler }
        return table
    }

    func grantContext(clientIP: String?) -> GrantContext {
        GrantContext(
            directory: directory.current, keys: keys.current, now: now(), issuer: issuer, store: tokens,
            clientIP: clientIP)
    }

    /// Authenticates the caller of the token, introspection or revocation endpoint.
    func authenticateClient(authorization: String?, form: [String: String]) throws(OAuthError) -> ConnectedApp {
        let presented = try PresentedClientCredentials.read(authorization: authorization, form: form)
        return try authenticator.authenticate(presented, in: directory.current)
    }
}
