import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// A change that narrows where or when users sign in takes no one's access away, so its preview replays the sign-ins
/// on record under the restrictions after it: who would have been refused is who the change refuses next.
@Suite struct SignInReplayTests {
    static let now = Date(timeIntervalSince1970: 1_796_299_200)  // 2026-12-03 12:00 UTC
    let preview = ImpactPreviewTests()

    func signIn(
        _ user: User, _ app: ConnectedApp, from address: String?, daysAgo: Double, result: LoginResult = .allowed,
        flow: AccessFlow = .authorize
    ) -> LoginEvent {
        LoginEvent(
            occurredAt: Self.now.addingTimeInterval(-daysAgo * 86_400), user: user.id, username: user.username,
            app: app.id, appName: app.name, flow: flow, result: result, clientIP: address, traceID: UUID().uuidString)
    }

    func profile(_ store: GatehouseStore, _ user: User) async throws -> Profile {
        try #require(try await store.loadDirectory().profiles[user.profile])
    }

    @Test(arguments: TestBackend.available)
    func narrowingAProfilesIPRangesFindsTheRecentSignInsItWouldRefuse(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await preview.seed(store, permittedUsers: .adminApprovedPreauthorized)
            try await store.appendLoginEvents([
                signIn(seeded.byProfile, seeded.app, from: "10.1.2.3", daysAgo: 1),
                signIn(seeded.byProfile, seeded.app, from: "203.0.113.5", daysAgo: 2, flow: .codeExchange),
                signIn(seeded.byProfile, seeded.app, from: "203.0.113.9", daysAgo: 3),
                // Allowed under report-only enforcement: the address check still governs it.
                signIn(seeded.byProfile, seeded.app, from: "203.0.113.7", daysAgo: 4, result: .wouldRefuse),
                // Introspection is never checked.
                signIn(seeded.byProfile, seeded.app, from: "203.0.113.8", daysAgo: 1, flow: .introspection),
                // Older than the window, refused anyway, or of someone else's profile: not replayed.
                signIn(seeded.byProfile, seeded.app, from: "198.51.100.1", daysAgo: 31),
                signIn(seeded.byProfile, seeded.app, from: "198.51.100.2", daysAgo: 1, result: .refused),
                signIn(seeded.bySet, seeded.app, from: "198.51.100.3", daysAgo: 1),
            ])
            let before = try await profile(store, seeded.byProfile)
            var after = before
            after.loginIPRanges = [IPRange("10.0.0.0/8")!]
            let impact = try await store.impactPreview(
                of: [.updateProfile(before: before, after: after)],
                basedOn: try await store.loadDirectory(usersNamed: []),
                at: Self.now)
            #expect(impact.losses.isEmpty)
            let replay = try #require(impact.replay)
            #expect(replay.signIns == 4)
            #expect(replay.since == Self.now.addingTimeInterval(-30 * 86_400))
            #expect(
                replay.refused == [
                    RefusedSignIns(
                        user: "by-profile", app: "A", reason: "ip_restricted", signIns: 3,
                        lastAt: Self.now.addingTimeInterval(-2 * 86_400), lastClientIP: "203.0.113.5")
                ])
            #expect(!impact.isEmpty)
            #expect(impact.summary().contains("the change would refuse 3 of them, by 1 user who keeps access"))
            #expect(impact.summary().contains("A: by-profile (ip_restricted): 3 sign-ins, the last from 203.0.113.5"))

