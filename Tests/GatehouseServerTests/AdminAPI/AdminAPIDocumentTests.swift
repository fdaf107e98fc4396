import Foundation
import GatehouseTestSupport
import HTTPTypes
import Testing

/// The OpenAPI document and the routes agree: every operation it names is served (asking without a token gets the
/// API's `401`, not `404` or `405`), and every other method on its paths is `405`.
@Suite struct AdminAPIDocumentTests {
    @Test func everyOperationInTheDocumentIsRoutedAndNoOther() async throws {
        try await ServerFixture.run(.sqlite) { server in
            let answer = try await server.raw("/admin/api/openapi.json", method: .get)
            #expect(answer.status == 200)
            let paths = try #require(answer.json["paths"] as? [String: [String: Any]])
            #expect(paths.count >= 20)
            let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
            for (template, operations) in paths {
                let path = template.replacingOccurrences(
                    of: #"\{[A-Za-z]+\}"#, with: "00000000-0000-0000-0000-000000000000", options: .regularExpression)
                for method in methods {
                    let listed = operations[method.rawValue.lowercased()] != nil
                    let status = try await server.raw(path, method: method).status
                    #expect(status == (listed ? 401 : 405), "\(method.rawValue) \(template)")
                }
            }
        }
    }
}
