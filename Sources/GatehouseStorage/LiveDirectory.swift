import Foundation
import GatehouseCore
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The newest value of something every request reads, held in memory so that request paths never query the
/// database for it.
public final class Live<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    public init(_ value: Value) { self.value = Mutex(value) }

    public var current: Value { value.withLock { $0 } }

    public func replace(with newValue: Value) { value.withLock { $0 = newValue } }

    /// Changes the value in place, under the lock.
    public func modify(_ change: (inout Value) -> Void) { value.withLock { change(&$0) } }
}

/// What a server holds of the directory (ADR 8): apps, profiles and permission sets whole, as one snapshot value, so
/// that request paths never query the database for them; and the users it needs, in a bounded cache
/// (``LiveUsers``). Both are kept current by the change log.
public final class LiveDirectory: Sendable {
    private let snapshot: Mutex<Directory>
    private let counts = Mutex(Counts())
    /// The users requests ask for.
    public let users: LiveUsers

    /// How the snapshot has been kept current: whole loads and change-log deltas applied (ADR 7).
    public struct Counts: Sendable, Equatable {
        public var fullLoads = 0
        public var deltasApplied = 0

        public init(fullLoads: Int = 0, deltasApplied: Int = 0) {
            self.fullLoads = fullLoads
            self.deltasApplied = deltasApplied
        }
    }

    /// `directory` without its users (a server holds none whole), and the cache the users are read into.
    public init(_ directory: Directory, users: LiveUsers) {
        self.snapshot = Mutex(directory.exceptUsers)
        self.users = users
    }

    /// The directory as a server holds it, read from `store`, with an empty user cache of `userCapacity` users.
    public convenience init(loadingFrom store: GatehouseStore, userCapacity: Int = LiveUsers.defaultCapacity)
        async throws
    {
        self.init(
            try await store.loadDirectoryExceptUsers(), users: LiveUsers(store: store, capacity: userCapacity))
    }

    /// The current snapshot, without users; a value, so a request sees one consistent directory throughout.
    public var current: Directory { snapshot.withLock { $0 } }

    /// The directory version the snapshot is at.
    public var version: Int64 { snapshot.withLock { $0.version } }

    public var updates: Counts { counts.withLock { $0 } }

    /// Replaces the snapshot with a whole load if `directory` is newer, and drops the cached users: what they
    /// missed is not known.
    public func replace(with directory: Directory) {
        let newer = directory.exceptUsers
        snapshot.withLock { current in
            if newer.version >= current.version { current = newer }
        }
        users.removeAll()
        counts.withLock { $0.fullLoads += 1 }
    }

    /// Applies a change-log delta in place, users to the cache; false (nothing changed) unless the snapshot is at the
    /// delta's base.
    @discardableResult
    public func apply(_ delta: DirectoryDelta) -> Bool {
        let shared = delta.exceptUsers
        let applied = snapshot.withLock { shared.apply(to: &$0) }
        guard applied else { return false }
        users.apply(delta)
        counts.withLock { $0.deltasApplied += 1 }
        return true
    }
}

/// Keeps a ``LiveDirectory`` in step with the database: within one poll interval (SQLite, and PostgreSQL as a
/// backstop) or at once on a PostgreSQL NOTIFY. A moved version is caught up from the change log, re-reading only the
/// entities written since (ADR 7); a gap in the log (pruned, or a node away too long) falls back to a full load of
/// what is held whole, with the cached users dropped (ADR 8).
/// Lost notifications cost nothing but the poll interval: the version itself is what is compared.
public struct DirectoryWatcher: Service {
    /// The PostgreSQL channel that ``GatehouseStore/commit(_:basedOn:actor:at:)`` notifies.
    public static let channel = "gatehouse_directory"