            // Widening them again refuses nothing that was allowed.
            let widened = try await store.impactPreview(
                of: [.updateProfile(before: after, after: before)], basedOn: try await store.loadDirectory(),
                at: Self.now)
            #expect(widened.replay?.refused == [])
            #expect(widened.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func loginHoursAreReplayedAtTheTimeOfEachSignIn(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await preview.seed(store, permittedUsers: .adminApprovedPreauthorized)
            // 2026-11-26 and 2026-11-27, a Thursday and a Friday, at 09:33 and 21:33 in Paris (UTC+1).
            let thursdayMorning = Date(timeIntervalSince1970: 1_795_681_980)
            try await store.appendLoginEvents([
                LoginEvent(
                    occurredAt: thursdayMorning, user: seeded.byProfile.id, username: "by-profile", app: seeded.app.id,
                    flow: .authorize, result: .allowed, traceID: "t1"),
                LoginEvent(
                    occurredAt: thursdayMorning.addingTimeInterval(36 * 3600), user: seeded.byProfile.id,
                    username: "by-profile", app: seeded.app.id, flow: .refresh, result: .allowed, traceID: "t2"),
            ])
            let before = try await profile(store, seeded.byProfile)
            var after = before
            after.loginHours = try #require(
                LoginHours(
                    timeZone: "Europe/Paris",
                    days: [.thursday: try #require(LoginHours.windows(parsing: "08:00-18:00"))]))
            let at = thursdayMorning.addingTimeInterval(3 * 86_400)
            let impact = try await store.impactPreview(
                of: [.updateProfile(before: before, after: after)], basedOn: try await store.loadDirectory(), at: at)
            #expect(
                impact.replay?.refused.map { "\($0.user) \($0.reason) \($0.signIns)" } == [
                    "by-profile outside_login_hours 1"
                ])

            // An app relaxing IP restrictions for refresh leaves its refreshes out of the hours too.
            var relaxed = seeded.app
            relaxed.ipRelaxation = .enforceRelaxRefresh
            let both = try await store.impactPreview(
                of: [.updateProfile(before: before, after: after), .updateApp(before: seeded.app, after: relaxed)],
                basedOn: try await store.loadDirectory(), at: at)
            #expect(both.replay?.refused == [])
        }
    }

    @Test(arguments: TestBackend.available)
    func enforcingAnAppAndMovingAUserAreReplayedToo(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await preview.seed(store, permittedUsers: .adminApprovedPreauthorized)
            var relaxed = seeded.app
            relaxed.ipRelaxation = .relax
            let directory = try await store.loadDirectory()
            let before = try #require(directory.profiles[seeded.byProfile.profile])
            var restricted = before
            restricted.loginIPRanges = [IPRange("10.0.0.0/8")!]
            try await store.commit(
                [.updateApp(before: seeded.app, after: relaxed), .updateProfile(before: before, after: restricted)],
                basedOn: directory, actor: ImpactPreviewTests.actor, at: Date())
            try await store.appendLoginEvents([
                signIn(seeded.byProfile, seeded.app, from: "203.0.113.5", daysAgo: 1),
                signIn(seeded.bySet, seeded.app, from: "203.0.113.6", daysAgo: 1),
            ])
            // The app enforces the profile's ranges again: its sign-in from outside them would be refused.
            let enforcing = try await store.impactPreview(
                of: [.updateApp(before: relaxed, after: seeded.app)], basedOn: try await store.loadDirectory(),
                at: Self.now)
            #expect(enforcing.replay?.refused.map(\.user) == ["by-profile"])
            // Trusting the address for the app lets it through.
            var trusted = seeded.app
            trusted.trustedIPRanges = [IPRange("203.0.113.0/24")!]
            let trusting = try await store.impactPreview(
                of: [.updateApp(before: relaxed, after: trusted)], basedOn: try await store.loadDirectory(),
                at: Self.now)
            #expect(trusting.replay?.refused == [])

            // Moving a user (of System Administrator, unrestricted) to the restricted profile P.
            var moved = seeded.bySet
            moved.profile = restricted.id
            let move = try await store.impactPreview(
                of: [.updateUser(before: seeded.bySet, after: moved)], basedOn: try await store.loadDirectory(),
                at: Self.now)
            // P grants A, and A relaxes IP restrictions: nothing refused. Enforced, the sign-in would be.
            #expect(move.replay?.refused == [])
            let moveAndEnforce = try await store.impactPreview(
                of: [.updateUser(before: seeded.bySet, after: moved), .updateApp(before: relaxed, after: seeded.app)],
                basedOn: try await store.loadDirectory(), at: Self.now)
            #expect(moveAndEnforce.replay?.refused.map(\.user) == ["by-profile", "by-set"])

            // A user who loses the app altogether is in the losses, not in the replay.
            var stripped = restricted
            stripped.connectedApps = []
            let loss = try await store.impactPreview(
                of: [
                    .updateProfile(before: restricted, after: stripped), .updateApp(before: relaxed, after: seeded.app),
                ],
                basedOn: try await store.loadDirectory(), at: Self.now)
            #expect(loss.losses.filter { $0.app == "A" }.map(\.user) == ["by-profile"])
            #expect(loss.replay?.refused == [])
        }
    }

    @Test(arguments: TestBackend.available)
    func aChangeThatCannotNarrowSignInReplaysNothing(backend: TestBackend) async throws {
        try await withScratchStore(backend) { store, _ in
            let seeded = try await preview.seed(store, permittedUsers: .adminApprovedPreauthorized)
            var renamed = seeded.app
            renamed.accessTokenLifetime = PolicyDuration(seconds: 60)
            let impact = try await store.impactPreview(
                of: [.updateApp(before: seeded.app, after: renamed)], basedOn: try await store.loadDirectory(),
                at: Self.now)
            #expect(impact.replay == nil)
            #expect(impact.summary() == "Impact: no user loses access.")
        }
    }
}
