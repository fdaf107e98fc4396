import GatehouseCore

/// A change on the account page that takes another proof of a second factor than the session.
enum GuardedChange {
    case removal(SecondFactor)
    case newRecoveryCodes

    /// What a passkey's confirmation is for: it confirms this change only.
    var action: String {
        switch self {
        case .removal(let factor): "remove:" + factor.id
        case .newRecoveryCodes: "recovery-codes"
        }
    }

    var path: String {
        switch self {
        case .removal: "/account/authenticator/remove"
        case .newRecoveryCodes: "/account/recovery-codes"
        }
    }

    var hiddenFields: String {
        switch self {
        case .removal(let factor): HTML.hiddenField("factor", factor.id)
        case .newRecoveryCodes: ""
        }
    }
}