    let store: GatehouseStore
    let live: LiveDirectory
    let pollInterval: Duration
    let logger: Logger
    /// Further reloads, each run when its own change counter moves (the signing keys).
    let counterReloads: [String: @Sendable () async throws -> Void]
    /// The counter values those reloads last ran at.
    private let reloadedAt = Live<[String: Int64]>([:])
    /// The approvals, reloaded whenever their own counter moves.
    let approvals: LiveApprovals?
    /// The revocations, extended with the new rows whenever their counter moves.
    let revocations: LiveRevocations?
    let now: @Sendable () -> Date
    private let turns = Turns()

    public init(
        store: GatehouseStore, live: LiveDirectory, approvals: LiveApprovals? = nil,
        revocations: LiveRevocations? = nil, pollInterval: Duration = .milliseconds(200), logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        counterReloads: [String: @Sendable () async throws -> Void] = [:]
    ) {
        self.store = store
        self.live = live
        self.approvals = approvals
        self.revocations = revocations
        self.now = now
        self.pollInterval = pollInterval
        self.logger = logger
        self.counterReloads = counterReloads
    }

    public func run() async throws {
        // Graceful shutdown cancels the watcher's tasks; each returns when cancelled, so `run` returns normally.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                let (nudges, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: pollInterval)
                        continuation.yield()
                    }
                    continuation.finish()
                }
                if let postgres = store.sql as? PostgresStore {
                    group.addTask { await listen(on: postgres, nudging: continuation) }
                }
                group.addTask {
                    for await _ in nudges where !Task.isCancelled {
                        await refreshIfChanged()
                    }
                }
            }
        }
    }

    /// Brings the snapshot (and the approvals, revocations and keys) up to the database's. Errors are logged and
    /// retried on the next nudge. One refresh at a time: the watcher's and those after a change made on this node
    /// take turns, so none reads a delta that another, applied meanwhile, makes stale (two overlapping catch-ups
    /// could otherwise end in a full reload). A turn that finds nothing new costs two small reads.
    public func refreshIfChanged() async {
        await turns.next { await refreshOnce() }.value
    }

    private func refreshOnce() async {
        do {
            let counters = try await store.changeCounters()
            if let approvals, counters[ApprovalRepository.counter] != approvals.version {
                let (book, version) = try await store.loadApprovals()
                approvals.replace(with: book, version: version)
            }
            if let revocations, counters[RevocationRepository.counter] != revocations.version {
                let time = now()
                let (found, version) = try await store.loadRevocations(after: revocations.version, at: time)
                revocations.merge(found, version: version, at: time)
            }
            for (name, reload) in counterReloads {
                guard let value = counters[name], reloadedAt.current[name] != value else { continue }
                try await reload()
                reloadedAt.modify { $0[name] = value }
            }
            let version = try await store.directoryVersion()
            let held = live.version
            guard version != held else { return }
            if version > held, let delta = try await store.directoryChanges(after: held), live.apply(delta) {
                logger.debug(
                    "directory changes applied",
                    metadata: ["version": "\(delta.version)", "entities": "\(delta.refs.count)"])
                return
            }
            // Another refresh (the watcher's own, or one after a change made on this node) got there first.
            if live.version >= version { return }
            let directory = try await store.loadDirectoryExceptUsers()
            live.replace(with: directory)
            logger.info("directory loaded in full", metadata: ["version": "\(directory.version)"])
        } catch {
            if Task.isCancelled { return }  // shutting down
            logger.warning("directory refresh failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    private func listen(on postgres: PostgresStore, nudging continuation: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                let connection = try await postgres.makeDedicatedConnection(logger: logger)
                do {
                    try await connection.listen(on: Self.channel) { notifications in
                        continuation.yield()  // (re)connected: anything sent while away is lost, so check now
                        for try await _ in notifications { continuation.yield() }
                    }
                    try? await connection.close()
                } catch {
                    try? await connection.close()
                    throw error
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "directory listener lost; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}

/// Work run one piece at a time, in the order asked for.
private final class Turns: Sendable {
    private let last = Mutex<Task<Void, Never>?>(nil)

    /// `work`, started once the work asked for before it has finished.
    func next(_ work: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        last.withLock { last in
            let previous = last
            let task = Task {
                await previous?.value
                await work()
            }
            last = task
            return task
        }
    }
}
