import Foundation
import GatehouseCore
import GatehouseStorage
import Logging
import ServiceLifecycle

/// Purges expired codes, tokens, sessions, signing keys, login events past retention and the directory change log
/// past a day, on a fixed interval, so tables stay bounded under steady load.
struct Housekeeping: Service {
    let tokens: any TokenStore
    let keys: SigningKeyStore
    let store: GatehouseStore
    /// Login events older than this are purged.
    let loginHistoryRetention: TimeInterval
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger
    /// How long the directory's change log is kept.
    static let changeLogRetention: TimeInterval = 24 * 3600

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
            // A node away longer than this catches up by a full load instead (ADR 7).
            try await store.pruneDirectoryChanges(before: now().addingTimeInterval(-Self.changeLogRetention))
            if events > 0 { logger.debug("housekeeping purged old login events", metadata: ["rows": "\(events)"]) }
            if removed > 0 { logger.debug("housekeeping purged expired rows", metadata: ["rows": "\(removed)"]) }
        } catch {
            if Task.isCancelled { return }  // shutting down
            logger.warning("housekeeping failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
