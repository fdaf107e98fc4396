import Foundation
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird
import Logging

/// `GET /account`, `POST /account/login`, `POST /account/revoke`: the user's own page. It lists the apps with
/// access to their account (their approvals and the grants they hold) and removes any of them, as an admin's
/// `gatehouse apps revoke-grants APP --user USER` does: the approval goes, the grants end, and every token of
/// theirs for the app, JWTs included, stops working at once on this node and within the poll interval on others.
struct AccountController: Sendable {
    let web: WebServices
    let store: GatehouseStore

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("account") { request, context in
            await Pages.handling(context) { try await show(request) }
        }
        router.post("account/login") { request, context in
            await Pages.handling(context) { try await signIn(request, context) }
        }
        router.post("account/revoke") { request, context in
            await Pages.handling(context) { try await revoke(request, context) }
        }
    }

    private func show(_ request: Request) async throws -> Response {
        let csrf = web.csrfToken(request)
        var page: Response
        if let signedIn = try await web.currentSession(request) {
            let directory = web.oauth.directory.current
            let entries = try await store.accountAccess(of: signedIn.user.id).compactMap { access in
                directory.apps[access.app].map { Pages.AccountEntry(app: $0, access: access) }
            }.sorted { $0.app.name.localizedStandardCompare($1.app.name) == .orderedAscending }
            let removed = QueryParameters(request)["removed"].flatMap { directory.app(clientID: String($0))?.name }
            let requests = try await web.accessRequests.accessRequests(of: signedIn.user.id, limit: 20).compactMap {
                found in directory.apps[found.app].map { (app: $0, request: found) }
            }
            let security = Pages.AccountSecurity(
                factors: try await web.secondFactors.store.secondFactors(of: signedIn.user.id),
                recoveryCodesLeft: try await web.secondFactors.store.remainingRecoveryCodes(of: signedIn.user.id),
                requirement: web.secondFactorRequirement(for: signedIn.user),
                notice: QueryParameters(request)["notice"].flatMap { Pages.AccountSecurity.notices[String($0)] },
                offersPasskeys: web.secondFactors.passkeys.isOffered)
            page = Pages.account(
                user: signedIn.user, entries: entries, requests: requests, security: security, removed: removed,
                csrf: csrf.token)
        } else {
            page = Pages.accountSignIn(
                username: "", error: nil, csrf: csrf.token,
                passkey: try web.secondFactors.passkeys.signInForm(
                    action: PasskeyController.accountSignIn, csrf: csrf.token, handle: nil, at: web.oauth.now()))
        }
        page.setCookies(csrf.newCookie)
        return page
    }

    private func signIn(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard web.isCSRFValid(request, form: form) else { return Pages.expiredForm(traceID: context.id) }
        let username = form["username"] ?? ""
        func retry(_ message: String, status: HTTPResponse.Status) -> Response {
            var page = Pages.accountSignIn(
                username: username, error: message, csrf: form["csrf"] ?? "",
                passkey: try? web.secondFactors.passkeys.signInForm(
                    action: PasskeyController.accountSignIn, csrf: form["csrf"] ?? "", handle: nil,
                    at: web.oauth.now()))
            page.status = status
            return page
        }
        let now = web.oauth.now()
        switch try await web.checkSignIn(
            username: username, password: form["password"] ?? "", address: clientAddress(request, context))
        {
        case .throttled(let until):
            return retry(WebServices.retryMessage(until: until, now: now), status: .tooManyRequests)
                .retrying(after: until.timeIntervalSince(now))
        case .busy:
            return retry(WebServices.busyMessage, status: .tooManyRequests).retrying(after: 1)
        case .incorrect:
            return retry("Incorrect username or password.", status: .unauthorized)
        case .correct(let user) where !user.isActive:
            return retry("This account is deactivated. Ask your administrator to reactivate it.", status: .forbidden)
        case .correct(let user):
            if let secondStep = try await SecondFactorSignIn(web: web).page(
                after: user, step: SecondFactorController.accountStep,
                requirement: web.secondFactorRequirement(for: user), csrf: form["csrf"] ?? "")
            {
                return secondStep
            }
            let (_, cookie) = try await web.startSession(for: user)
            var response = seeOther("/account")
            response.setCookie(cookie)
            return response
        }
    }

    private func revoke(_ request: Request, _ context: some RequestContext) async throws -> Response {
        let form = try await FormBody.parse(request)
        guard let signedIn = try await web.currentSession(request) else { return seeOther("/account") }
        guard web.isCSRFValid(request, form: form) else { return Pages.expiredForm(traceID: context.id) }
        guard let clientID = form["app"], let app = web.oauth.directory.current.app(clientID: clientID) else {
            return Pages.error(
                title: "No such app", message: "The app to remove is not known (any more).", traceID: context.id)
        }
        let now = web.oauth.now()
        let user = signedIn.user
        try await store.revokeGrants(
            of: app, user: user,
            actor: .user(user.username, sourceIP: clientAddress(request, context)), at: now)
        web.oauth.approvals.update { $0.revoke(user: user.id, app: app.id, at: now) }  // others reload within a second
        context.logger.info("user removed an app's access", metadata: ["user": "\(user.id)", "app": "\(app.clientID)"])
        return seeOther("/account?removed=\(queryEscape(app.clientID))")
    }

    private func seeOther(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
