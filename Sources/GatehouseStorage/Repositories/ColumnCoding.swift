import Foundation
import GatehouseCore
import SQLKit

/// Lists are stored as JSON arrays of strings in a TEXT column, the same on both databases.
enum ListColumn {
    static func encode(_ values: [String]) -> String {
        guard let data = try? JSONEncoder().encode(values) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String, column: String) throws -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(text.utf8))
        } catch {
            throw StorageError.notFound("column \(column) holds malformed list \(text)")
        }
    }
}

extension SQLRow {
    /// Decodes a column, naming it in the error.
    func value<Value: Decodable>(_ column: String, as type: Value.Type = Value.self) throws -> Value {
        try decode(column: column, as: type)
    }

    func list(_ column: String) throws -> [String] {
        try ListColumn.decode(value(column, as: String.self), column: column)
    }

    func date(_ column: String) throws -> Date { Timestamp.date(try value(column, as: Int64.self)) }

    /// RFC 8176 `amr` values stored as a JSON array; values this version cannot read count as a password alone (the
    /// weakest sign-in, so no policy asking for more is passed by them). Nil for NULL.
    func authenticationMethods(_ column: String) throws -> AuthenticationMethods? {
        guard let text = try value(column, as: String?.self) else { return nil }
        return AuthenticationMethods(amr: (try? ListColumn.decode(text, column: column)) ?? []) ?? .password
    }
}

/// A stored enum value the code does not know: the database is newer than the code or was edited by hand.
struct UnknownStoredValue: Error, CustomStringConvertible {
    var column: String
    var value: String
    var description: String { "column \(column) holds unknown value \"\(value)\"" }
}

func storedEnum<Value: RawRepresentable>(_ raw: String, column: String) throws -> Value where Value.RawValue == String {
    guard let value = Value(rawValue: raw) else { throw UnknownStoredValue(column: column, value: raw) }
    return value
}

/// An app's custom attributes as a JSON array of `{name, value}` and `{name, field}`.
enum CustomAttributeColumn {
    static func encode(_ attributes: [CustomAttribute]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(attributes) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [CustomAttribute] {
        do {
            return try JSONDecoder().decode([CustomAttribute].self, from: Data(text.utf8))
        } catch {
            throw StorageError.notFound(
                "column custom_attributes holds a list this version cannot read (an unknown field?): \(text)")
        }
    }
}
