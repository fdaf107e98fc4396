import Foundation
import GatehouseCore
import Testing

/// The bounded user cache a server holds (ADR 8): lookups by id and name, CLOCK eviction within the bound, and a
/// copy never replaced by an older one.
@Suite struct UserCacheTests {
    let profile = ProfileID(rawValue: "p")

    func user(_ name: String) -> User { User(id: UserID(rawValue: name), username: name, email: "", profile: profile) }

    @Test func holdsAtMostItsCapacityAndEvictsWhatWasNotUsedSinceTheHandPassed() {
        var cache = UserCache(capacity: 3)
        for name in ["a", "b", "c"] { cache.insert(user(name), version: 1) }
        #expect(cache.user(UserID(rawValue: "a")) != nil)  // a used: it gets a second chance
        cache.insert(user("d"), version: 1)
        #expect(cache.count == 3)
        #expect(cache.version(of: UserID(rawValue: "b")) == nil, "b: the first not used since it was inserted")
        #expect(cache.user(named: "A")?.id == UserID(rawValue: "a"))
        #expect(cache.user(named: "d") != nil)
        cache.insert(user("e"), version: 1)
        #expect(cache.count == 3)
        for _ in 0..<100 { cache.insert(user("x\(Int.random(in: 0..<1_000))"), version: 1) }
        #expect(cache.count == 3)
    }

    @Test func aCopyIsReplacedOnlyByTheSameOrANewerVersion() {
        var cache = UserCache(capacity: 10)
        var alice = user("alice")
        cache.insert(alice, version: 5)
        alice.isActive = false
        cache.insert(alice, version: 4)
        #expect(cache.user(alice.id)?.isActive == true, "an older read does not undo a newer one")
        cache.refresh(alice, version: 6)
        #expect(cache.user(alice.id)?.isActive == false)
        #expect(cache.version(of: alice.id) == 6)
    }

    @Test func refreshLeavesUncachedUsersOutAndRenamesMoveTheNameIndex() {
        var cache = UserCache(capacity: 10)
        cache.refresh(user("bob"), version: 1)
        #expect(cache.count == 0, "a change to a user no request asked for does not fill the cache")

        var alice = user("alice")
        cache.insert(alice, version: 1)
        alice.username = "alice.old"
        cache.refresh(alice, version: 2)
        #expect(cache.user(named: "alice") == nil)
        #expect(cache.user(named: "alice.old")?.id == alice.id)
        // A newcomer takes the old name before the renamed copy is refreshed: the name stays the newcomer's.
        var carol = user("carol")
        cache.insert(carol, version: 3)
        let newcomer = User(id: UserID(rawValue: "n"), username: "carol", email: "", profile: profile)
        cache.insert(newcomer, version: 4)
        carol.username = "carol.old"
        cache.refresh(carol, version: 4)
        #expect(cache.user(named: "carol")?.id == newcomer.id)
        #expect(cache.user(named: "carol.old")?.id == carol.id)
    }

    @Test func removalKeepsEveryOtherEntryReachable() {
        var cache = UserCache(capacity: 4)
        for name in ["a", "b", "c", "d"] { cache.insert(user(name), version: 1) }
        cache.remove(UserID(rawValue: "b"))
        cache.remove(UserID(rawValue: "nobody"))
        #expect(cache.count == 3)
        #expect(cache.user(named: "b") == nil)
        for name in ["a", "c", "d"] { #expect(cache.user(named: name)?.id == UserID(rawValue: name)) }
        cache.insert(user("e"), version: 1)
        cache.insert(user("f"), version: 1)
        #expect(cache.count == 4)
        cache.removeAll()
        #expect(cache.count == 0)
        #expect(cache.user(named: "a") == nil)
    }
}

/// The uniqueness key's ASCII fast path agrees with the Foundation definition it short-cuts.
@Suite struct UniquenessKeyTests {
    @Test func theASCIIFastPathMatchesTrimmingAndLowercasing() {
        let alphabet = Array(" \tAbZz09_-.@\u{0B}\n")
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let name = String((0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement()! })
            #expect(
                uniquenessKey(name) == name.trimmingCharacters(in: .whitespaces).lowercased(),
                "\(name.debugDescription)")
        }
        #expect(uniquenessKey("  Ünïcode ") == "ünïcode")
        #expect(uniquenessKey(" \t ") == "")
    }
}
