import Foundation
import GatehouseCore
import GatehouseStorage
import Logging
import ServiceLifecycle

/// Purges expired codes, tokens, sessions, signing keys and login events past retention on a fixed interval, so tables stay bounded under
/// steady load.
struct Housekeeping: Service {
    let tokens: any TokenStore
    let keys: SigningKeyStore
    let store: GatehouseStore
    /// Login events older than this are purged.
    let loginHistoryRetention: TimeInterval
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await purge()
                try? await Task.sleep(for: interval)
            }
        }
    }

    func purge() async {
        do {
            let removed = try await tokens.purgeExpired(before: now())
            try await keys.purgeExpired(before: now())
            let events = try await store.purgeLoginEvents(before: now().addingTimeInterval(-loginHistoryRetention))
            if events > 0 { logger.debug("housekeeping purged old login events", metadata: ["rows": "\(events)"]) }
            if removed > 0 { logger.debug("housekeeping purged expired rows", metadata: ["rows": "\(removed)"]) }
        } catch {
            if Task.isCancelled { return }  // shutting down
            logger.warning("housekeeping failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
