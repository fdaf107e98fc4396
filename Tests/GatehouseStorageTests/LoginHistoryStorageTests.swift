import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// Login history on both databases: batched appends (more rows than one statement holds), filters, retention.
@Suite struct LoginHistoryStorageTests {
    @Test(arguments: TestBackend.available)
    func eventsAreAppendedInBatchesFilteredAndPurgedAfterRetention(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let checks = [AccessCheck(name: "user_active", passed: false, detail: "user alice is inactive")]
            let old = (0..<1_050).map { index in
                LoginEvent(
                    occurredAt: now.addingTimeInterval(-200 * 86_400 + Double(index)), username: "alice",
                    appName: "Dédupe \"Pro\"\n\u{1}", flow: .refresh, result: .allowed, traceID: "old-\(index)")
            }
            let recent = LoginEvent(
                occurredAt: now, username: "alice", flow: .refresh, result: .refused, reason: "user_inactive",
                description: "user is inactive", clientIP: "192.0.2.7", traceID: "recent", checks: checks)
            try await store.appendLoginEvents(old + [recent])

            #expect(try await store.loginEvents(LoginEventQuery(limit: 2_000)).count == 1_051)
            let refused = try await store.loginEvents(LoginEventQuery(result: .refused))
            #expect(
                refused == [
                    LoginEvent(
                        id: refused.first?.id, occurredAt: now, username: "alice", flow: .refresh,
                        result: .refused, reason: "user_inactive", description: "user is inactive",
                        clientIP: "192.0.2.7",
                        traceID: "recent", checks: checks)
                ])
            #expect(try await store.loginEvents(LoginEventQuery(since: now.addingTimeInterval(-60))).count == 1)
            let first = try await store.loginEvents(LoginEventQuery(traceID: "old-0")).first
            #expect(first?.appName == "Dédupe \"Pro\"\n\u{1}")
            #expect(first?.user == nil)
            #expect(first?.occurredAt == now.addingTimeInterval(-200 * 86_400))
            #expect(try await store.loginEvents(LoginEventQuery(reason: "user_inactive", flow: .authorize)).isEmpty)

            // The default retention, 180 days, removes the 1,050 old events and keeps the recent one.
            let purged = try await store.purgeLoginEvents(before: now.addingTimeInterval(-180 * 86_400))
            #expect(purged == 1_050)
            #expect(try await store.loginEvents(LoginEventQuery(limit: 2_000)).map(\.traceID) == ["recent"])
        }
    }
}
