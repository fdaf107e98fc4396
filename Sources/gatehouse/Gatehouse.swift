import ArgumentParser

/// `gatehouse`: an OAuth 2.0 and OpenID Connect authorization server in which administrators decide which users
/// may use which connected app.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "An OAuth 2.0 and OpenID Connect server where admins decide who may use which connected app.",
        discussion: """
            Every command works against one database, named with --database (or GATEHOUSE_DATABASE):
            sqlite:PATH (the default, ./gatehouse.sqlite) or postgres://USER:PASSWORD@HOST:PORT/DATABASE.

            Client secrets are hashed under a master key kept outside the database: GATEHOUSE_MASTER_KEY
            (base64 of 32 bytes), or the key file named by --key-file, by default beside the SQLite file
            (PATH.key) or ./gatehouse.key for PostgreSQL; it is created on first use.
            """,
        subcommands: [
            Serve.self, Apply.self, Export.self, Users.self, Profiles.self, PermissionSets.self, Apps.self,
            AuditTrail.self, LoginHistory.self, Approvals.self, AccessRequests.self, Keys.self, Access.self,
        ]
    )
}
