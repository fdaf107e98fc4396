import Foundation
import GatehouseCore

/// What `apply` would do: the changes, and the client secrets it would generate (shown once).
public struct ConfigPlan: Sendable {
    public var changes: [DirectoryChange]
    /// Secrets generated for new confidential apps that declared none: (app name, client id, secret).
    public var generatedSecrets: [(app: String, clientID: String, secret: String)]
    /// The directory as it will be after the changes.
    public var result: Directory
}

/// Turns a ``ConfigDocument`` into the ``DirectoryChange``s that make the directory match it. Pure apart from
/// hashing; nothing is stored. Every reference is resolved by name against the file and the existing directory.
public struct ConfigPlanner {
    public var secretHasher: SecretHasher
    public var passwordHasher: PasswordHasher
    public var now: Date

    public init(secretHasher: SecretHasher, passwordHasher: PasswordHasher, now: Date) {
        self.secretHasher = secretHasher
        self.passwordHasher = passwordHasher
        self.now = now
    }

    public func plan(_ document: ConfigDocument, against directory: Directory) throws -> ConfigPlan {
        var report = ValidationReport()
        checkDuplicates(document, into: &report)
        try report.throwIfInvalid()

        // Give every entity named in the file an id first, so that references resolve in any order.
        var desired = directory
        for spec in document.connectedApps where desired.app(named: spec.name) == nil {
            desired.upsert(ConnectedApp(name: spec.name, clientID: spec.clientId ?? ""))
        }
        for spec in document.profiles where desired.profile(named: spec.name) == nil {
            desired.upsert(Profile(name: spec.name))
        }
        for spec in document.permissionSets where desired.permissionSet(named: spec.name) == nil {
            desired.upsert(PermissionSet(name: spec.name))
        }
        let newUsernames = document.users.filter { directory.user(named: $0.username) == nil }.map(\.username)
        for username in newUsernames {
            desired.upsert(User(username: username, email: "", profile: ProfileID(rawValue: "")))
        }
        let references = References(directory: desired)

        var changes: [DirectoryChange] = []
        var secrets: [(app: String, clientID: String, secret: String)] = []
        for spec in document.profiles {
            guard let existing = directory.profile(named: spec.name) ?? desired.profile(named: spec.name) else {
                continue
            }
            let profile = edit(existing, with: spec, references: references, into: &report)
            changes.append(
                contentsOf: change(
                    from: directory.profiles[profile.id], to: profile, create: DirectoryChange.createProfile,
                    update: DirectoryChange.updateProfile))
        }
        for spec in document.permissionSets {
            guard let existing = desired.permissionSet(named: spec.name) else { continue }
            let set = edit(existing, with: spec, references: references, into: &report)
            changes.append(
                contentsOf: change(
                    from: directory.permissionSets[set.id], to: set, create: DirectoryChange.createPermissionSet,
                    update: DirectoryChange.updatePermissionSet))
        }
        for spec in document.users {
            guard let existing = desired.user(named: spec.username) else { continue }
            let user = try edit(
                existing, with: spec, isNew: directory.users[existing.id] == nil, references: references,
                into: &report)
            changes.append(
                contentsOf: change(
                    from: directory.users[user.id], to: user, create: DirectoryChange.createUser,
                    update: DirectoryChange.updateUser))
        }
        for spec in document.connectedApps {
            guard let existing = desired.app(named: spec.name) else { continue }
            let isNew = directory.apps[existing.id] == nil
            var app = edit(existing, with: spec, isNew: isNew, references: references, into: &report)
            if isNew, spec.clientId == nil { report.add(fieldPath(spec.path, "clientId"), "is required") }
            if isNew, !app.isPublic, app.secrets.isEmpty {
                let secret = ClientSecretGenerator.generate()
                app.secrets = [ClientSecret(hash: secretHasher.hash(secret), createdAt: now)]
                secrets.append((app.name, app.clientID, secret))
            }
            app.validate(at: spec.path, into: &report)
            if let other = directory.app(clientID: app.clientID), other.id != app.id {
                report.add(
                    fieldPath(spec.path, "clientId"), "\"\(app.clientID)\" is already used by app \"\(other.name)\"")
            }
            changes.append(
                contentsOf: change(
                    from: directory.apps[app.id], to: app, create: DirectoryChange.createApp,
                    update: DirectoryChange.updateApp))
        }
        try report.throwIfInvalid()
        let result = directory.applying(changes)
        try ValidationReport.from(result.integrityIssues()).throwIfInvalid()
        return ConfigPlan(changes: changes, generatedSecrets: secrets, result: result)
    }

