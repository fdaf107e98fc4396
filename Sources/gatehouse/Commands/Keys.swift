import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import GatehouseStorage

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
        try await AdminSession.run(storage) { session in
            let ring = try await session.admin.signingKeys()
            let now = Date()
            let formatter = ISO8601DateFormatter()
            for key in ring.keys {
                let state =
                    key.isSigning(at: now)
                    ? "signing"
                    : key.activatesAt > now
                        ? "published, signs from \(formatter.string(from: key.activatesAt))"
                        : key.isPublished(at: now)
                            ? "retired, published until \(key.expiresAt.map(formatter.string) ?? "?")" : "expired"
                emit(
                    "\(key.key.kid)\t\(key.key.algorithm.rawValue)\tcreated \(formatter.string(from: key.createdAt))\t\(state)"
                )
            }
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

    func run() async throws {
        try await AdminSession.run(storage) { session in
            let created = try await session.admin.rotateSigningKeys(
                algorithm, publicationDelay: Double(publishFor.seconds))
            let formatter = ISO8601DateFormatter()
            for key in created {
                emit(
                    "+ \(key.key.algorithm.rawValue) key \(key.key.kid): published now, signs from \(formatter.string(from: key.activatesAt))"
                )
            }
        }
    }
}
