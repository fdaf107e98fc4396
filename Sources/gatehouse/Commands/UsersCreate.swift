import ArgumentParser
import Foundation
import GatehouseAdmin
import GatehouseCore
import NIOHTTP1

/// `gatehouse users create`
struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a user.",
        discussion: "Without --password-stdin the user has no password and cannot log in until set-password.")
    @OptionGroup var storage: StorageOptions
    @Argument(help: "The username (unique regardless of case).") var username: String
    @Option(help: "The email address.") var email: String
    @Option(help: "The profile (every user has exactly one).") var profile: String
    @Option(help: "The display name.") var displayName = ""
    @Option(name: .customLong("permission-set"), help: "A permission set to assign (repeatable).")
    var permissionSets: [String] = []
    @Flag(help: "Read the password from standard input (one line).") var passwordStdin = false
    @Flag(help: "Create the user inactive.") var inactive = false

    func run() async throws {
        let password = passwordStdin ? try readPasswordLine() : nil
        try await commitChange(storage) { admin in
            try await admin.createUser(
                NewUser(
                    username: username, email: email, displayName: displayName, isActive: !inactive,
                    password: password, profile: profile, permissionSets: permissionSets))
        } remote: { server in
            // Refused in the order and words of the database path: a name taken, then a name that does not exist.
            if (try? await server.user(named: username)) != nil {
                throw CommandFailure(#"a user named "\#(username)" already exists"#)
            }
            _ = try await server.bundle(.profile, named: profile)
            for set in permissionSets { _ = try await server.bundle(.permissionSet, named: set) }
            var fields: [String: JSONValue] = [
                "username": .string(username), "email": .string(email), "profile": .string(profile),
                "displayName": .string(displayName), "permissionSets": .strings(permissionSets),
                "active": .bool(!inactive),
            ]
            if let password { fields["password"] = .string(password) }
            return try await server.change(.POST, "users", json: .object(fields))
        }
    }
}

/// One line from standard input, without its line ending.
func readPasswordLine() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CommandFailure("expected the password on standard input")
    }
    return line
}
