/// Why a WebAuthn response was refused, in words for the page and the log.
public enum WebAuthnError: Error, Sendable, Equatable {
    /// The bytes are not what the ceremony returns.
    case malformed(String)
    /// Well formed, but not for this relying party, this challenge or this credential.
    case refused(String)

    public var message: String {
        switch self {
        case .malformed(let message), .refused(let message): message
        }
    }
}
