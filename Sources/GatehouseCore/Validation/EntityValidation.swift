/// Field-level rules for whole entities. Rules that involve other entities (unique names, references) are in
/// ``Directory/validate()``.
extension ConnectedApp {
    /// Checks this app's fields; `path` prefixes every issue (e.g. `connectedApps[0]`).
    public func validate(at path: String, into report: inout ValidationReport) {
        FieldRules.checkName(name, at: fieldPath(path, "name"), into: &report)
        FieldRules.checkClientID(clientID, at: fieldPath(path, "clientId"), into: &report)
        for (index, url) in callbackURLs.enumerated() {
            FieldRules.checkCallbackURL(url, at: fieldPath(path, "callbackUrls[\(index)]"), into: &report)
        }
        if Set(callbackURLs).count != callbackURLs.count {
            report.add(fieldPath(path, "callbackUrls"), "lists the same URL twice")
        }
        if scopes.isEmpty { report.add(fieldPath(path, "scopes"), "must list at least one scope") }
        for (index, scope) in scopes.enumerated() {
            FieldRules.checkScope(scope, at: fieldPath(path, "scopes[\(index)]"), into: &report)
        }
        if Set(scopes).count != scopes.count { report.add(fieldPath(path, "scopes"), "lists the same scope twice") }
        if grantTypes.isEmpty { report.add(fieldPath(path, "grantTypes"), "must list at least one grant type") }
        // A built-in app's callback is set by the server it runs on: a database no server has opened has none yet.
        if grantTypes.contains(.authorizationCode) && callbackURLs.isEmpty && !isBuiltIn {
            report.add(fieldPath(path, "callbackUrls"), "authorization_code needs at least one callback URL")
        }
        if isPublic {
            if grantTypes.contains(.clientCredentials) {
                report.add(
                    fieldPath(path, "grantTypes"),
                    "client_credentials is for confidential apps only (RFC 6749 §4.4); a public app cannot use it")
            }
            if !secrets.isEmpty { report.add(fieldPath(path, "clientSecret"), "a public app has no client secret") }
            if !requiresPKCE { report.add(fieldPath(path, "requirePkce"), "a public app must use PKCE") }
            // RFC 9700 §4.14.2: a public client's refresh tokens must be rotated (or sender-constrained, which
            // Gatehouse does not offer yet), so that a stolen one is detected on its next use.
            if grantTypes.contains(.refreshToken) && !isRefreshTokenRotationEnabled {
                report.add(
                    fieldPath(path, "refreshTokenRotation"),
                    "a public app's refresh tokens must be rotated (RFC 9700 §4.14.2): turn rotation on")
            }
        }
        for (index, key) in assertionKeys.enumerated() {
            if case .failure(let error) = AssertionKey.parse(key) {
                report.add(fieldPath(path, "assertionKeys[\(index)]"), error.message)
            }
        }
        if grantTypes.contains(.jwtBearer) && assertionKeys.isEmpty {
            report.add(
                fieldPath(path, "assertionKeys"),
                "the JWT bearer grant needs at least one public key (PEM or JWK) to verify assertions with")
        }
        FieldRules.checkLifetime(
            accessTokenLifetime, within: 60...ConnectedApp.maximumAccessTokenLifetime,
            at: fieldPath(path, "accessTokenLifetime"), into: &report)
        FieldRules.checkLifetime(
            idTokenLifetime, within: 60...86_400, at: fieldPath(path, "idTokenLifetime"), into: &report)
        if let sessionTimeout {
            FieldRules.checkLifetime(
                sessionTimeout, within: 60...ConnectedApp.maximumSessionTimeout, at: fieldPath(path, "sessionTimeout"),
                into: &report)
        }
        validateCustomAttributes(at: fieldPath(path, "customAttributes"), into: &report)
        switch refreshTokenPolicy {
        case .expireAfter(let duration), .expireIfUnused(let duration):
            FieldRules.checkLifetime(
                duration, within: 60...(3_650 * 86_400), at: fieldPath(path, "refreshTokenPolicy"), into: &report)
        case .validUntilRevoked, .immediatelyExpire: break
        }
    }
}

extension ConnectedApp {
    fileprivate func validateCustomAttributes(at path: String, into report: inout ValidationReport) {
        if isBuiltIn && !customAttributes.isEmpty {
            report.add(path, "a built-in app carries no custom attributes (the console keeps its tokens in a cookie)")
        }
        if customAttributes.count > CustomAttribute.maximumPerApp {
            report.add(path, "at most \(CustomAttribute.maximumPerApp) custom attributes")
        }
        let total = customAttributes.reduce(0) { sum, attribute in
            if case .value(let value) = attribute.source { return sum + attribute.name.utf8.count + value.utf8.count }
            return sum + attribute.name.utf8.count
        }
        if total > CustomAttribute.longestTotal {
            report.add(
                path,
                "names and values take \(total) bytes; at most \(CustomAttribute.longestTotal) in all (tokens travel in headers)"
            )
        }
        var seen: Set<String> = []
        for (index, attribute) in customAttributes.enumerated() {
            let at = "\(path)[\(index)]"
            if let problem = CustomAttribute.problem(withName: attribute.name) {
                report.add(fieldPath(at, "name"), problem)
            } else if !seen.insert(attribute.name).inserted {
                report.add(fieldPath(at, "name"), "\(attribute.name) is named twice")
            }
            if case .value(let value) = attribute.source {
                if value.utf8.count > CustomAttribute.longestValue {
                    report.add(fieldPath(at, "value"), "must be at most \(CustomAttribute.longestValue) bytes")
                } else if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    report.add(fieldPath(at, "value"), "must be one line of text, without control characters")
                }
            }
        }
    }
}

extension User {
    /// Checks this user's own fields; `path` prefixes every issue (e.g. `users[3]`).
    public func validate(at path: String, into report: inout ValidationReport) {
        FieldRules.checkUsername(username, at: fieldPath(path, "username"), into: &report)
        FieldRules.checkEmail(email, at: fieldPath(path, "email"), into: &report)
        if displayName.count > 200 { report.add(fieldPath(path, "displayName"), "must be at most 200 characters") }
        if let passwordHash, !PasswordHasher.isWellFormed(passwordHash) {
            report.add(
                fieldPath(path, "passwordHash"),
                "is not a Gatehouse password hash ($scrypt$ln=…,r=…,p=…$salt$hash) with affordable parameters "
                    + "(at most 64 MiB and four times the work of ln=15,r=8,p=1)")
        }
    }
}

/// The rule for a new password: long enough to resist guessing, short enough to hash quickly.
public enum PasswordRules {
    public static func check(_ password: String, at path: String, into report: inout ValidationReport) {
        if password.count < 8 {
            report.add(path, "must be at least 8 characters")
        } else if password.utf8.count > 1_024 {
            report.add(path, "must be at most 1024 bytes")
        }
    }
}
