import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore
import NIOHTTP1

/// `gatehouse apply FILE`: makes the directory match a config file.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and update profiles, permission sets, users and apps from a YAML file.",
        discussion: """
            Before changing anything, apply prints who would lose access (and how many live grants would end); it never
            asks for confirmation, since the file is the reviewed change. The file's format is described in
            docs/configuration.md. apply creates what is missing and updates what
            differs; it never deletes. It runs in one transaction: a file with any error changes nothing, and every
            error names its path in the file (users[3].profile: no profile named "Sales"). Applying the same file
            twice reports no changes the second time. Secrets generated for new confidential apps are printed once.
            """)

    @OptionGroup var storage: StorageOptions

    @Argument(help: ArgumentHelp("The YAML file to apply; - reads standard input.", valueName: "file"))
    var file: String

    @Flag(help: "Print the plan and change nothing.")
    var dryRun = false

    func run() async throws {
        let text = try readInput(file)
        // Read here on both paths: a document that cannot be read fails with its paths before anything is sent.
        let document = try ConfigReader.read(yaml: text)
        try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session): try await apply(document, session)
            case .server(let server): try await apply(text, server)
            }
        }
    }

    private func apply(_ document: ConfigDocument, _ session: AdminSession) async throws {
        let prepared = try await session.admin.planApply(document)
        if prepared.change.isEmpty {
            emit("No changes.")
            return
        }
        if dryRun {
            emit("Plan (dry run, nothing changed):")
            for change in prepared.change.changes {
                emit(change.summary(before: prepared.change.base, after: prepared.result))
            }
            emit(prepared.change.impact.summary())
            return
        }
        try await session.commit(prepared.change)
        printSecrets(prepared.generatedSecrets.map { ($0.app, $0.clientID, $0.secret) })
    }

    /// The document sent as it was written: one request, planned and stored in one transaction on the server.
    private func apply(_ text: String, _ server: RemoteAdmin) async throws {
        let reply: ChangeReply = try await server.api.request(
            .POST, "config", dryRun ? [("dryRun", "true")] : [],
            body: (contentType: "application/yaml", data: Data(text.utf8))
        ).decode()
        if reply.changes.isEmpty {
            emit("No changes.")
            return
        }
        let impact = reply.impact.accessImpact
        if dryRun {
            emit("Plan (dry run, nothing changed):")
            for change in reply.changes { emit(change) }
            emit(impact.summary())
            return
        }
        if !impact.isEmpty { emit(impact.summary()) }
        for change in reply.changes { emit(change) }
        printSecrets((reply.generatedSecrets ?? []).map { ($0.app, $0.clientId, $0.clientSecret) })
    }

    private func printSecrets(_ secrets: [(app: String, clientID: String, secret: String)]) {
        for generated in secrets {
            emit(
                "Client secret for \"\(generated.app)\" (client id \(generated.clientID)), shown once: \(generated.secret)"
            )
        }
    }
}

/// The contents of a file, or of standard input for `-`.
func readInput(_ path: String) throws -> String {
    if path == "-" {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }
    do {
        return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        throw CommandFailure("cannot read \(path): \(error.localizedDescription)")
    }
}
