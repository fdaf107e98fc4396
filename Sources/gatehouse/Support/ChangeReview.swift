import ArgumentParser
import Foundation

/// How a change that can remove access is reviewed before it is stored.
enum ChangeReview: Equatable {
    /// Show who would lose access, change nothing.
    case dryRun
    /// Show who would lose access and, on a terminal, ask before storing.
    case confirm
    /// Show who would lose access and store (`--yes`, `apply`, and commands that cannot remove access).
    case proceed
}

/// `--dry-run` and `--yes` for imperative commands that can remove access.
struct ReviewOptions: ParsableArguments {
    @Flag(help: "Show the change and who would lose access (and how many live grants would end); change nothing.")
    var dryRun = false
    @Flag(name: [.customShort("y"), .long], help: "Do not ask for confirmation when users would lose access.")
    var yes = false

    var review: ChangeReview { dryRun ? .dryRun : (yes ? .proceed : .confirm) }
}

/// The controlling terminal, for confirmations. Without one (scripts, CI) there is nobody to ask: the command goes
/// ahead, as `--yes` would.
enum Terminal {
    static func confirm(_ question: String) -> Bool {
        guard isatty(STDIN_FILENO) == 1 else { return true }
        FileHandle.standardOutput.write(Data("\(question) [y/N] ".utf8))
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
