import ArgumentParser
import Foundation
import GatehouseCore

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
        try await AdminSession.run(storage, users: [username]) { session in
            guard session.directory.user(named: username) == nil else {
                throw CommandFailure("a user named \"\(username)\" already exists")
            }
            let user = User(
                username: username, email: email, displayName: displayName, isActive: !inactive,
                passwordHash: try password.map { try PasswordHasher.standard.hash($0) },
                profile: try session.profile(profile).id,
                permissionSets: Set(try permissionSets.map { try session.permissionSet($0).id }))
            try ValidationFailure.check { report in
                user.validate(at: "", into: &report)
                if let password { PasswordRules.check(password, at: "password", into: &report) }
            }
            try await session.commit([.createUser(user)])
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
