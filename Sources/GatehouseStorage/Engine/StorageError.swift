/// A storage failure, worded for the person who must act on it.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `--database` value cannot be used.
    case invalidLocation(String)
    /// The directory changed between reading it and writing a change computed from it.
    case conflict(String)
    /// A name (or client id) the change takes was taken by another writer since the change was prepared: asking
    /// again with a fresh read does not help, another name does.
    case nameTaken(String)
    /// A row the change refers to does not exist.
    case notFound(String)
    /// The database was written by a newer Gatehouse.
    case schemaTooNew(found: Int, known: Int)
    /// The master key does not match the one this database was set up with.
    case wrongMasterKey(String)
    /// The database cannot be reached or cannot take the write just now (its connection was lost, it is stopping,
    /// busy, full or read-only). Nothing of the transaction was committed, unless the loss came during its COMMIT.
    /// Requests answer 503 with `Retry-After`.
    case unavailable(String)

    /// Whether this is ``unavailable(_:)``: a moment's wait may be all it takes.
    public var isUnavailable: Bool {
        if case .unavailable = self { true } else { false }
    }

    /// Whether another writer got there first (``conflict(_:)`` or ``nameTaken(_:)``): looking again may show the
    /// work is done.
    public var isRace: Bool {
        switch self {
        case .conflict, .nameTaken: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .invalidLocation(let message), .conflict(let message), .nameTaken(let message), .notFound(let message),
            .wrongMasterKey(let message), .unavailable(let message):
            message
        case .schemaTooNew(let found, let known):
            "the database schema is at version \(found), but this gatehouse knows only up to \(known): upgrade gatehouse"
        }
    }
}
