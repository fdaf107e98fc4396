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
        let reexported = try await withScratchStore(backend) { store, _ in
            let base = try await store.loadDirectory()
            let plan = try planner.plan(try ConfigReader.read(yaml: exported), against: base)
            try await store.commit(plan.changes, basedOn: base, actor: AuditActor(name: "t"), at: Date())
            return try ConfigExporter.export(try await store.loadDirectory())
        }
        #expect(reexported == exported)
    }
}
