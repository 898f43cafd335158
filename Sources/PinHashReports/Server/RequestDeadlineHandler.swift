import Logging
import NIOCore

/// Closes a connection whose request does not arrive in full within the deadline from its first byte:
/// the idle timer alone never fires for a client that sends one byte a second.
final class RequestDeadlineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent down the pipeline by the HTTP handler once a request has arrived in full.
    struct RequestComplete {}

    private let timeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if deadline == nil {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let seconds = timeout.nanoseconds / 1_000_000_000
            let logger = logger
            deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                let context = bound.value
                logger.warning(
                    "closed a slow connection: the request did not arrive within \(seconds) s",
                    metadata: ["client": "\(context.remoteAddress?.ipAddress ?? "?")"])
                context.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(
        context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?
    ) {
        if event is RequestComplete {
            deadline?.cancel()
            deadline = nil
            promise?.succeed()
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }
}

/// Closes a connection that stays silent for the idle timeout (IdleStateHandler's read event).
final class IdleConnectionCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
