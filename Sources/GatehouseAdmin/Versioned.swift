import GatehouseCore

/// An entity as the admin API shows it: its id and its version (the `ETag`) beside its fields.
public struct Versioned<View: Encodable & Sendable>: Encodable, Sendable {
    public var id: String
    /// The directory version that last wrote the entity (``Directory/entityVersions``).
    public var version: Int64
    public var view: View

    public init(id: String, version: Int64, view: View) {
        self.id = id
        self.version = version
        self.view = view
    }

    private enum Keys: String, CodingKey { case id, version }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        try container.encode(version, forKey: .version)
        try view.encode(to: encoder)
    }
}

/// One page of a listing, and the key to continue after (nil at the end).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// The sort key of the last item when more follow: the next page starts after it.
    public var next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }

    /// A page of at most `limit` from `read`, which returned up to `limit + 1`: the extra one says more follow.
    static func of<Found>(_ found: [Found], limit: Int, key: (Found) -> String, item: (Found) throws -> Item)
        rethrows -> Page
    {
        try of(Array(found.prefix(limit)), more: found.count > limit, key: key, item: item)
    }

    /// A page of `shown`, with a next page when `more` (the read found one past the last shown).
    static func of<Found>(_ shown: [Found], more: Bool, key: (Found) -> String, item: (Found) throws -> Item)
        rethrows -> Page
    {
        Page(items: try shown.map(item), next: more ? shown.last.map(key) : nil)
    }
}

/// What a change to one entity may be made from: the versions of it the admin has seen (`If-Match`), or any.
public enum VersionCondition: Sendable, Equatable {
    /// `If-Match: *`: whatever its version, so long as it exists.
    case any
    /// `If-Match: "12", "13"`: one of these.
    case oneOf([Int64])

    func admits(_ version: Int64) -> Bool {
        switch self {
        case .any: true
        case .oneOf(let versions): versions.contains(version)
        }
    }
}

extension Admin {
    /// Refuses a change computed from `base` unless the entity's version there is one `condition` admits: another
    /// admin's change since the caller's read is not overwritten unseen.
    func check(_ condition: VersionCondition, of ref: EntityRef, in base: Directory) throws(AdminFailure) {
        let version = base.version(of: ref) ?? 0
        guard condition.admits(version) else {
            throw AdminFailure(
                .stale(current: version),
                "the \(ref.kind.noun) changed since it was read (it is now at version \(version)): read it again and apply the change to what it is now"
            )
        }
    }
}

extension EntityKind {
    /// The entity kind in a sentence.
    public var noun: String {
        switch self {
        case .user: "user"
        case .profile: "profile"
        case .permissionSet: "permission set"
        case .connectedApp: "connected app"
        }
    }
}
