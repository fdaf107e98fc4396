extension Migrations {
    /// Version 8: the impact preview reads the users of an app by index (ADR 8): `approvals` were keyed by user
    /// first, so "who approved this app" scanned them all.
    static let impactSchema = Migration(version: 8, name: "approvals by app") { _ in
        ["CREATE INDEX approvals_by_app ON approvals (app_id)"]
    }
}
