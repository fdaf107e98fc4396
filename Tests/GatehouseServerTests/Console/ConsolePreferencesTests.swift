import Foundation
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// The console's times in the admin's zone: UTC until chosen on the preferences page, then that zone with its
/// offset, the exact UTC value on hover; the choice needs the page's form token and a zone from the list.
@Suite struct ConsolePreferencesTests {
    @Test func timesAreShownInTheChosenZoneWithTheUTCValueOnHover() async throws {
        try await ServerFixture.run(.sqlite) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            try await server.store.appendLoginEvents([
                LoginEvent(
                    occurredAt: Date(timeIntervalSince1970: 1_780_000_000), username: "zed", flow: .refresh,
                    result: .allowed, traceID: "zone-trace")
            ])
            // 2026-05-28 20:26:40 UTC.
            let utc = try await browser.get("/admin/login-history?user=zed")
            #expect(utc.body.contains("Times in UTC</a>"), "\(utc.body)")
            #expect(
                utc.body.contains(#"title="2026-05-28 20:26:40 UTC">2026-05-28 20:26 UTC</time>"#), "\(utc.body)")

            let preferences = try await browser.get("/admin/preferences")
            #expect(preferences.status == 200)
            #expect(preferences.body.contains(#"<option value="UTC" selected>UTC</option>"#))
            var form = try requireValue(preferences.form(containing: #"action="/admin/preferences""#))
            form["zone"] = "Asia/Kolkata"
            let saved = try await browser.post("/admin/preferences", form: form)
            #expect(saved.status == 303 && saved.headers[.location] == "/admin/preferences?saved", "\(saved.body)")
            let confirmed = try await browser.get("/admin/preferences?saved")
            #expect(confirmed.body.contains("Saved: times are shown in Asia/Kolkata."))
            #expect(confirmed.body.contains(#"<option value="Asia/Kolkata" selected>"#))

            let local = try await browser.get("/admin/login-history?user=zed")
            #expect(local.body.contains("Times in Asia/Kolkata</a>"))
            #expect(
                local.body.contains(#"title="2026-05-28 20:26:40 UTC">2026-05-29 01:56 UTC+5:30</time>"#),
                "\(local.body)")

            // Daylight saving: New York is UTC-4 in May, UTC-5 in December.
            form["zone"] = "America/New_York"
            _ = try await browser.post("/admin/preferences", form: form)
            #expect(try await browser.get("/admin/login-history?user=zed").body.contains(">2026-05-28 16:26 UTC-4<"))
        }
    }

    @Test func aForgedOrUnknownChoiceChangesNothing() async throws {
        try await ServerFixture.run(.sqlite) { server in
            let (browser, _) = try await ConsoleUsersTests.managing(server)
            let preferences = try await browser.get("/admin/preferences")
            var form = try requireValue(preferences.form(containing: #"action="/admin/preferences""#))

            form["zone"] = "Europe/Paris"
            var forged = form
            forged["csrf"] = "not-the-token"
            let expired = try await browser.post("/admin/preferences", form: forged)
            #expect(expired.status == 403 && browser.cookies["gh_console_tz"] == nil, "\(expired.body)")

            for bad in ["Mars/Olympus_Mons", "../../etc/passwd", "", "Europe/Paris\r\nSet-Cookie: x=y"] {
                form["zone"] = bad
                let refused = try await browser.post("/admin/preferences", form: form)
                #expect(refused.status == 400 && refused.body.contains("Choose a time zone from the list."), "\(bad)")
                #expect(browser.cookies["gh_console_tz"] == nil)
            }

            // A cookie naming no known zone (set by hand) is ignored: times stay in UTC.
            browser.cookies["gh_console_tz"] = "Nowhere/Atlantis"
            #expect(try await browser.get("/admin").body.contains("Times in UTC</a>"))
        }
    }
}
