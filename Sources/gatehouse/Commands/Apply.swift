import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseConfig
import GatehouseCore

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
        let document = try ConfigReader.read(yaml: text)
        try await AdminSession.run(storage) { session in
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
            for generated in prepared.generatedSecrets {
                emit(
                    "Client secret for \"\(generated.app)\" (client id \(generated.clientID)), shown once: \(generated.secret)"
                )
            }
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
