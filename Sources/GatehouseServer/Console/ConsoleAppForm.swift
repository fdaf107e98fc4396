import Foundation
import GatehouseConfig
import GatehouseCore

/// The policies of an app as the console's form edits them: read from the app, written back as a config spec
/// (so the admin library checks them as it checks `apply` and the admin API), each problem at its field.
struct ConsoleAppForm: Sendable {
    var permittedUsers: String
    var enforcement: String
    var ipRelaxation: String
    /// One range per line.
    var trustedIpRanges: String
    var refreshTokenPolicy: String
    var refreshTokenDuration: String
    var refreshTokenRotation: Bool
    var accessTokenFormat: String
    var accessTokenLifetime: String
    var idTokenLifetime: String
    /// Empty for none.
    var sessionTimeout: String
    var highAssurance: String
    /// One `name=value` or `name=field:FIELD` per line.
    var customAttributes: String
    var requirePkce: Bool
    var blocked: Bool
    /// One URL per line (not for a built-in app, whose callback Gatehouse sets).
    var callbackUrls: String
    var scopes: String

    /// The form filled in with `app` as it is.
    init(_ app: ConnectedApp) {
        permittedUsers = app.permittedUsers.rawValue
        enforcement = app.enforcement.rawValue
        ipRelaxation = app.ipRelaxation.rawValue
        trustedIpRanges = app.trustedIPRanges.map(\.description).joined(separator: "\n")
        switch app.refreshTokenPolicy {
        case .validUntilRevoked: (refreshTokenPolicy, refreshTokenDuration) = ("valid-until-revoked", "")
        case .immediatelyExpire: (refreshTokenPolicy, refreshTokenDuration) = ("immediately-expire", "")
        case .expireAfter(let duration):
            (refreshTokenPolicy, refreshTokenDuration) = ("expire-after", duration.description)
        case .expireIfUnused(let duration):
            (refreshTokenPolicy, refreshTokenDuration) = ("expire-if-unused", duration.description)
        }
        refreshTokenRotation = app.isRefreshTokenRotationEnabled
        accessTokenFormat = app.accessTokenFormat.rawValue
        accessTokenLifetime = app.accessTokenLifetime.description
        idTokenLifetime = app.idTokenLifetime.description
        sessionTimeout = app.sessionTimeout?.description ?? ""
        highAssurance = app.highAssurance.rawValue
        customAttributes = app.customAttributes.map(\.text).joined(separator: "\n")
        requirePkce = app.requiresPKCE
        blocked = app.isBlocked
        callbackUrls = app.callbackURLs.joined(separator: "\n")
        scopes = app.scopes.joined(separator: " ")
    }

