import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseConfig
import NIOHTTP1

/// `gatehouse export`: writes the directory as a config file.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write profiles, permission sets, users and apps as a YAML file that apply accepts.",
        discussion: """
            Passwords and client secrets are never written in clear: users carry passwordHash and apps
            clientSecretHashes. Secret hashes are keyed with the master key, so an export restores secrets only on
            an instance that uses the same master key; elsewhere, give clientSecret instead.
            """)

    @OptionGroup var storage: StorageOptions

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let yaml = try await AdminTarget.run(storage) { target in
            switch target {
            case .database(let session): try await session.admin.export()
            case .server(let server):
                try await server.exportYAML()
            }
        }
        if let output {
            guard
                FileManager.default.createFile(
                    atPath: output, contents: Data(yaml.utf8), attributes: [.posixPermissions: 0o600])
            else { throw CommandFailure("cannot write \(output)") }
        } else {
            print(yaml, terminator: "")
        }
    }
}