    // MARK: One entity as a spec sets it

    /// `profile` as `spec` sets it: absent keys leave a field as it is, a list given replaces the list; references
    /// resolved in `directory`. Every problem is reported at the spec's path, as `apply` reports it.
    public func edit(_ profile: Profile, with spec: ProfileSpec, in directory: Directory) throws(ValidationFailure)
        -> Profile
    {
        var report = ValidationReport()
        let edited = edit(profile, with: spec, references: References(directory: directory), into: &report)
        try report.throwIfInvalid()
        return edited
    }

    public func edit(_ set: PermissionSet, with spec: PermissionSetSpec, in directory: Directory)
        throws(ValidationFailure) -> PermissionSet
    {
        var report = ValidationReport()
        let edited = edit(set, with: spec, references: References(directory: directory), into: &report)
        try report.throwIfInvalid()
        return edited
    }

    /// `user` as `spec` sets it (`isNew`: the fields a new user needs are required).
    public func edit(_ user: User, with spec: UserSpec, isNew: Bool, in directory: Directory) throws -> User {
        var report = ValidationReport()
        let edited = try edit(
            user, with: spec, isNew: isNew, references: References(directory: directory), into: &report)
        try report.throwIfInvalid()
        return edited
    }

    /// `app` as `spec` sets it, validated; a client id another app of `directory` uses is reported.
    public func edit(_ app: ConnectedApp, with spec: ConnectedAppSpec, isNew: Bool, in directory: Directory)
        throws(ValidationFailure) -> ConnectedApp
    {
        var report = ValidationReport()
        let edited = edit(app, with: spec, isNew: isNew, references: References(directory: directory), into: &report)
        edited.validate(at: spec.path, into: &report)
        if let other = directory.app(clientID: edited.clientID), other.id != edited.id {
            report.add(
                fieldPath(spec.path, "clientId"), "\"\(edited.clientID)\" is already used by app \"\(other.name)\"")
        }
        try report.throwIfInvalid()
        return edited
    }

    private func edit(
        _ existing: Profile, with spec: ProfileSpec, references: References, into report: inout ValidationReport
    ) -> Profile {
        var profile = existing
        profile.name = spec.name
        if let permissions = spec.adminPermissions { profile.adminPermissions = Set(permissions) }
        if let apps = spec.connectedApps {
            profile.connectedApps = references.apps(apps, at: fieldPath(spec.path, "connectedApps"), into: &report)
        }
        if let ranges = spec.loginIpRanges { profile.loginIPRanges = ranges }
        if let hours = spec.loginHours { profile.loginHours = hours }
        if let required = spec.requireSecondFactor { profile.requireSecondFactor = required }
        if let patch = spec.loginHoursPatch {
            if let merged = patch.merged(into: profile.loginHours) {
                profile.loginHours = merged
            } else {
                report.add(
                    fieldPath(fieldPath(spec.path, "loginHours"), "timeZone"),
                    "is required: the profile has no login hours yet")
            }
        }
        if existing.isBuiltIn, profile.adminPermissions != existing.adminPermissions {
            report.add(
                fieldPath(spec.path, "adminPermissions"),
                "the built-in profile \"\(existing.name)\" keeps every admin permission")
        }
        if existing.isBuiltIn, uniquenessKey(profile.name) != uniquenessKey(existing.name) {
            report.add(fieldPath(spec.path, "name"), "the built-in profile \"\(existing.name)\" cannot be renamed")
        }
        FieldRules.checkName(profile.name, at: fieldPath(spec.path, "name"), into: &report)
        return profile
    }

