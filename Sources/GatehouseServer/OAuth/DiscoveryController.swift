import Foundation
import GatehouseCore
import GatehouseStorage
import Hummingbird
import Logging

/// `GET /.well-known/openid-configuration` (OIDC Discovery §4), `GET /.well-known/oauth-authorization-server`
/// (RFC 8414 §3) and `GET /jwks` (RFC 7517). The metadata lists exactly what this server does.
struct DiscoveryController: Sendable {
    let services: OAuthServices
    /// Endpoint paths that exist, so that metadata never advertises one that does not.
    let endpoints: SupportedEndpoints

    func addRoutes(to router: Router<some RequestContext>) {
        let document = metadata()
        for path in [".well-known/openid-configuration", ".well-known/oauth-authorization-server"] {
            router.get(RouterPath(path)) { _, _ in publicJSON(document, maxAge: 300) }
        }
        router.get("jwks") { _, _ in
            let keys = services.keys.current.publishedKeys(at: services.now())
            var document = JSONObject()
            document["keys"] = .objects(keys.map(\.jwk))
            // Validators cache JWKS; a new key is published a while before it signs, so a short cache is safe.
            return publicJSON(document, maxAge: 300)
        }
    }

    func metadata() -> JSONObject {
        let base = services.issuer.issuer
        var document: JSONObject = ["issuer": .string(base)]
        if endpoints.hasAuthorization { document["authorization_endpoint"] = .string(base + "/authorize") }
        document["token_endpoint"] = .string(base + "/token")
        document["jwks_uri"] = .string(base + "/jwks")
        if endpoints.hasUserinfo { document["userinfo_endpoint"] = .string(base + "/userinfo") }
        document["revocation_endpoint"] = .string(base + "/revoke")
        document["introspection_endpoint"] = .string(base + "/introspect")
        if endpoints.hasLogout { document["end_session_endpoint"] = .string(base + "/logout") }
        // Without the authorization endpoint no code, and so no refresh token, can ever be issued.
        let grants = services.tokenEndpoint.grantTypes.filter {
            endpoints.hasAuthorization || ($0 != .authorizationCode && $0 != .refreshToken)
        }
        document["grant_types_supported"] = .strings(grants.map(\.rawValue))
        document["response_types_supported"] = .strings(endpoints.hasAuthorization ? ["code"] : [])
        document["response_modes_supported"] = .strings(endpoints.hasAuthorization ? ["query"] : [])
        document["subject_types_supported"] = .strings(["public"])
        document["id_token_signing_alg_values_supported"] = .strings([services.issuer.idTokenAlgorithm.rawValue])
        let authMethods = ["client_secret_basic", "client_secret_post", "none"]
        document["token_endpoint_auth_methods_supported"] = .strings(authMethods)
        document["revocation_endpoint_auth_methods_supported"] = .strings(authMethods)
        // Introspection is for confidential clients only (resource servers): no `none`.
        document["introspection_endpoint_auth_methods_supported"] = .strings(
            authMethods.filter { $0 != "none" })
        document["code_challenge_methods_supported"] = .strings(["S256"])
        document["scopes_supported"] = .strings(["openid", "profile", "email", "offline_access"])
        document["claims_supported"] = .strings([
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash", "amr", "acr", "name",
            "preferred_username", "email", "email_verified",
        ])
        // What `acr` can say of a sign-in here (a password alone, until second factors are enrolled).
        // phr needs passkeys: asked for, it gets mfa, and the ID token's acr says so.
        document["acr_values_supported"] = .strings(
            AuthenticationContextClass.allCases.map(\.rawValue))
        document["authorization_response_iss_parameter_supported"] = .bool(endpoints.hasAuthorization)
        // OIDC Discovery §3: both default to supported when omitted, so say that they are not.
        document["request_parameter_supported"] = .bool(false)
        document["request_uri_parameter_supported"] = .bool(false)
        return document
    }
}

/// Which optional endpoints this build serves (metadata must not advertise a missing one).
struct SupportedEndpoints: Sendable {
    var hasAuthorization = false
    var hasUserinfo = false
    var hasLogout = false
}

/// Public, cacheable JSON (discovery and JWKS are the only responses that may be cached).
func publicJSON(_ object: JSONObject, maxAge: Int) -> Response {
    Response(
        status: .ok,
        headers: [.contentType: "application/json;charset=UTF-8", .cacheControl: "public, max-age=\(maxAge)"],
        body: .init(byteBuffer: ByteBuffer(string: object.serialized)))
}
