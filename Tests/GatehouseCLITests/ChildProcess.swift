import Foundation
import Glibc
import Synchronization

/// A child process started with `posix_spawn`, for the tests that run the `gatehouse` executable. Not Foundation's
/// `Process`: its `run()` on Linux (Swift 6.3.1) crashes intermittently in a buffer over-read while it lists
/// /proc/self/fd (swift-corelibs-foundation#5472), which took down the whole test process once in a few runs.
/// The child gets exactly stdin, stdout and stderr: every other descriptor is closed in it, so a long-lived child
/// cannot hold another test's pipe open.
final class ChildProcess: Sendable {
    enum IO: Sendable {
        case pipe(Pipe)
        case file(FileHandle)
        case null
    }

    enum TerminationReason: Sendable, Equatable {
        case exit
        case uncaughtSignal
    }

    let executable: URL
    let arguments: [String]
    let environment: [String: String]
    let standardInput: IO
    let standardOutput: IO
    let standardError: IO
    private let state = Mutex<(pid: pid_t, status: Int32?)>((0, nil))

    init(
        _ executable: URL, _ arguments: [String], environment: [String: String], standardInput: IO = .null,
        standardOutput: IO = .null, standardError: IO = .null
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    var processIdentifier: pid_t { state.withLock { $0.pid } }

    func run() throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func wire(_ io: IO, to target: Int32, childReads: Bool) {
            switch io {
            case .pipe(let pipe):
                let end = childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
            case .file(let handle): posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0)
            }
        }
        wire(standardInput, to: 0, childReads: true)
        wire(standardOutput, to: 1, childReads: false)
        wire(standardError, to: 2, childReads: false)
        _ = closeFrom(&actions, 3)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        // The child starts with no signal blocked and every signal at its default, whatever this thread has.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "posix_spawn failed: \(spawned)"])
        }
        state.withLock { $0.pid = pid }
        // The parent's copies of the child's ends: closed, so that the child's exit (or the parent's close of
        // stdin) is seen as end-of-file.
        if case .pipe(let pipe) = standardInput { try? pipe.fileHandleForReading.close() }
        if case .pipe(let pipe) = standardOutput { try? pipe.fileHandleForWriting.close() }
        if case .pipe(let pipe) = standardError { try? pipe.fileHandleForWriting.close() }
    }

    func waitUntilExit() {
        let pid = processIdentifier
        guard state.withLock({ $0.status }) == nil else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        state.withLock { $0.status = status }
    }

    var isRunning: Bool {
        state.withLock { state in
            guard state.status == nil else { return false }
            var status: Int32 = 0
            guard waitpid(state.pid, &status, WNOHANG) == state.pid else { return true }
            state.status = status
            return false
        }
    }

    func terminate() { kill(processIdentifier, SIGTERM) }

    private var rawStatus: Int32 { state.withLock { $0.status } ?? 0 }
    var terminationReason: TerminationReason { rawStatus & 0x7f == 0 ? .exit : .uncaughtSignal }
    /// The exit status, or the signal that ended the child.
    var terminationStatus: Int32 { rawStatus & 0x7f == 0 ? (rawStatus >> 8) & 0xff : rawStatus & 0x7f }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which the Glibc module does not import.
private let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
    else { fatalError("glibc 2.34 or later is needed (posix_spawn_file_actions_addclosefrom_np)") }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()
