import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStorage

/// The options every command shares: which database and master key, or which server to administer through its admin
/// API instead.
struct StorageOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Administer this Gatehouse through its admin API instead of opening a database.",
            discussion: """
                Defaults to $GATEHOUSE_SERVER. Needs a token carrying the scope gatehouse.admin: $GATEHOUSE_TOKEN, or \
                $GATEHOUSE_CLIENT_ID and $GATEHOUSE_CLIENT_SECRET of an app allowed client credentials (its run-as \
                user's admin permissions apply).
                """, valueName: "url"))
    var server: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where to store: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE.",
            discussion: "Defaults to $GATEHOUSE_DATABASE, then sqlite:./gatehouse.sqlite.", valueName: "location"))
    var database: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The master key file (created on first use if missing).",
            discussion:
                "Ignored when $GATEHOUSE_MASTER_KEY is set. Defaults to $GATEHOUSE_KEY_FILE, then PATH.key beside the SQLite file, or ./gatehouse.key.",
            valueName: "path"))
    var keyFile: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The server to administer, when one is named (`--server`, then `$GATEHOUSE_SERVER`); nil: the database.
    var serverURL: String? {
        guard let text = server ?? environment["GATEHOUSE_SERVER"], !text.isEmpty else { return nil }
        return text
    }

    func location() throws -> DatabaseLocation {
        guard let text = database ?? environment["GATEHOUSE_DATABASE"] else { return .defaultLocation }
        return try DatabaseLocation(parsing: text)
    }

    /// The master key: from the environment, or from the key file, which is created (mode 0600) if missing.
    func masterKey(for location: DatabaseLocation) throws -> MasterKey {
        if let text = environment["GATEHOUSE_MASTER_KEY"] { return try MasterKey(base64: text) }
        let path: String
        if let explicit = keyFile ?? environment["GATEHOUSE_KEY_FILE"] {
            path = explicit
        } else if case .sqlite(let databasePath) = location {
            path = databasePath + ".key"
        } else {
            path = "./gatehouse.key"
        }
        if let text = try? String(contentsOfFile: path, encoding: .utf8) { return try MasterKey(base64: text) }
        let (key, base64) = MasterKey.generate()
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((base64 + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw CommandFailure("cannot create the master key file at \(path)") }
        return key
    }
}

/// A failure a command reports in one sentence.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
