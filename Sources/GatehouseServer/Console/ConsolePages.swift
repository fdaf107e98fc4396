import Foundation
import GatehouseAdmin
import GatehouseCore
import HTTPTypes
import Hummingbird

/// The console's pages outside any section: sign-in trouble, refusals, a missing permission, signed out.
enum ConsolePages {
    private static let e = HTML.escape

    /// The access decision (at `/authorize`, or on a page) refused the admin: its sentence, and what to do.
    static func refused(_ description: String, traceID: String) -> Response {
        ConsoleLayout.page(
            title: "No access to the console", signedIn: nil, status: .forbidden,
            """
            <h1>You cannot use the Gatehouse Admin Console</h1>
            <p class="problem" role="alert">\(e(description))</p>
            <p>The console is a connected app like any other: an administrator decides who may use it, on its page \
            under Connected apps (its permitted users), through a profile or a permission set that grants it.</p>
            <p><a href="/admin/login">Sign in again</a> · <a href="/account">Your account</a></p>
            <p class="muted">Trace id: <code>\(e(traceID))</code> — give it to an administrator: the login history \
            shows every check made.</p>
            """)
    }

    static func signInFailed(_ reason: String, traceID: String) -> Response {
        ConsoleLayout.page(
            title: "Sign-in did not complete", signedIn: nil, status: .badRequest,
            """
            <h1>The sign-in did not complete</h1>
            <p class="problem" role="alert">\(e(reason))</p>
            <p><a class="button" href="/admin/login">Start again</a></p>
            <p class="muted">Trace id: <code>\(e(traceID))</code></p>
            """)
    }

    /// Sign-out posted without a console session (it had ended, or the cookie is gone): nothing was ended here.
    static func sessionAlreadyOver() -> Response {
        ConsoleLayout.page(
            title: "No console session", signedIn: nil,
            """
            <h1>Your console session had already ended</h1>
            <p>If you are still signed in to Gatehouse in this browser, <a href="/logout">sign out of Gatehouse</a> \
            too.</p>
            <p><a class="button" href="/admin/login">Sign in again</a></p>
            """)
    }

    /// A console form whose CSRF token this session does not accept: posted from another browser or an earlier
    /// session, or forged. Nothing was changed, and the page says so and how to go on.
    static func expiredForm(signedIn: ConsoleAdmin?, traceID: String) -> Response {
        ConsoleLayout.page(
            title: "Form expired", signedIn: signedIn, status: .forbidden,
            """
            <h1>This form has expired</h1>
            <p class="problem" role="alert">Nothing was changed. The form came from an earlier console session or \
            another browser, so Gatehouse could not tell that you sent it.</p>
            <p>Go back, reload the page, and make the change again.</p>
            <p><a class="button" href="/admin">Setup home</a></p>
            <p class="muted">Trace id: <code>\(e(traceID))</code></p>
            """)
    }

    static func signedOut() -> Response {
        ConsoleLayout.page(
            title: "Signed out", signedIn: nil,
            """
            <h1>You are signed out</h1>
            <p>The console's session is over and its tokens are revoked; your Gatehouse sign-in in this browser has \
            ended too.</p>
            <p><a class="button" href="/admin/login">Sign in again</a></p>
            """)
    }

    /// Signed in, but without the admin permission the page needs: which one, and who can give it.
    static func missingPermission(_ permission: AdminPermission, signedIn: ConsoleAdmin, traceID: String)
        -> Response
    {
        let held = signedIn.permissions.sorted().map { "<code>\(e($0.rawValue))</code>" }
        return ConsoleLayout.page(
            title: "Permission needed", signedIn: signedIn, status: .forbidden,
            """
            <h1>This page needs the admin permission <code>\(e(permission.rawValue))</code></h1>
            <p class="problem" role="alert">You are signed in as <strong>\(e(signedIn.user.username))</strong>, and \
            neither your profile nor any of your permission sets gives <code>\(e(permission.rawValue))</code>.</p>
            <p>\(held.isEmpty ? "You hold no admin permission." : "You hold: \(held.joined(separator: ", ")).")</p>
            <p>An administrator with <code>manage-users</code> can assign you a permission set that has it, or one \
            with <code>manage-profiles-and-permission-sets</code> can add it to your profile.</p>
            <p class="muted">Trace id: <code>\(e(traceID))</code></p>
            """)
    }

    /// What the admin library refused, in its own words: a missing permission names it (403), an unknown entity is
    /// 404, a conflict 409, a stale read 412, anything invalid 422.
    static func failed(_ failure: AdminFailure, signedIn: ConsoleAdmin, traceID: String) -> Response {
        let title: String
        let status: HTTPResponse.Status
        switch failure.kind {
        case .notFound: (title, status) = ("Not found", .notFound)
        case .conflict: (title, status) = ("This cannot be done", .conflict)
        case .invalid: (title, status) = ("This cannot be done", .unprocessableContent)
        case .stale: (title, status) = ("Changed meanwhile", .preconditionFailed)
        case .permissionMissing(let permission):
            return missingPermission(permission, signedIn: signedIn, traceID: traceID)
        }
        return ConsoleLayout.page(
            title: title, signedIn: signedIn, status: status,
            """
            <h1>\(e(title))</h1>
            <p class="problem" role="alert">\(e(failure.description))</p>
            <p><a href="/admin">Back to Setup</a></p>
            <p class="muted">Trace id: <code>\(e(traceID))</code></p>
            """)
    }
}
