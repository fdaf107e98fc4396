import Foundation
import GatehouseTestSupport
import Synchronization

/// Runs the built `gatehouse` executable as a user would, against one scratch database.
struct CLIRunner: Sendable {
    let database: ScratchDatabase

    struct Outcome: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The executable beside the test bundle (scripts/test builds it first).
    static var executable: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug")
                .standardized,
        ]
        for directory in candidates {
            let url = directory.appendingPathComponent("gatehouse")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates[0].appendingPathComponent("gatehouse")
    }

    /// This process's environment, read once.
    private static let inherited = ProcessInfo.processInfo.environment

    static var environment: [String: String] {
        var environment = inherited
        environment["GATEHOUSE_MASTER_KEY"] = testMasterKeyBase64
        environment["USER"] = "tester"
        return environment
    }

    /// Runs `gatehouse ARGUMENTS --database …` and waits for it.
    @discardableResult
    func run(_ arguments: [String], input: String? = nil) async throws -> Outcome {
        try await Self.execute(
            arguments + ["--database", database.argument], environment: Self.environment, input: input)
    }

    /// Runs `gatehouse ARGUMENTS` with `environment` and waits for it on a thread of its own: a test waiting on the
    /// Swift concurrency pool (two threads on two cores) would stall every other test of the process meanwhile —
    /// their database pools time out waiting for a thread, not for the database.
    static func execute(_ arguments: [String], environment: [String: String], input: String? = nil) async throws
        -> Outcome
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try executeBlocking(arguments, environment: environment, input: input) })
            }.start()
        }
    }

    private static func executeBlocking(_ arguments: [String], environment: [String: String], input: String?)
        throws -> Outcome
    {
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        let process = ChildProcess(
            executable, arguments, environment: environment,
            standardInput: .pipe(stdin), standardOutput: .pipe(stdout), standardError: .pipe(stderr))
        try launch(process)
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}

/// Runs `body` with a CLI runner on a fresh database of `backend`.
func withCLI<Result: Sendable>(_ backend: TestBackend, _ body: (CLIRunner) async throws -> Result) async throws
    -> Result
{
    try await PostgresTestGate.shared.withPermit(for: backend) { try await withCLIDatabase(backend, body) }
}

private func withCLIDatabase<Result: Sendable>(
    _ backend: TestBackend, _ body: (CLIRunner) async throws -> Result
) async throws -> Result {
    let database = try await ScratchDatabase.create(backend)
    do {
        let result = try await body(CLIRunner(database: database))
        await database.remove()
        return result
    } catch {
        await database.remove()
        throw error
    }
}

/// Every test launches through here, one launch at a time (``ChildProcess``, not Foundation's `Process`, whose
/// `run()` crashes intermittently on Linux).
private let launches = Mutex(())

func launch(_ process: ChildProcess) throws {
    try launches.withLock { _ in try process.run() }
}
