import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage
import NIOHTTP1

/// `gatehouse keys …`
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and rotate the keys that sign ID tokens and JWT access tokens.",
        discussion: """
            Private keys are stored encrypted under the master key. Every key that may still verify a live token is
            published at /jwks with its kid.
            """,
        subcommands: [ListKeys.self, RotateKey.self])
}

extension SigningAlgorithm: ExpressibleByArgument {}

struct ListKeys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List signing keys and their schedule.")
    @OptionGroup var storage: StorageOptions

    func run() async throws {
        let keys = try await AdminTarget.run(storage) { target -> [SigningKeyView] in
            switch target {
            case .database(let session):
                let now = Date()
                return try await session.admin.signingKeys().keys.map { SigningKeyView($0, at: now) }
            case .server(let server):
                struct Keys: Decodable { var items: [SigningKeyView] }
                let keys: Keys = try await server.api.get("keys")
                return keys.items
            }
        }
        for key in keys {
            let state =
                switch key.state {
                case "published": "published, signs from \(key.activatesAt)"
                case "retired": "retired, published until \(key.expiresAt ?? "?")"
                default: key.state
                }
            emit("\(key.kid)\t\(key.algorithm)\tcreated \(key.createdAt)\t\(state)")
        }
    }
}

struct RotateKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Add a new signing key that is published before it signs.",
        discussion: """
            The new key is published at once and starts signing after --publish-for (default 10m, longer than the
            5-minute JWKS cache lifetime), so validators fetch it before they see a token it signed. The key it
            replaces stops signing then and stays published for a day more, the longest any token it signed lives.
            """)
    @OptionGroup var storage: StorageOptions
    @Option(help: "RS256 (ID tokens) or ES256 (JWT access tokens); both when omitted.") var algorithm: SigningAlgorithm?
    @Option(help: "How long the new key is published before it signs, e.g. 10m; 0s signs at once.")
    var publishFor = PolicyDuration(seconds: 600)

    func validate() throws {
        // The admin API's limit too: a key held back longer is a mistake, not a plan.
        if publishFor.seconds > 30 * 86_400 { throw ValidationError("--publish-for must be at most 30d") }
    }

    func run() async throws {
        let created = try await AdminTarget.run(storage) { target -> [SigningKeyView] in
            switch target {
            case .database(let session):
                let now = Date()
                return try await session.admin.rotateSigningKeys(
                    algorithm, publicationDelay: Double(publishFor.seconds)
                ).map { SigningKeyView($0, at: now) }
            case .server(let server):
                struct Keys: Decodable { var items: [SigningKeyView] }
                let reply = try await server.api.request(
                    .POST, "keys/rotate", [("algorithm", algorithm?.rawValue), ("publishFor", publishFor.description)])
                return try reply.decode(Keys.self).items
            }
        }
        for key in created {
            emit("+ \(key.algorithm) key \(key.kid): published now, signs from \(key.activatesAt)")
        }
    }
}
