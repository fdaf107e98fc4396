import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request has not fully arrived within a deadline of its head. The idle timeout closes a
/// connection that sends nothing (or only part of a head) for a while; this closes one that trickles a body a byte
/// at a time to hold its socket forever (a slow-body attack).
///
/// Most requests arrive whole in one read: the timer is only scheduled when a read ends with a request still
/// unfinished, so an ordinary request costs a clock reading, not a timer.
final class RequestReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    /// When the unfinished request's head arrived; nil between requests.
    private var headArrived: NIODeadline?
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            cancel()
            headArrived = .now()
        case .end:
            cancel()
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if let headArrived, deadline == nil {
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(deadline: headArrived + timeout) { channel.close(promise: nil) }
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
        headArrived = nil
    }
}
