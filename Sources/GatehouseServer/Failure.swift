import Foundation
import GatehouseCore
import GatehouseStorage
import Logging

/// The one path from a thrown error to what is answered, on every surface (the JSON endpoints, userinfo, the
/// authorization redirect, the pages): an ``OAuthError`` as it is; a database out of reach as
/// `temporarily_unavailable` (``OAuthError/storageUnavailable``); anything else a defect, answered `server_error`
/// without internals. Logged here, once, so no surface forgets to or leaks more.
enum Failure {
    static let serverError = OAuthError(.serverError, "the server could not complete the request")

    static func refusal(for error: any Error, logger: Logger) -> OAuthError {
        if let error = error as? OAuthError { return error }
        if let error = error as? StorageError, error.isUnavailable {
            logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return .storageUnavailable
        }
        logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
        return serverError
    }
}

extension OAuthError {
    /// `Retry-After` in seconds (RFC 9110 §10.2.3) for a refusal the client should simply retry.
    var retryAfter: Int? { code == .temporarilyUnavailable ? 1 : nil }
}
