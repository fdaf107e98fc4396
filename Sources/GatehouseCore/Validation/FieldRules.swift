import Foundation

/// The syntax rules for single fields, shared by config, CLI and API input.
public enum FieldRules {
    /// A display name of a profile, permission set or app: not blank, at most 100 characters.
    public static func checkName(_ name: String, at path: String, into report: inout ValidationReport) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            report.add(path, "must not be empty")
        } else if name.count > 100 {
            report.add(path, "must be at most 100 characters")
        } else if trimmed != name {
            report.add(path, "\(quoted(name)) must not start or end with spaces")
        }
    }

    private static let usernameCharacters = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@+-")

    /// Usernames: 1–128 of `A–Z a–z 0–9 . _ @ + -`; unique regardless of case.
    public static func checkUsername(_ username: String, at path: String, into report: inout ValidationReport) {
        if username.isEmpty || username.count > 128 {
            report.add(path, "must be 1 to 128 characters")
        } else if !username.unicodeScalars.allSatisfy(usernameCharacters.contains) {
            report.add(path, "\(quoted(username)) may contain only letters, digits and . _ @ + -")
        }
    }

    public static func checkEmail(_ email: String, at path: String, into report: inout ValidationReport) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let isPlausible =
            parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !email.contains(where: { $0.isWhitespace }) && email.count <= 254
        if !isPlausible { report.add(path, "\(quoted(email)) is not an email address") }
    }

    /// RFC 6749 §2.2 leaves the client identifier's syntax open; we keep it to URL-safe characters so that it
    /// reads the same in a form, a query string and HTTP Basic credentials. Nor may it be shaped like a UUID: those
    /// are user ids, and the `sub` of an app's own token (its client id) must never read as a user's.
    public static func checkClientID(_ clientID: String, at path: String, into report: inout ValidationReport) {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-")
        if clientID.isEmpty || clientID.count > 128 {
            report.add(path, "must be 1 to 128 characters")
        } else if !clientID.unicodeScalars.allSatisfy(allowed.contains) {
            report.add(path, "\(quoted(clientID)) may contain only letters, digits and . _ ~ -")
        } else if UUID(uuidString: clientID) != nil {
            report.add(path, "\(quoted(clientID)) is shaped like a user id (a UUID); choose another client id")
        }
    }

    /// RFC 6749 §3.3: `scope-token = 1*( %x21 / %x23-5B / %x5D-7E )`.
    public static func checkScope(_ scope: String, at path: String, into report: inout ValidationReport) {
        let isValid =
            !scope.isEmpty
            && scope.unicodeScalars.allSatisfy { scalar in
                scalar.value == 0x21 || (0x23...0x5B).contains(scalar.value) || (0x5D...0x7E).contains(scalar.value)
            }
        if !isValid {
            report.add(
                path,
                "\(quoted(scope)) is not a valid scope (RFC 6749 §3.3: printable ASCII, no spaces, quotes or backslashes)"
            )
        }
    }

    /// A redirection endpoint (RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §2.1): absolute, no fragment, no wildcard;
    /// https, or http on a loopback host, or a private-use scheme of a native app (`com.example.app:/cb`).
    public static func checkCallbackURL(_ text: String, at path: String, into report: inout ValidationReport) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            !text.contains(where: { $0.isWhitespace })
        else {
            report.add(path, "\(quoted(text)) is not an absolute URL")
            return
        }
        if components.fragment != nil {
            report.add(path, "\(quoted(text)) must not contain a fragment (RFC 6749 §3.1.2)")
        } else if text.contains("*") {
            report.add(path, "\(quoted(text)) must not contain a wildcard: callback URLs are matched exactly")
        } else if scheme == "https" || scheme == "http" {
            guard let host = components.host, !host.isEmpty else {
                report.add(path, "\(quoted(text)) has no host")
                return
            }
            if scheme == "http" && !isLoopback(host: host) {
                report.add(path, "\(quoted(text)) must use https (http is allowed only for loopback hosts)")
            }
        } else if !scheme.contains(".") {
            report.add(
                path,
                "\(quoted(text)) must use https, http on a loopback host, or a private-use scheme such as com.example.app:/callback"
            )
        }
    }

    /// Whether `host` is a literal loopback IP address: `127.0.0.0/8` in dotted decimal or `[::1]` (RFC 8252 §7.3,
    /// §8.3). A name is never loopback, not even `localhost` (§8.3: it may resolve elsewhere, and a host like
    /// `127.evil.example` is anyone's).
    public static func isLoopback(host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "::1" || bare == "0:0:0:0:0:0:0:1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber)
                && (Int(octet) ?? 256) <= 255
        }
    }

    public static func checkLifetime(
        _ duration: PolicyDuration, within range: ClosedRange<Int64>, at path: String,
        into report: inout ValidationReport
    ) {
        if !range.contains(duration.seconds) {
            report.add(
                path,
                "\(duration) is out of range (\(PolicyDuration(seconds: range.lowerBound)) to \(PolicyDuration(seconds: range.upperBound)))"
            )
        }
    }

    /// `"text"`, the way errors quote input.
    public static func quoted(_ text: String) -> String { "\"\(text)\"" }
}
