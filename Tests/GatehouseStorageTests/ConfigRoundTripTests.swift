import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseStorage
import GatehouseTestSupport
import Testing

/// `apply` of the documented example, `export`, and `apply` of the export on a second empty database give the
/// same state, on every backend.
@Suite struct ConfigRoundTripTests {
    @Test(arguments: TestBackend.available)
    func exampleApplyExportApplyGivesTheSameState(backend: TestBackend) async throws {
        let examplePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/examples/deduper.yaml").standardized.path
        let document = try ConfigReader.read(yaml: try String(contentsOfFile: examplePath, encoding: .utf8))
        let planner = ConfigPlanner(
            secretHasher: SecretHasher(masterKey: testMasterKey), passwordHasher: .forTesting, now: Date())

        let exported = try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let plan = try planner.plan(document, against: base)
            try await store.commit(plan.changes, basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let stored = try await store.loadDirectory()
            #expect(try planner.plan(document, against: stored).changes.isEmpty, "a second apply changes nothing")
            return try ConfigExporter.export(stored)
        }
        #expect(try await ConfigRoundTripTests.exportAfterApplying(exported, planner, backend) == exported)
    }

    /// `yaml` applied to an empty database of `backend`, then exported.
    static func exportAfterApplying(_ yaml: String, _ planner: ConfigPlanner, _ backend: TestBackend) async throws
        -> String
    {
        try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let plan = try planner.plan(try ConfigReader.read(yaml: yaml), against: base)
            try await store.commit(plan.changes, basedOn: base, actor: AuditActor(name: "t"), at: Date())
            return try ConfigExporter.export(try await store.loadDirectory())
        }
    }
}

/// The sign-in policies of the config contract (issue 13): read, stored, exported and read back the same on every
/// backend; what cannot be read is reported at its path.
@Suite struct LoginRestrictionConfigTests {
    static let document = """
        profiles:
          - name: Sales User
            loginIpRanges: [10.0.0.0/8, "2001:db8::/32", 10.1.2.3/8]
            loginHours: {timeZone: Europe/Paris, monday: "08:00-18:00", tuesday: "08:00-12:00,13:00-18:00"}
            requireSecondFactor: true
          - name: Night Shift
            loginHours: {timeZone: UTC, sunday: "00:00-24:00"}
        connectedApps:
          - name: Deduper
            clientId: deduper
            callbackUrls: [https://d.example/cb]
            ipRelaxation: enforce-relax-refresh
            trustedIpRanges: [192.0.2.0/24]
            sessionTimeout: 2h
            highAssurance: raise-session-level
            customAttributes: [{name: department, value: Sales}, {name: mail, field: email}, {name: "on", value: "yes"}]
        """

