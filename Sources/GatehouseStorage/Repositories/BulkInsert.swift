import SQLKit

/// Multi-row `INSERT`s: many rows per statement (at most about 900 parameters, within both databases' limits), so a
/// commit of thousands of entities costs tens of round trips, not tens of thousands.
enum BulkInsert {
    typealias Value = any Encodable & Sendable

    static func insert(into table: String, columns: [String], rows: [[Value]], in db: any SQLDatabase) async throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, 900 / max(1, columns.count))
        let head: SQLQueryString =
            "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES "
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            var values: [SQLQueryString] = []
            for row in rows[start..<min(start + perStatement, rows.count)] {
                var tuple: SQLQueryString = ""
                for (index, value) in row.enumerated() {
                    tuple = index == 0 ? "\(bind: value)" : "\(tuple), \(bind: value)"
                }
                values.append("(\(tuple))")
            }
            var query = head
            for (index, tuple) in values.enumerated() { query = index == 0 ? "\(query)\(tuple)" : "\(query), \(tuple)" }
            try await db.raw(query).run()
        }
    }
}
