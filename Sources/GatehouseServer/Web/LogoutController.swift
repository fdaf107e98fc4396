import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// `GET|POST /logout`: OpenID Connect RP-Initiated Logout 1.0. The `post_logout_redirect_uri` must exactly match
/// one of the app's callback URLs; without a valid `id_token_hint` naming the signed-in user, the user confirms.
struct LogoutController: Sendable {
    let web: WebServices

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("logout") { request, context in
            let parameters = FormBody.decodeAll(request.uri.query ?? "")?.compactMapValues(\.first) ?? [:]
            return await handle(request, context, parameters: parameters, confirmed: false)
        }
        router.post("logout") { request, context in
            guard let form = try? await FormBody.parse(request) else {
                return Pages.error(
                    title: "Invalid request", message: "The form could not be read.", traceID: context.id)
            }
            let confirmed = form["confirm"] == "yes" && web.isCSRFValid(request, form: form)
            var parameters = form
            parameters["csrf"] = nil
            parameters["confirm"] = nil
            return await handle(request, context, parameters: parameters, confirmed: confirmed)
        }
    }

    private func handle(
        _ request: Request, _ context: some RequestContext, parameters: [String: String], confirmed: Bool
    ) async -> Response {
        do {
            let directory = web.oauth.directory.current
            let hinted = idTokenHint(parameters["id_token_hint"])
            func invalid(_ message: String) -> Response {
                Pages.error(title: "This sign-out link is not valid", message: message, traceID: context.id)
            }
            // RP-Initiated Logout §2: the hint must be an ID token this server issued (not an access token), and a
            // client_id sent with it must be the client the ID token was issued to.
            if parameters["id_token_hint"] != nil && hinted == nil {
                return invalid("id_token_hint is not an ID token issued by this server.")
            }
            if let hinted, let clientID = parameters["client_id"], clientID != hinted.audience {
                return invalid("client_id is not the app the id_token_hint was issued to.")
            }
            var app = parameters["client_id"].flatMap { directory.app(clientID: $0) }
            if app == nil, let audience = hinted?.audience { app = directory.app(clientID: audience) }
            var target: String?
            if let uri = parameters["post_logout_redirect_uri"] {
                guard let app, app.callbackURLs.contains(uri) else {
                    return invalid("post_logout_redirect_uri is not registered for the app (or the app is not named).")
                }
                target = uri
            }
            let signedIn = try await web.currentSession(request)
            let hintMatches = signedIn != nil && hinted?.subject == signedIn?.user.id.rawValue
            if signedIn != nil, !confirmed, !hintMatches {
                let csrf = web.csrfToken(request)
                var page = Pages.confirmLogout(csrf: csrf.token, parameters: parameters)
                page.setCookies(csrf.newCookie)
                return page
            }
            if let signedIn { try await web.sessions.deleteSession(idHash: signedIn.session.idHash) }
            var response: Response
            if let target {
                var location = target
                if let state = parameters["state"] {
                    location += (target.contains("?") ? "&" : "?") + "state=" + queryEscape(state)
                }
                response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
            } else {
                response = Pages.signedOut()
            }
            response.setCookie(web.cookie(WebServices.sessionCookie, "", maxAge: 0))
            return response
        } catch {
            // The session may still be valid: say so, rather than let the user believe they are signed out.
            return Pages.error(
                Failure.refusal(for: error, logger: context.logger), traceID: context.id, failed: "sign you out")
        }
    }

    /// The subject and audience of an ID token this server signed (expired ones are accepted as hints). An access
    /// token (`typ: at+jwt`, RFC 9068 §2.1) is no ID token, however well signed.
    private func idTokenHint(_ token: String?) -> (subject: String, audience: String)? {
        guard let token else { return nil }
        let keys = web.oauth.keys.current
        let now = web.oauth.now()
        guard let verified = try? JWT.verify(token, keys: { keys.verificationKey(kid: $0, at: now) }),
            verified.header["typ"] as? String == "JWT", verified.string("client_id") == nil,
            verified.string("iss") == web.oauth.issuer.issuer, let subject = verified.string("sub"),
            let audience = verified.string("aud")
        else { return nil }
        return (subject, audience)
    }
}
