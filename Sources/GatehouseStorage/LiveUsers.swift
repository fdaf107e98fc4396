import GatehouseCore
import Synchronization

/// The users a server holds (ADR 8): a bounded ``UserCache`` filled by primary-key (or username) reads when a
/// request needs a user it does not hold, and kept current by the change log: a delta replaces the cached copies of
/// the users it wrote and drops the deleted ones; a full reload drops them all. Memory and start-up do not grow with
/// the user count.
///
/// A read that was under way while a delta or a drop was applied is served but not cached: it may have read the
/// row before the change committed, and caching it would undo the change on this node until the user changes again.
public final class LiveUsers: UserSource, Sendable {
    private struct State {
        var cache: UserCache
        /// Moves with every delta that wrote a user and with every drop: a read started at another value may be stale.
        var epoch: UInt64 = 0
        var counts = Counts()
    }

    /// How requests found their users.
    public struct Counts: Sendable, Equatable {
        /// Lookups answered from memory.
        public var hits = 0
        /// Lookups that read the database (found or not).
        public var reads = 0
        /// Users whose cached copy a delta replaced or removed.
        public var refreshed = 0

        public init(hits: Int = 0, reads: Int = 0, refreshed: Int = 0) {
            self.hits = hits
            self.reads = reads
            self.refreshed = refreshed
        }
    }

    /// The default bound: at a few hundred bytes a user, tens of MiB.
    public static let defaultCapacity = 100_000

    private let state: Mutex<State>
    private let store: GatehouseStore

    public init(store: GatehouseStore, capacity: Int = LiveUsers.defaultCapacity) {
        self.store = store
        self.state = Mutex(State(cache: UserCache(capacity: capacity)))
    }

    public var counts: Counts { state.withLock { $0.counts } }
    /// How many users are held now.
    public var count: Int { state.withLock { $0.cache.count } }
    public var capacity: Int { state.withLock { $0.cache.capacity } }

    /// The version the held copy of `id` was read at; nil when it is not held.
    public func cachedVersion(of id: UserID) -> Int64? { state.withLock { $0.cache.version(of: id) } }

    public func user(_ id: UserID) async throws -> User? {
        try await lookup({ $0.user(id) }, read: { try await $0.user(id) })
    }

    public func user(named username: String) async throws -> User? {
        try await lookup({ $0.user(named: username) }, read: { try await $0.user(named: username) })
    }

    /// A cache lookup and, on a miss, `read` from the store (internal for the test that races a delta against it).
    func lookup(
        _ held: (inout UserCache) -> User?,
        read: @Sendable (GatehouseStore) async throws -> (user: User, version: Int64)?
    ) async throws -> User? {
        let (hit, epoch) = state.withLock { state in
            let found = held(&state.cache)
            if found != nil { state.counts.hits += 1 } else { state.counts.reads += 1 }
            return (found, state.epoch)
        }
        if let hit { return hit }
        guard let found = try await read(store) else { return nil }
        state.withLock { state in
            if state.epoch == epoch { state.cache.insert(found.user, version: found.version) }
        }
        return found.user
    }

    /// Applies what a change-log delta wrote: held users are replaced by their new state, deleted ones dropped.
    func apply(_ delta: DirectoryDelta) {
        let deleted = delta.refs.compactMap { ref -> UserID? in
            guard case .user(let id) = ref, delta.versions[ref] == nil else { return nil }
            return id
        }
        guard !deleted.isEmpty || !delta.users.isEmpty else { return }
        state.withLock { state in
            state.epoch &+= 1
            for id in deleted where state.cache.version(of: id) != nil {
                state.cache.remove(id)
                state.counts.refreshed += 1
            }
            for user in delta.users {
                guard let version = delta.versions[.user(user.id)], state.cache.version(of: user.id) != nil else {
                    continue
                }
                state.cache.refresh(user, version: version)
                state.counts.refreshed += 1
            }
        }
    }

    /// Drops every held user: after a full reload, the change log no longer says what they missed.
    func removeAll() {
        state.withLock { state in
            state.epoch &+= 1
            state.cache.removeAll()
        }
    }
}
