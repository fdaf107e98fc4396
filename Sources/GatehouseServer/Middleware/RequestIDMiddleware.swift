import HTTPTypes
import Hummingbird

/// Echoes the request id (also in every log line of the request) as `X-Request-Id`, so a client's report can be
/// matched with the server's logs.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.requestID] = context.id
        return response
    }
}
