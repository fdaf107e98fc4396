/// Rules that span entities: unique names and client ids, references that resolve, a run-as user that exists.
extension Directory {
    /// Every cross-entity problem in this directory. Field-level rules are the entities' own `validate`.
    public func integrityIssues() -> [ValidationIssue] {
        var report = ValidationReport()
        for user in sortedUsers {
            let path = "users[\(user.username)]"
            if profiles[user.profile] == nil { report.add(fieldPath(path, "profile"), "refers to a missing profile") }
            for set in user.permissionSets where permissionSets[set] == nil {
                report.add(fieldPath(path, "permissionSets"), "refers to a missing permission set")
            }
        }
        for app in sortedApps {
            if let runAs = app.runAsUser, users[runAs] == nil {
                report.add("connectedApps[\(app.name)].runAsUser", "refers to a missing user")
            }
        }
        if let administrators = profile(named: Profile.systemAdministratorName), !administrators.isBuiltIn {
            report.add("profiles[\(Profile.systemAdministratorName)]", "the name is reserved for the built-in profile")
        }
        for app in sortedApps where !app.isBuiltIn {
            if uniquenessKey(app.name) == uniquenessKey(ConnectedApp.consoleName) {
                report.add("connectedApps[\(app.name)]", "the name is reserved for the built-in admin console")
            } else if app.clientID == ConnectedApp.consoleClientID {
                report.add(
                    "connectedApps[\(app.name)].clientId", "the client id is reserved for the built-in admin console")
            }
        }
        return report.issues
    }

    /// Whether a user holds an admin permission through the profile or any permission set.
    public func adminPermissions(of user: User) -> Set<AdminPermission> {
        var granted = profiles[user.profile]?.adminPermissions ?? []
        for set in user.permissionSets { granted.formUnion(permissionSets[set]?.adminPermissions ?? []) }
        return granted
    }
}