    @Test(arguments: TestBackend.available)
    func policiesRoundTripThroughTheDatabase(backend: TestBackend) async throws {
        let planner = ConfigPlanner(
            secretHasher: SecretHasher(masterKey: testMasterKey), passwordHasher: .forTesting, now: Date())
        let document = try ConfigReader.read(yaml: Self.document)
        let exported = try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let plan = try planner.plan(document, against: base)
            try await store.commit(plan.changes, basedOn: base, actor: AuditActor(name: "t"), at: Date())
            let stored = try await store.loadDirectory()
            let sales = try #require(stored.profile(named: "Sales User"))
            #expect(sales.loginIPRanges.map(\.description) == ["10.0.0.0/8", "2001:db8::/32"], "kept once each")
            #expect(
                sales.loginHours?.description == "Europe/Paris monday 08:00-18:00, tuesday 08:00-12:00 and 13:00-18:00")
            #expect(try #require(stored.profile(named: "Night Shift")).loginHours?.timeZoneName == "UTC")
            let app = try #require(stored.app(named: "Deduper"))
            #expect(app.ipRelaxation == .enforceRelaxRefresh)
            #expect(app.trustedIPRanges.map(\.description) == ["192.0.2.0/24"])
            #expect(app.sessionTimeout == PolicyDuration(seconds: 7_200))
            #expect(app.highAssurance == .raiseSessionLevel && sales.requireSecondFactor)
            #expect(
                app.customAttributes == [
                    CustomAttribute(name: "department", source: .value("Sales")),
                    CustomAttribute(name: "mail", source: .field(.email)),
                    CustomAttribute(name: "on", source: .value("yes")),
                ])
            #expect(try planner.plan(document, against: stored).changes.isEmpty, "a second apply changes nothing")
            for (bad, message) in [
                ("[{name: email, value: x}]", "registered claim"), ("[{name: x}]", "needs a value"),
                ("[{name: x, value: a, field: email}]", "not both"), ("[{name: x, field: salary}]", "salary"),
                ("[{name: 9x, value: a}]", "not starting with a digit"),
                ("[{name: x, value: a}, {name: x, value: b}]", "named twice"),
            ] {
                #expect(throws: ValidationFailure.self, "\(bad)") {
                    do {
                        let refused = try ConfigReader.read(
                            yaml: "connectedApps:\n  - {name: Deduper, customAttributes: \(bad)}\n")
                        _ = try planner.plan(refused, against: stored)
                    } catch let failure as ValidationFailure {
                        #expect(failure.issues.contains { $0.description.contains(message) }, "\(failure.issues)")
                        throw failure
                    }
                }
            }

            // `loginHours: null` and an empty list lift the restrictions.
            let lifted = try ConfigReader.read(
                yaml: "profiles:\n  - {name: Night Shift, loginHours: null, loginIpRanges: []}\n")
            let liftPlan = try planner.plan(lifted, against: stored)
            try await store.commit(liftPlan.changes, basedOn: stored, actor: AuditActor(name: "t"), at: Date())
            let after = try await store.loadDirectory()
            #expect(try #require(after.profile(named: "Night Shift")).loginHours == nil)
            let untimed = try ConfigReader.read(yaml: "connectedApps:\n  - {name: Deduper, sessionTimeout: null}\n")
            #expect(try planner.plan(untimed, against: after).changes.count == 1, "null lifts the session timeout")
            for bad in ["30s", "31d", "soon"] {
                #expect(throws: (any Error).self, "\(bad)") {
                    let refused = try ConfigReader.read(
                        yaml: "connectedApps:\n  - {name: Deduper, sessionTimeout: \(bad)}\n")
                    _ = try planner.plan(refused, against: after)
                }
            }
            let restored = try planner.plan(document, against: after)
            try await store.commit(restored.changes, basedOn: after, actor: AuditActor(name: "t"), at: Date())
            return try ConfigExporter.export(try await store.loadDirectory())
        }
        #expect(exported.contains("loginIpRanges: [10.0.0.0/8, '2001:db8::/32']"))
        #expect(exported.contains("timeZone: Europe/Paris"))
        #expect(exported.contains("tuesday: 08:00-12:00,13:00-18:00"))
        #expect(exported.contains("ipRelaxation: enforce-relax-refresh"))
        #expect(exported.contains("trustedIpRanges: [192.0.2.0/24]"))
        #expect(exported.contains("sessionTimeout: 2h"))
        #expect(exported.contains("sessionTimeout: null"), "an app without one says so")
        #expect(
            exported.contains("highAssurance: raise-session-level") && exported.contains("requireSecondFactor: true"))
        #expect(exported.contains("name: department") && exported.contains("field: email"))
        #expect(try await ConfigRoundTripTests.exportAfterApplying(exported, planner, backend) == exported)
    }

    /// A JSON merge patch (RFC 7396) of `loginHours` merges its members: a day given is set, a day `null` deleted,
    /// the others kept; `loginHours: null` lifts them all.
    @Test func aMergePatchOfLoginHoursMergesItsMembers() throws {
        let planner = ConfigPlanner(
            secretHasher: SecretHasher(masterKey: testMasterKey), passwordHasher: .forTesting, now: Date())
        let document = try ConfigReader.read(yaml: Self.document)
        let directory = try Directory().applying(try planner.plan(document, against: Directory()).changes)
        let sales = try #require(directory.profile(named: "Sales User"))
        func patched(_ json: String) throws -> Profile {
            try planner.edit(
                sales,
                with: {
                    var spec = try ConfigReader.profile(json: Data(json.utf8), patch: true)
                    spec.name = sales.name
                    return spec
                }(),
                in: directory)
        }
        let friday = try patched(#"{"loginHours": {"friday": "09:00-17:00", "monday": null}}"#)
        #expect(
            friday.loginHours?.description == "Europe/Paris tuesday 08:00-12:00 and 13:00-18:00, friday 09:00-17:00")
        let moved = try patched(#"{"loginHours": {"timeZone": "America/New_York"}}"#)
        #expect(moved.loginHours?.timeZoneName == "America/New_York")
        #expect(moved.loginHours?.days == sales.loginHours?.days)
        #expect(try patched(#"{"loginHours": null}"#).loginHours == nil)
        #expect(try patched(#"{"loginIpRanges": null}"#).loginIPRanges.isEmpty)
        #expect(throws: ValidationFailure.self) { try patched(#"{"loginHours": {"timeZone": null}}"#) }
        #expect(throws: ValidationFailure.self) { try patched(#"{"loginHours": {"monday": "8-9"}}"#) }
        let none = try #require(directory.profile(named: "Sales User"))
        var bare = none
        bare.loginHours = nil
        var spec = try ConfigReader.profile(json: Data(#"{"loginHours": {"monday": "08:00-09:00"}}"#.utf8), patch: true)
        spec.name = bare.name
        #expect(throws: ValidationFailure.self, "no time zone yet") {
            try planner.edit(bare, with: spec, in: directory)
        }
    }

    @Test func whatCannotBeReadIsReportedAtItsPath() {
        let cases: [(String, String, String)] = [
            ("profiles:\n  - {name: P, loginIpRanges: [10.0.0.0/33]}\n", "profiles[0].loginIpRanges[0]", "not valid"),
            ("profiles:\n  - {name: P, loginIpRanges: 10.0.0.0/8}\n", "profiles[0].loginIpRanges", "must be a list"),
            (
                "profiles:\n  - {name: P, loginHours: {monday: \"08:00-18:00\"}}\n", "profiles[0].loginHours.timeZone",
                "is required"
            ),
            (
                "profiles:\n  - {name: P, loginHours: {timeZone: Mars/Olympus}}\n", "profiles[0].loginHours.timeZone",
                "not valid"
            ),
            (
                "profiles:\n  - {name: P, loginHours: {timeZone: UTC, monday: \"18:00-08:00\"}}\n",
                "profiles[0].loginHours.monday", "not valid"
            ),
            (
                "profiles:\n  - {name: P, loginHours: {timeZone: UTC, monday: \"08:00-12:00,11:00-13:00\"}}\n",
                "profiles[0].loginHours.monday", "overlap"
            ),
            (
                "profiles:\n  - {name: P, loginHours: {timeZone: UTC, someday: \"08:00-12:00\"}}\n",
                "profiles[0].loginHours.someday", "unknown key"
            ),
            (
                "permissionSets:\n  - {name: S, loginIpRanges: [10.0.0.0/8]}\n", "permissionSets[0].loginIpRanges",
                "unknown key"
            ),
            ("connectedApps:\n  - {name: A, ipRelaxation: bypass}\n", "connectedApps[0].ipRelaxation", "not valid"),
            (
                "connectedApps:\n  - {name: A, trustedIpRanges: [\"nope\"]}\n", "connectedApps[0].trustedIpRanges[0]",
                "not valid"
            ),
        ]
        for (yaml, path, message) in cases {
            do {
                _ = try ConfigReader.read(yaml: yaml)
                Issue.record("\(yaml) was read")
            } catch {
                #expect(
                    error.issues.contains { $0.path == path && $0.message.contains(message) },
                    "\(yaml): \(error.issues)")
            }
        }
    }
}
