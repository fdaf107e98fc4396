extension Migrations {
    /// Version 14: the login IP ranges and login hours of profiles, and how each app applies the ranges (its IP
    /// relaxation and trusted ranges). Lists are JSON arrays of CIDR text; login hours their stored form
    /// (``LoginHours/stored``), null for any time.
    static let loginRestrictionSchema = Migration(version: 14, name: "login IP ranges and hours") { _ in
        [
            "ALTER TABLE profiles ADD COLUMN login_ip_ranges TEXT NOT NULL DEFAULT '[]'",
            "ALTER TABLE profiles ADD COLUMN login_hours TEXT",
            "ALTER TABLE connected_apps ADD COLUMN ip_relaxation TEXT NOT NULL DEFAULT 'enforce'",
            "ALTER TABLE connected_apps ADD COLUMN trusted_ip_ranges TEXT NOT NULL DEFAULT '[]'",
        ]
    }
}
