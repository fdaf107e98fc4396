extension Migrations {
    /// Version 10: apps Gatehouse makes for itself (the admin console, `ConnectedApp.isBuiltIn`), which admins cannot
    /// delete. The console app itself is created when a store opens (``GatehouseStore/open(_:)``), not here: it is a
    /// directory change, logged and audited like any other.
    static let builtInAppsSchema = Migration(version: 10, name: "built-in apps") { _ in
        ["ALTER TABLE connected_apps ADD COLUMN is_builtin BOOLEAN NOT NULL DEFAULT FALSE"]
    }
}