    private func edit(
        _ existing: PermissionSet, with spec: PermissionSetSpec, references: References,
        into report: inout ValidationReport
    ) -> PermissionSet {
        var set = existing
        set.name = spec.name
        if let permissions = spec.adminPermissions { set.adminPermissions = Set(permissions) }
        if let apps = spec.connectedApps {
            set.connectedApps = references.apps(apps, at: fieldPath(spec.path, "connectedApps"), into: &report)
        }
        FieldRules.checkName(set.name, at: fieldPath(spec.path, "name"), into: &report)
        return set
    }

    private func edit(
        _ existing: User, with spec: UserSpec, isNew: Bool, references: References, into report: inout ValidationReport
    ) throws -> User {
        var user = existing
        user.username = spec.username
        if let email = spec.email {
            user.email = email
        } else if isNew {
            report.add(fieldPath(spec.path, "email"), "is required")
        }
        if let displayName = spec.displayName { user.displayName = displayName }
        if let active = spec.active { user.isActive = active }
        if let name = spec.profile {
            if let profile = references.profile(name, at: fieldPath(spec.path, "profile"), into: &report) {
                user.profile = profile
            }
        } else if isNew {
            report.add(fieldPath(spec.path, "profile"), "is required: every user has exactly one profile")
        }
        if let sets = spec.permissionSets {
            user.permissionSets = references.permissionSets(
                sets, at: fieldPath(spec.path, "permissionSets"), into: &report)
        }
        if let password = spec.password {
            PasswordRules.check(password, at: fieldPath(spec.path, "password"), into: &report)
            let isSame = existing.passwordHash.map { passwordHasher.verify(password, against: $0) } ?? false
            if !isSame, report.isValid { user.passwordHash = try passwordHasher.hash(password) }
        }
        if let hash = spec.passwordHash { user.passwordHash = hash }
        user.validate(at: spec.path, into: &report)
        return user
    }

    private func edit(
        _ existing: ConnectedApp, with spec: ConnectedAppSpec, isNew: Bool, references: References,
        into report: inout ValidationReport
    ) -> ConnectedApp {
        var app = existing
        apply(spec, to: &app, isNew: isNew, references: references, into: &report)
        for field in existing.fixedFieldsChanged(in: app) {
            report.add(
                fieldPath(spec.path, field),
                "\"\(existing.name)\" is built in: its \(field) is set by Gatehouse (change who may use it and its token policies instead)"
            )
        }
        return app
    }

    private func apply(
        _ spec: ConnectedAppSpec, to app: inout ConnectedApp, isNew: Bool, references: References,
        into report: inout ValidationReport
    ) {
        app.name = spec.name
        if let value = spec.clientId { app.clientID = value }
        if let value = spec.isPublic { app.isPublic = value }
        if let value = spec.callbackUrls { app.callbackURLs = value }
        if let value = spec.scopes { app.scopes = value }
        if let value = spec.grantTypes { app.grantTypes = Set(value) }
        if let value = spec.permittedUsers { app.permittedUsers = value }
        if let value = spec.refreshTokenPolicy { app.refreshTokenPolicy = value }
        if let value = spec.refreshTokenRotation { app.isRefreshTokenRotationEnabled = value }
        if let value = spec.accessTokenFormat { app.accessTokenFormat = value }
        if let value = spec.accessTokenLifetime { app.accessTokenLifetime = value }
        if let value = spec.idTokenLifetime { app.idTokenLifetime = value }
        if let value = spec.sessionTimeout { app.sessionTimeout = value }
        if let value = spec.requirePkce { app.requiresPKCE = value }
        if let value = spec.blocked { app.isBlocked = value }
        if let value = spec.enforcement { app.enforcement = value }
        if let value = spec.ipRelaxation { app.ipRelaxation = value }
        if let value = spec.highAssurance { app.highAssurance = value }
        if let value = spec.customAttributes { app.customAttributes = value }
        if let value = spec.trustedIpRanges { app.trustedIPRanges = value }
        if let value = spec.assertionKeys { app.assertionKeys = value }
        if let value = spec.introspectAllTokens { app.introspectsAllTokens = value }
        if isNew, app.isPublic, spec.requirePkce == nil { app.requiresPKCE = true }
        if let runAs = spec.runAsUser {
            app.runAsUser = runAs.flatMap { references.user($0, at: fieldPath(spec.path, "runAsUser"), into: &report) }
        }
        if let secret = spec.clientSecret {
            if secret.count < 16 {
                report.add(fieldPath(spec.path, "clientSecret"), "must be at least 16 characters")
            } else if !app.secrets.contains(where: { secretHasher.verify(secret, against: $0.hash) }) {
                app.secrets = [ClientSecret(hash: secretHasher.hash(secret), createdAt: now)]
            }
        }
        if let hashes = spec.clientSecretHashes {
            var kept: [ClientSecret] = []
            for (index, hash) in hashes.enumerated() {
                guard secretHasher.isOwnHash(hash) else {
                    report.add(
                        fieldPath(spec.path, "clientSecretHashes[\(index)]"),
                        "was not made under this instance's master key (\(secretHasher.keyID)); give clientSecret instead"
                    )
                    continue
                }
                kept.append(app.secrets.first { $0.hash == hash } ?? ClientSecret(hash: hash, createdAt: now))
            }
            app.secrets = kept
        }
    }