    /// The form as posted, over `app` for the fields left out (a checkbox left out is off: only a posted form has
    /// checkboxes, so `form` must be the whole form). A field that may be empty is empty when left out: a form body
    /// drops empty values (RFC 6749 §3.1), so a box cleared arrives as no field at all.
    init(posted form: [String: String], over app: ConnectedApp) {
        self.init(app)
        permittedUsers = form["permittedUsers"] ?? permittedUsers
        enforcement = form["enforcement"] ?? enforcement
        ipRelaxation = form["ipRelaxation"] ?? ipRelaxation
        trustedIpRanges = form["trustedIpRanges"] ?? ""
        refreshTokenPolicy = form["refreshTokenPolicy"] ?? refreshTokenPolicy
        refreshTokenDuration = form["refreshTokenDuration"] ?? refreshTokenDuration
        refreshTokenRotation = form["refreshTokenRotation"] == "on"
        accessTokenFormat = form["accessTokenFormat"] ?? accessTokenFormat
        accessTokenLifetime = form["accessTokenLifetime"] ?? accessTokenLifetime
        idTokenLifetime = form["idTokenLifetime"] ?? idTokenLifetime
        sessionTimeout = form["sessionTimeout"] ?? ""
        highAssurance = form["highAssurance"] ?? highAssurance
        customAttributes = (form["customAttributes"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n")
        requirePkce = form["requirePkce"] == "on"
        blocked = form["blocked"] == "on"
        if !app.isBuiltIn {
            // Browsers send a text area's line breaks as CRLF.
            callbackUrls = (form["callbackUrls"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
                .replacingOccurrences(of: "\r", with: "\n")
            scopes = form["scopes"] ?? ""
        }
    }

    /// The fields as form inputs, so a review page can post them again unchanged.
    var fields: [(String, String)] {
        var pairs = [
            ("permittedUsers", permittedUsers), ("enforcement", enforcement), ("ipRelaxation", ipRelaxation),
            ("trustedIpRanges", trustedIpRanges),
            ("refreshTokenPolicy", refreshTokenPolicy),
            ("refreshTokenDuration", refreshTokenDuration), ("accessTokenFormat", accessTokenFormat),
            ("accessTokenLifetime", accessTokenLifetime), ("idTokenLifetime", idTokenLifetime),
            ("sessionTimeout", sessionTimeout), ("highAssurance", highAssurance),
            ("customAttributes", customAttributes),
            ("callbackUrls", callbackUrls), ("scopes", scopes),
        ]
        if refreshTokenRotation { pairs.append(("refreshTokenRotation", "on")) }
        if requirePkce { pairs.append(("requirePkce", "on")) }
        if blocked { pairs.append(("blocked", "on")) }
        return pairs
    }

    /// The spec the admin library applies: every field the form holds that parses, and each that does not, at its
    /// field (left out of the spec, so the library's own checks of the others are still reported beside them).
    func spec(for app: ConnectedApp) -> (spec: ConnectedAppSpec, issues: [ValidationIssue]) {
        var report = ValidationReport()
        var spec = ConnectedAppSpec(path: "", name: app.name)
        func parsed<Value>(_ field: String, _ value: Value?, _ expected: String) -> Value? {
            if value == nil { report.add(field, expected) }
            return value
        }
        spec.permittedUsers = parsed(
            "permittedUsers", PermittedUsers(rawValue: permittedUsers),
            "must be all-users-self-authorize or admin-approved-preauthorized")
        spec.enforcement = parsed(
            "enforcement", AccessEnforcement(rawValue: enforcement), "must be enforce or report-only")
        spec.ipRelaxation = parsed(
            "ipRelaxation", IPRelaxation(rawValue: ipRelaxation), "must be enforce, enforce-relax-refresh or relax")
        spec.trustedIpRanges = ConsoleFields.ranges(trustedIpRanges, field: "trustedIpRanges", into: &report)
        // A duration left in the box is ignored by the policies that take none.
        let takesDuration = ["expire-after", "expire-if-unused"].contains(refreshTokenPolicy)
        let duration = refreshTokenDuration.trimmingCharacters(in: .whitespaces)
        let policyText = takesDuration ? "\(refreshTokenPolicy) \(duration)" : refreshTokenPolicy
        spec.refreshTokenPolicy = parsed(
            "refreshTokenPolicy", RefreshTokenPolicy(parsing: policyText),
            "must be valid-until-revoked, immediately-expire, or expire-after / expire-if-unused with a duration such as 30d"
        )
        spec.accessTokenFormat = parsed(
            "accessTokenFormat", AccessTokenFormat(rawValue: accessTokenFormat), "must be jwt or opaque")
        spec.accessTokenLifetime = parsed(
            "accessTokenLifetime", PolicyDuration(parsing: accessTokenLifetime), "must be a duration such as 5m")
        spec.idTokenLifetime = parsed(
            "idTokenLifetime", PolicyDuration(parsing: idTokenLifetime), "must be a duration such as 1h")
        let timeout = sessionTimeout.trimmingCharacters(in: .whitespaces)
        if timeout.isEmpty {
            spec.sessionTimeout = .some(nil)
        } else if let duration = parsed(
            "sessionTimeout", PolicyDuration(parsing: timeout), "must be a duration such as 2h, or empty for none")
        {
            spec.sessionTimeout = duration
        }
        // The box is read only when it was changed: its text form cannot tell every static value from a field
        // (a value "field:email"), so a save of other policies leaves the attributes exactly as they are.
        if customAttributes != Self(app).customAttributes { spec.customAttributes = attributes(into: &report) }
        spec.highAssurance = parsed(
            "highAssurance", HighAssurance(rawValue: highAssurance), "must be none, raise-session-level or block")
        spec.blocked = blocked
        if !app.isBuiltIn {
            spec.refreshTokenRotation = refreshTokenRotation
            spec.requirePkce = requirePkce
            spec.callbackUrls = callbackUrls.split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            spec.scopes = scopes.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        return (spec, report.issues)
    }

    /// The attributes the box holds, one per line; a line that is neither form is reported at the field.
    private func attributes(into report: inout ValidationReport) -> [CustomAttribute] {
        var attributes: [CustomAttribute] = []
        for line in customAttributes.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            guard let attribute = CustomAttribute(text: text) else {
                report.add(
                    "customAttributes",
                    "\(text) is not name=value or name=field:FIELD (username, email, displayName, profile, permissionSets)"
                )
                continue
            }
            attributes.append(attribute)
        }
        return attributes
    }
}
