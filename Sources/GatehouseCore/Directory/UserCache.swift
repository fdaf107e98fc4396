/// Where request paths find users (ADR 8): on a server, a bounded cache over the database; in a command or a test,
/// a ``Directory`` value. Lookups by id and by username (compared as ``uniquenessKey(_:)`` does); nil for no such
/// user.
public protocol UserSource: Sendable {
    func user(_ id: UserID) async throws -> User?
    func user(named username: String) async throws -> User?
}

extension Directory: UserSource {
    public func user(_ id: UserID) -> User? { users[id] }
}

/// A bounded set of users, each with the entity version it was read at, evicted by the CLOCK algorithm (second
/// chance: a lookup sets a bit, eviction passes over and clears set bits). A hit is two hash lookups and a bit set,
/// with no allocation; memory is bounded by ``capacity`` whatever the directory's size. Not synchronized: the owner
/// holds it under a lock.
public struct UserCache: Sendable {
    public let capacity: Int

    private struct Slot: Sendable {
        var user: User
        var version: Int64
        var referenced: Bool
    }

    private var slots: [Slot] = []
    private var slotByID: [UserID: Int] = [:]
    private var idByName: [String: UserID] = [:]
    private var hand = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        slots.reserveCapacity(min(self.capacity, 1 << 16))
    }

    public var count: Int { slots.count }

    // MARK: Lookups (each marks the entry as used)

    public mutating func user(_ id: UserID) -> User? {
        guard let index = slotByID[id] else { return nil }
        slots[index].referenced = true
        return slots[index].user
    }

    public mutating func user(named username: String) -> User? {
        guard let id = idByName[uniquenessKey(username)] else { return nil }
        return user(id)
    }

    /// The version the cached copy of `id` was read at; nil when it is not cached. Does not count as a use.
    public func version(of id: UserID) -> Int64? { slotByID[id].map { slots[$0].version } }

    // MARK: Changes

    /// Holds `user` as read at `version`, unless a newer copy is held already; makes room by eviction when full.
    public mutating func insert(_ user: User, version: Int64) {
        if let index = slotByID[user.id] {
            replace(at: index, with: user, version: version)
            return
        }
        let slot = Slot(user: user, version: version, referenced: false)
        if slots.count < capacity {
            slotByID[user.id] = slots.count
            slots.append(slot)
        } else {
            let victim = nextVictim()
            forgetName(of: slots[victim].user)
            slotByID[slots[victim].user.id] = nil
            slotByID[user.id] = victim
            slots[victim] = slot
        }
        idByName[uniquenessKey(user.username)] = user.id
    }

    /// Replaces a cached copy with a newer one (a change-log delta); a user not cached stays uncached: the cache
    /// holds what requests asked for, and a burst of changes does not evict it.
    public mutating func refresh(_ user: User, version: Int64) {
        guard let index = slotByID[user.id] else { return }
        replace(at: index, with: user, version: version)
    }

    public mutating func remove(_ id: UserID) {
        guard let index = slotByID.removeValue(forKey: id) else { return }
        forgetName(of: slots[index].user)
        let last = slots.count - 1
        if index != last {
            slots[index] = slots[last]
            slotByID[slots[index].user.id] = index
        }
        slots.removeLast()
        if hand >= slots.count { hand = 0 }
    }

    public mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        slotByID.removeAll(keepingCapacity: true)
        idByName.removeAll(keepingCapacity: true)
        hand = 0
    }

    private mutating func replace(at index: Int, with user: User, version: Int64) {
        guard version >= slots[index].version else { return }
        let old = slots[index].user
        if uniquenessKey(old.username) != uniquenessKey(user.username) {
            forgetName(of: old)
            idByName[uniquenessKey(user.username)] = user.id
        }
        slots[index].user = user
        slots[index].version = version
    }

    /// A name leaves the index only while it still names this user: another user may have taken it since.
    private mutating func forgetName(of user: User) {
        let key = uniquenessKey(user.username)
        if idByName[key] == user.id { idByName[key] = nil }
    }

    /// The slot to evict: the first, from the hand on, not used since the hand last passed it.
    private mutating func nextVictim() -> Int {
        while slots[hand].referenced {
            slots[hand].referenced = false
            hand = (hand + 1) % slots.count
        }
        let victim = hand
        hand = (hand + 1) % slots.count
        return victim
    }
}