    private func change<Entity: Equatable>(
        from old: Entity?, to new: Entity, create: (Entity) -> DirectoryChange,
        update: (Entity, Entity) -> DirectoryChange
    ) -> [DirectoryChange] {
        guard let old else { return [create(new)] }
        return old == new ? [] : [update(old, new)]
    }

    private func checkDuplicates(_ document: ConfigDocument, into report: inout ValidationReport) {
        func check(_ items: [(key: String, path: String, label: String)]) {
            var first: [String: String] = [:]
            for item in items {
                let key = uniquenessKey(item.key)
                if let earlier = first[key] {
                    report.add(
                        item.path,
                        "\"\(item.key)\" is already defined at \(earlier) (\(item.label) are unique regardless of case)"
                    )
                } else {
                    first[key] = item.path.components(separatedBy: ".").dropLast().joined(separator: ".")
                }
            }
        }
        check(document.profiles.map { ($0.name, fieldPath($0.path, "name"), "profile names") })
        check(document.permissionSets.map { ($0.name, fieldPath($0.path, "name"), "permission set names") })
        check(document.users.map { ($0.username, fieldPath($0.path, "username"), "usernames") })
        check(document.connectedApps.map { ($0.name, fieldPath($0.path, "name"), "app names") })
        var clientIDs: [String: String] = [:]
        for spec in document.connectedApps {
            guard let clientID = spec.clientId else { continue }
            if let earlier = clientIDs[clientID] {
                report.add(fieldPath(spec.path, "clientId"), "\"\(clientID)\" is already used at \(earlier)")
            } else {
                clientIDs[clientID] = spec.path
            }
        }
    }
}

/// Resolves names in config to ids, reporting `no profile named "Sales"` at the referring path.
struct References {
    let directory: Directory

    func profile(_ name: String, at path: String, into report: inout ValidationReport) -> ProfileID? {
        guard let profile = directory.profile(named: name) else {
            report.add(path, "no profile named \"\(name)\"")
            return nil
        }
        return profile.id
    }

    func user(_ name: String, at path: String, into report: inout ValidationReport) -> UserID? {
        guard let user = directory.user(named: name) else {
            report.add(path, "no user named \"\(name)\"")
            return nil
        }
        return user.id
    }

    func apps(_ names: [String], at path: String, into report: inout ValidationReport) -> Set<ConnectedAppID> {
        Set(
            names.enumerated().compactMap { index, name in
                guard let app = directory.app(named: name) else {
                    report.add("\(path)[\(index)]", "no connected app named \"\(name)\"")
                    return nil
                }
                return app.id
            })
    }

    func permissionSets(_ names: [String], at path: String, into report: inout ValidationReport) -> Set<PermissionSetID>
    {
        Set(
            names.enumerated().compactMap { index, name in
                guard let set = directory.permissionSet(named: name) else {
                    report.add("\(path)[\(index)]", "no permission set named \"\(name)\"")
                    return nil
                }
                return set.id
            })
    }
}

extension ValidationReport {
    static func from(_ issues: [ValidationIssue]) -> ValidationReport {
        var report = ValidationReport()
        report.add(contentsOf: issues)
        return report
    }
}
