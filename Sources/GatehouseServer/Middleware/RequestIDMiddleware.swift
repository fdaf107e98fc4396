import HTTPTypes
import Hummingbird

/// Echoes the request id (also in every log line of the request) as `X-Request-Id`, so a client's report can be
/// matched with the server's logs.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A valid token, so the name always exists; optional only because the initializer validates.
    static var headerName: HTTPField.Name? { HTTPField.Name("X-Request-Id") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if let name = Self.headerName { response.headers[name] = context.id }
        return response
    }
}
