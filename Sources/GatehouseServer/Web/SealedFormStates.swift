import Foundation
import GatehouseCore

// What the browser holds, sealed (``Sealer``), while a sign-in or an account-page change is in progress: each under
// a purpose of its own, so that none can stand in for another.

/// What a browser holds, sealed, between a right password and the second factor: whose password it was (and a
/// fingerprint of it, so a password changed meanwhile ends the step), the browser it was typed in, the
/// authorization request it continues, and the secret of an authenticator being set up in this sign-in.
struct SecondFactorChallenge: Codable, Sendable {
    var user: String
    var passwordFingerprint: String
    /// SHA-256 of the browser's CSRF token.
    var binding: String
    /// SHA-256 of the authorization request's handle; nil on the account page.
    var request: String?
    var expiresAt: Date
    /// Base32; set when the user sets up an authenticator app in this sign-in.
    var enrolmentSecret: String?
    /// The id the factor set up in this sign-in is saved under: completing the step twice adds it once.
    var enrolmentID: String?
    /// Why a second factor is required of this sign-in, in words, as the password step found it.
    var requirement: String?
    /// Set when the step raises a signed-in session (no password typed in it): the new session keeps the old one's
    /// absolute timeout.
    var isStepUp: Bool?

    static let lifetime: TimeInterval = 600

    static func fingerprint(of user: User) -> String { TokenValue.hash("password:" + (user.passwordHash ?? "")) }

    /// Whether the challenge still holds for `user`, in the browser with `csrf`, for the request with `request`.
    func holds(for user: User, csrf: String, request: String?, at now: Date) -> Bool {
        user.isActive && user.id.rawValue == self.user && now < expiresAt
            && constantTimeEquals(Array(Self.fingerprint(of: user).utf8), Array(passwordFingerprint.utf8))
            && constantTimeEquals(Array(TokenValue.hash(csrf).utf8), Array(binding.utf8)) && request == self.request
    }
}

/// A value an account-page form carries sealed, for one user in one browser, until it expires.
protocol AccountFormState: Codable, Sendable {
    var user: String { get }
    /// SHA-256 of the browser's CSRF token.
    var binding: String { get }
    var expiresAt: Date { get }
}

extension AccountFormState {
    /// Whether it is `user`'s, posted from the browser with `csrf`, before it expired.
    func holds(for user: User, csrf: String, at now: Date) -> Bool {
        self.user == user.id.rawValue && now < expiresAt
            && constantTimeEquals(Array(TokenValue.hash(csrf).utf8), Array(binding.utf8))
    }
}

/// An authenticator app being set up from the account page, sealed in its form.
struct AuthenticatorEnrolment: AccountFormState {
    /// The id the factor is saved under: the form posted twice adds it once.
    var id: String
    var user: String
    var binding: String
    var secret: String
    var expiresAt: Date
}

/// A passwordless sign-in's challenge, sealed: the browser it was shown in and the authorization request it
/// continues (nil on the account page).
struct PasskeySignIn: Codable, Sendable {
    /// SHA-256 of the browser's CSRF token.
    var binding: String
    /// SHA-256 of the authorization request's handle.
    var request: String?
    var expiresAt: Date
    /// Makes each challenge different.
    var nonce: String

    /// Whether it was shown in the browser with `csrf`, for the request with `request` (its expiry apart).
    func holds(csrf: String, request: String?) -> Bool {
        constantTimeEquals(Array(TokenValue.hash(csrf).utf8), Array(binding.utf8)) && request == self.request
    }
}

/// A passkey being made from the account page, sealed as the ceremony's challenge.
struct PasskeyEnrolment: AccountFormState {
    /// The id the factor is saved under.
    var id: String
    var user: String
    var binding: String
    var expiresAt: Date

    /// A new one for `user`, in the browser with `csrf`, good for a ceremony's time from `now`.
    static func new(for user: User, csrf: String, at now: Date) -> PasskeyEnrolment {
        PasskeyEnrolment(
            id: UUID().uuidString.lowercased(), user: user.id.rawValue, binding: TokenValue.hash(csrf),
            expiresAt: now.addingTimeInterval(PasskeyServices.lifetime))
    }
}

/// A change on the account page confirmed with a passkey (``GuardedChange``): sealed as the ceremony's challenge,
/// for this user, this browser and this change (`action`).
struct PasskeyConfirmation: AccountFormState {
    var user: String
    var binding: String
    var action: String
    var expiresAt: Date
    var nonce: String
}
