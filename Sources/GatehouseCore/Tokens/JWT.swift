import Foundation

/// Compact JWS (RFC 7515 §7.1) for ID tokens and JWT access tokens, built by hand: the claims are written once,
/// with integer dates, and signed; no reflection, no intermediate dictionaries.
public enum JWT {
    /// `header.payload.signature`, base64url without padding. `type` is the JOSE `typ` (`JWT`, `at+jwt`).
    public static func sign(_ claims: JSONObject, type: String, with key: SigningKey) throws -> String {
        let header: JSONObject = [
            "alg": .string(key.algorithm.rawValue), "typ": .string(type), "kid": .string(key.kid),
        ]
        let signingInput =
            Data(header.serialized.utf8).base64URLEncodedString() + "."
            + Data(claims.serialized.utf8).base64URLEncodedString()
        let signature = try key.sign(Data(signingInput.utf8))
        return signingInput + "." + signature.base64URLEncodedString()
    }

    /// A JWS whose signature has been checked.
    public struct Verified: @unchecked Sendable {
        // @unchecked: the dictionaries hold only JSONSerialization's immutable value types.
        public let header: [String: Any]
        public let claims: [String: Any]

        public func string(_ claim: String) -> String? { claims[claim] as? String }
        public func integer(_ claim: String) -> Int64? {
            guard let number = claims[claim] as? NSNumber, !(claims[claim] is Bool) else { return nil }
            return number.int64Value
        }
    }

    /// Why a JWS was not accepted.
    public enum VerificationError: Error, Equatable, Sendable {
        case malformed
        case unknownKey
        case algorithmMismatch
        case badSignature
        /// The header lists `crit` extensions, none of which Gatehouse implements (RFC 7515 §4.1.11).
        case unsupportedCriticalHeader
    }

    /// Parses and checks the signature with the key named by `kid`; the algorithm must be the key's own
    /// (never `none`, never chosen by the token).
    public static func verify(_ token: String, keys: (String) -> VerificationKey?) throws(VerificationError) -> Verified
    {
        try verify(token) { kid in kid.flatMap(keys).map { [$0] } ?? [] }
    }

    /// Parses and checks the signature with any of the candidate keys for the header's `kid` (nil when the header
    /// names none); a key is tried only for its own algorithm.
    public static func verify(_ token: String, candidates: (String?) -> [VerificationKey]) throws(VerificationError)
        -> Verified
    {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Data(base64URLEncoded: parts[0]),
            let payloadData = Data(base64URLEncoded: parts[1]), let signature = Data(base64URLEncoded: parts[2]),
            let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any],
            let claims = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any]
        else { throw .malformed }
        if header["kid"] != nil && !(header["kid"] is String) { throw .malformed }
        // RFC 7515 §4.1.11: a recipient that does not understand every listed extension must reject the JWS.
        if header["crit"] != nil { throw .unsupportedCriticalHeader }
        let keys = candidates(header["kid"] as? String)
        guard !keys.isEmpty else { throw .unknownKey }
        let matching = keys.filter { header["alg"] as? String == $0.algorithm.rawValue }
        guard !matching.isEmpty else { throw .algorithmMismatch }
        let signingInput = Data(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard matching.contains(where: { $0.isValidSignature(signature, for: signingInput) }) else {
            throw .badSignature
        }
        return Verified(header: header, claims: claims)
    }
}

extension Data {
    /// Decodes RFC 4648 §5 base64url, with or without padding; nil for anything else.
    public init?(base64URLEncoded text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") || text.hasSuffix("=") else { return nil }
        base64 = base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
