import Foundation

/// The admin console is a connected app of the Gatehouse it administers: it signs admins in with this server's own
/// authorization code flow (PKCE), and its users are those the policy it manages lets in.
extension ConnectedApp {
    public static let consoleName = "Gatehouse Admin Console"
    public static let consoleClientID = "gatehouse-console"
    public static let consoleScopes = ["openid", "profile", adminScope]

    /// The console's callback under `issuer`.
    public static func consoleCallback(issuer: String) -> String {
        (issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer) + "/admin/callback"
    }

    /// The built-in console app: authorization code with PKCE, admin-approved. Confidential without a secret: its
    /// codes and refresh tokens are redeemed only inside the server (the console calls the token endpoint's own
    /// sequence), so one stolen from a browser is worth nothing at `POST /token`, where no secret can authenticate
    /// it. Refresh tokens are not rotated, so two tabs may renew at once without one ending the other's session.
    public static func console(callbackURLs: [String] = []) -> ConnectedApp {
        ConnectedApp(
            name: consoleName, clientID: consoleClientID, isPublic: false, callbackURLs: callbackURLs,
            scopes: consoleScopes, grantTypes: [.authorizationCode, .refreshToken],
            permittedUsers: .adminApprovedPreauthorized,
            refreshTokenPolicy: .expireIfUnused(PolicyDuration(seconds: 3_600)),
            isRefreshTokenRotationEnabled: false, requiresPKCE: true, isBuiltIn: true)
    }

    /// The fields of a built-in app that `changed` sets differently, by their config names: what only Gatehouse sets.
    public func fixedFieldsChanged(in changed: ConnectedApp) -> [String] {
        guard isBuiltIn else { return [] }
        var fields: [String] = []
        if uniquenessKey(changed.name) != uniquenessKey(name) { fields.append("name") }
        if changed.clientID != clientID { fields.append("clientId") }
        if changed.isPublic != isPublic { fields.append("public") }
        if changed.secrets != secrets { fields.append("clientSecret") }
        if changed.callbackURLs != callbackURLs { fields.append("callbackUrls") }
        if changed.grantTypes != grantTypes { fields.append("grantTypes") }
        if Set(changed.scopes) != Set(scopes) { fields.append("scopes") }
        if changed.requiresPKCE != requiresPKCE { fields.append("requirePkce") }
        if changed.isRefreshTokenRotationEnabled != isRefreshTokenRotationEnabled {
            fields.append("refreshTokenRotation")
        }
        if changed.runAsUser != runAsUser { fields.append("runAsUser") }
        if changed.assertionKeys != assertionKeys { fields.append("assertionKeys") }
        if changed.introspectsAllTokens != introspectsAllTokens { fields.append("introspectAllTokens") }
        return fields
    }
}
