import Foundation

/// An extra claim an app's tokens carry (Salesforce's "custom attributes"): a static value, or a field of the user.
/// It is in the app's ID tokens, its JWT access tokens and its userinfo responses; it never replaces a claim
/// Gatehouse sets itself (``CustomAttribute/reservedNames``).
public struct CustomAttribute: Sendable, Hashable, Codable {
    public var name: String
    public var source: Source

    public enum Source: Sendable, Hashable {
        case value(String)
        case field(UserField)
    }

    /// The user fields an attribute may carry.
    public enum UserField: String, Sendable, Hashable, Codable, CaseIterable {
        case username, email, displayName, profile, permissionSets
    }

    public init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    /// As config writes it: `{name, value}` or `{name, field}`.
    private enum CodingKeys: String, CodingKey { case name, value, field }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        if let field = try container.decodeIfPresent(UserField.self, forKey: .field) {
            source = .field(field)
        } else {
            source = .value(try container.decode(String.self, forKey: .value))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        switch source {
        case .value(let value): try container.encode(value, forKey: .value)
        case .field(let field): try container.encode(field, forKey: .field)
        }
    }

    /// `name=value` or `name=field:FIELD`, as the CLI and the console take it.
    public var text: String {
        switch source {
        case .value(let value): "\(name)=\(value)"
        case .field(let field): "\(name)=field:\(field.rawValue)"
        }
    }

    /// Reads `name=value` or `name=field:FIELD`; nil when there is no `=` or the field is unknown.
    public init?(text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        name = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let rest = String(text[text.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
        if rest.hasPrefix("field:") {
            guard let field = UserField(rawValue: String(rest.dropFirst("field:".count))) else { return nil }
            source = .field(field)
        } else {
            source = .value(rest)
        }
    }

    /// The most attributes an app may have, the longest name and value, and the most bytes of names and values
    /// together: tokens travel in headers and URLs, and the console keeps its own in a cookie.
    public static let maximumPerApp = 20
    public static let longestName = 64
    public static let longestValue = 500
    public static let longestTotal = 2_000

    /// Claim names a custom attribute cannot take: JWT's (RFC 7519 §4.1), ID tokens' and the standard claims (OIDC
    /// Core §2, §5.1), JWT access tokens' (RFC 9068 §2.2), token exchange's and DPoP's (RFC 8693 §4, RFC 9449 §6),
    /// and Gatehouse's own.
    public static let reservedNames: Set<String> = [
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti",
        "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "c_hash", "s_hash", "sid",
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture",
        "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number",
        "phone_number_verified", "address", "updated_at",
        "client_id", "scope", "scp", "groups", "roles", "entitlements",
        "act", "may_act", "cnf", "token_type", "typ", "_claim_names", "_claim_sources", "authorization_details",
        "events", "txn",
        TokenIssuer.grantClaim,
    ]

    /// Why `name` cannot be an attribute's name; nil when it can.
    public static func problem(withName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= longestName else {
            return "must be 1 to \(longestName) characters"
        }
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "_-.:".unicodeScalars
                    .contains($0)
        }
        guard allowed, let first = name.unicodeScalars.first, !("0"..."9").contains(first) else {
            return "must be letters, digits and _ - . : (not starting with a digit)"
        }
        guard !reservedNames.contains(name.lowercased()) else {
            return "\(name) is a registered claim Gatehouse sets itself: choose another name"
        }
        return nil
    }

    /// The scope a field is released under, as the consent page describes it: the user's own name and address
    /// only where the app asked for `profile` or `email`; what the organisation says of them (profile, permission
    /// sets) always, like a static value.
    public static func scope(of field: UserField) -> String? {
        switch field {
        case .username, .displayName: "profile"
        case .email: "email"
        case .profile, .permissionSets: nil
        }
    }

    /// The attribute's claim for `user` under `scopes` (nil: an app acting for itself, which has no user fields,
    /// or a field whose scope was not granted).
    func value(for user: User?, scopes: Scopes, in directory: Directory) -> JSONValue? {
        switch source {
        case .value(let text): return .string(text)
        case .field(let field):
            guard let user, Self.scope(of: field).map(scopes.contains) ?? true else { return nil }
            switch field {
            case .username: return .string(user.username)
            case .email: return user.email.isEmpty ? nil : .string(user.email)
            case .displayName: return user.displayName.isEmpty ? nil : .string(user.displayName)
            case .profile: return directory.profiles[user.profile].map { .string($0.name) }
            case .permissionSets:
                return .strings(
                    user.permissionSets.compactMap { directory.permissionSets[$0]?.name }.sorted {
                        $0.lowercased() < $1.lowercased()
                    })
            }
        }
    }

    /// The claims of `app`'s attributes for `user` under the granted `scopes` (nil user: the app acting for itself,
    /// which gets only the static values).
    public static func claims(of app: ConnectedApp, for user: User?, scopes: Scopes, in directory: Directory)
        -> JSONObject
    {
        var claims = JSONObject()
        for attribute in app.customAttributes where claims[attribute.name] == nil {
            if let value = attribute.value(for: user, scopes: scopes, in: directory) { claims[attribute.name] = value }
        }
        return claims
    }
}
