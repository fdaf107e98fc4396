import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import HTTPTypes
import Hummingbird

/// The admin a console page acts for, found anew on every page from the session's tokens.
struct ConsoleAdmin: Sendable {
    let user: User
    let admin: Admin
    let permissions: Set<AdminPermission>
    let session: ConsoleSession
    /// The session cookie to set on the page (its last-seen time moved, its tokens renewed).
    let cookie: Cookie

    func may(_ permission: AdminPermission) -> Bool { permissions.contains(permission) }
}

/// What a console request finds: a signed-in admin, or the response to send instead (to sign-in, or a refusal).
enum ConsoleEntry: Sendable {
    case signedIn(ConsoleAdmin)
    case respond(Response)
}

extension Console {
    /// The signed-in admin of this request: the session cookie opened, its access token inspected as the admin API
    /// inspects one (flow `admin_console`: every check of the access decision, as the policy stands now), renewed
    /// with the refresh token when it has expired. Without a usable session: off to sign in, back to this page after.
    func enter(_ request: Request, _ context: some RequestContext) async throws -> ConsoleEntry {
        let now = oauth.now()
        let here = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
        func signIn(_ prompt: String? = nil) throws -> ConsoleEntry {
            .respond(try ConsoleSignIn(console: self).start(returnTo: here, prompt: prompt))
        }
        guard let sealed = request.cookies[Self.sessionCookie]?.value,
            var session = sessions.open(sealed, as: ConsoleSession.self)
        else { return try signIn() }
        guard session.isValid(at: now) else {
            // Over: its grant goes (none piles up), and after the absolute limit the password is asked again
            // even while the browser's Gatehouse sign-in lasts.
            try await ConsoleSignIn(console: self).revoke(session)
            return try signIn(now.timeIntervalSince(session.signedInAt) >= Self.absoluteTimeout ? "login" : nil)
        }
        let clientIP = clientAddress(request, context)
        let inspector = TokenInspector(services: oauth)
        var inspection = try await inspector.inspect(
            session.accessToken, hint: "access_token", flow: .adminConsole, traceID: context.id, clientIP: clientIP)
        if case .inactive = inspection, let refreshToken = session.refreshToken {
            let renewal = TokenRequest(["grant_type": "refresh_token", "refresh_token": refreshToken])
            switch await grant(renewal, flow: .refresh, request, context) {
            case .failure(let error) where error.code == .temporarilyUnavailable || error.code == .serverError:
                throw error  // the database, not the admin: "try again", not a new sign-in
            case .failure:
                // Expired, revoked, or refused by the policy as it is now: a new sign-in, where /authorize runs
                // the access decision again and the callback shows its sentence if it refuses.
                return try signIn()
            case .success(let tokens):
                guard case .string(let accessToken) = tokens["access_token"] else { return try signIn() }
                session.accessToken = accessToken
                if case .string(let rotated) = tokens["refresh_token"] { session.refreshToken = rotated }
                inspection = try await inspector.inspect(
                    accessToken, hint: "access_token", flow: .adminConsole, traceID: context.id, clientIP: clientIP)
            }
        }
        switch inspection {
        case .refused(_, let refusal):
            return .respond(ended(ConsolePages.refused(refusal.description, traceID: context.id)))
        case .active(let token):
            guard token.kind == .access, token.app.clientID == ConnectedApp.consoleClientID, token.app.isBuiltIn,
                token.scopes.contains(ConnectedApp.adminScope), let user = token.user
            else { return try signIn() }
            session.lastSeenAt = now
            let permissions = oauth.directory.current.adminPermissions(of: user)
            let admin = Admin(
                store: store, actor: AuditActor(name: "console:\(user.username)", sourceIP: clientIP),
                permissions: permissions, masterKey: masterKey, passwordHasher: passwordHasher, now: oauth.now)
            return .signedIn(
                ConsoleAdmin(
                    user: user, admin: admin, permissions: permissions, session: session,
                    cookie: cookie(Self.sessionCookie, try sessions.seal(session))))
        case .inactive:
            return try signIn()
        }
    }

    /// `page`, with the session cookie cleared: the session it held is over.
    private func ended(_ page: Response) -> Response {
        var page = page
        page.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return page
    }

    /// Runs `body` for a signed-in admin holding `permission`, with the session cookie renewed on what it returns.
    /// Without the permission: a page naming it (403), and nothing done. Times on the page are in the admin's zone.
    func page(
        _ request: Request, _ context: some RequestContext, needing permission: AdminPermission = .viewSetup,
        _ body: (ConsoleAdmin) async throws -> Response
    ) async -> Response {
        await ConsoleTime.$zone.withValue(ConsoleTime.zone(of: request)) {
            await signedInPage(request, context, needing: permission, body)
        }
    }

    private func signedInPage(
        _ request: Request, _ context: some RequestContext, needing permission: AdminPermission,
        _ body: (ConsoleAdmin) async throws -> Response
    ) async -> Response {
        await Pages.handling(context) {
            switch try await enter(request, context) {
            case .respond(let response): return response
            case .signedIn(let signedIn):
                var response: Response
                if signedIn.may(permission) {
                    do {
                        response = try await body(signedIn)
                    } catch let failure as AdminFailure {
                        response = ConsolePages.failed(failure, signedIn: signedIn, traceID: context.id)
                    } catch let failure as ValidationFailure {
                        response = ConsolePages.failed(
                            AdminFailure(.invalid, failure.issues.map(\.description).joined(separator: "; ")),
                            signedIn: signedIn, traceID: context.id)
                    }
                } else {
                    response = ConsolePages.missingPermission(permission, signedIn: signedIn, traceID: context.id)
                }
                response.setCookie(signedIn.cookie)
                return response
            }
        }
    }
}
