import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PinHash

/// One connection's requests: `POST` a report (stored, then answered 204), `GET /` the summary page,
/// `GET /health`. Every refusal is a 4xx (or 5xx when the database fails) and one log line.
final class ReportHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let context: ReportServerContext
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    /// Set once a response has been sent for the request still arriving: the rest of it is dropped.
    private var refused = false

    init(context: ReportServerContext) {
        self.context = context
    }

    func channelRead(context channel: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            refused = false
            if let length = head.headers.first(name: "content-length").flatMap(Int.init),
                length > context.configuration.maximumBodySize
            {
                refuse(channel, .payloadTooLarge, "a body of \(length) bytes is over the limit")
            }
        case .body(var chunk):
            guard !refused else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > context.configuration.maximumBodySize {
                refuse(
                    channel, .payloadTooLarge,
                    "a body over the limit of \(context.configuration.maximumBodySize) bytes")
                return
            }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            channel.triggerUserOutboundEvent(RequestDeadlineHandler.RequestComplete(), promise: nil)
            guard !refused, let head else { return }
            self.head = nil
            route(channel, head, body.map { Array($0.readableBytesView) } ?? [])
            body = nil
        }
    }

    func errorCaught(context channel: ChannelHandlerContext, error: Error) {
        let client = channel.remoteAddress?.ipAddress ?? "?"
        if refused {
            // The refusal was the event and had its line; the client's unread rest is no second one.
        } else if error is HTTPParserError {
            context.logger.warning(
                "refused a request that is not HTTP", metadata: ["client": "\(client)", "error": "\(error)"])
        } else if let error = error as? IOError, error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
            // The client went away: nothing to tell it, nothing worth a log line per connection.
        } else {
            context.logger.warning(
                "closed a connection", metadata: ["client": "\(client)", "error": "\(error)"])
        }
        channel.close(promise: nil)
    }

    private func route(_ channel: ChannelHandlerContext, _ head: HTTPRequestHead, _ body: [UInt8]) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.GET, "/health"), (.HEAD, "/health"):
            respond(channel, head, .ok, contentType: "text/plain; charset=utf-8", body: "ok\n")
        case (.GET, "/"), (.HEAD, "/"):
            page(channel, head)
        case (.POST, _):
            report(channel, head, body)
        case (.GET, _), (.HEAD, _):
            respond(channel, head, .notFound, contentType: "text/plain; charset=utf-8", body: "not found\n")
        default:
            context.logger.info(
                "refused a request: method \(head.method) is not allowed",
                metadata: ["client": "\(channel.remoteAddress?.ipAddress ?? "?")"])
            var headers = HTTPHeaders()
            headers.add(name: "Allow", value: "GET, HEAD, POST")
            respond(
                channel, head, .methodNotAllowed, contentType: "text/plain; charset=utf-8",
                body: "method not allowed\n",
                extraHeaders: headers)
        }
    }

    private func report(_ channel: ChannelHandlerContext, _ head: HTTPRequestHead, _ body: [UInt8]) {
        let client = channel.remoteAddress?.ipAddress ?? "unknown"
        let contentType = head.headers.first(name: "content-type")?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") || contentType.hasPrefix("application/csp-report")
        else {
            context.logger.info(
                "refused a report: content type \(contentType.isEmpty ? "missing" : InputName.escapingControlCharacters(contentType)), not application/json",
                metadata: ["client": "\(client)"])
            respond(
                channel, head, .unsupportedMediaType, contentType: "text/plain; charset=utf-8",
                body: "send application/json\n")
            return
        }
        let analyzed: AnalyzedReport
        do {
            analyzed = try AnalyzedReport(ReportDecoder.decode(body), pinSet: context.configuration.pinSet)
        } catch {
            context.logger.info("refused a report: \(error.message)", metadata: ["client": "\(client)"])
            respond(
                channel, head, .badRequest, contentType: "text/plain; charset=utf-8",
                body: error.message + "\n")
            return
        }
        let bound = NIOLoopBound((self, channel), eventLoop: channel.eventLoop)
        let logger = context.logger
        let inFlight = context.inFlight
        inFlight.begin()
        context.writer.submit(analyzed, client: client) { result in
            bound.eventLoop.execute {
                let (handler, channel) = bound.value
                let host = InputName.escapingControlCharacters(analyzed.report.hostname)
                switch result {
                case .success(let outcome):
                    let (what, id) =
                        switch outcome {
                        case .stored(let id): ("stored", id)
                        case .counted(let id): ("counted again", id)
                        }
                    logger.info(
                        "report \(what)",
                        metadata: [
                            "id": "\(id)", "host": "\(host)", "format": "\(analyzed.report.format.rawValue)",
                            "client": "\(client)",
                        ])
                    handler.respond(channel, head, .noContent, contentType: nil, body: "") { inFlight.end() }
                case .failure(let error):
                    let status: HTTPResponseStatus =
                        error.code == .databaseFull ? .insufficientStorage : .serviceUnavailable
                    logger.error(
                        "report not stored: \(error.message)",
                        metadata: ["host": "\(host)", "client": "\(client)"])
                    handler.respond(
                        channel, head, status, contentType: "text/plain; charset=utf-8",
                        body: "report not stored\n"
                    ) { inFlight.end() }
                }
            }
        }
    }

    private func page(_ channel: ChannelHandlerContext, _ head: HTTPRequestHead) {
        let bound = NIOLoopBound((self, channel), eventLoop: channel.eventLoop)
        let path = context.configuration.databasePath
        let logger = context.logger
        context.threadPool.runIfActive(eventLoop: channel.eventLoop) { () throws -> String in
            try ReportSummary.read(databaseAt: path, since: 0).html
        }.whenComplete { result in
            let (handler, channel) = bound.value
            switch result {
            case .success(let html):
                var headers = HTTPHeaders()
                // Nothing from elsewhere, no script at all: the page is text and an inline style.
                headers.add(
                    name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'")
                headers.add(name: "X-Content-Type-Options", value: "nosniff")
                handler.respond(
                    channel, head, .ok, contentType: "text/html; charset=utf-8", body: html,
                    extraHeaders: headers)
            case .failure(let error):
                logger.error("the page could not be made: \(error)")
                handler.respond(
                    channel, head, .internalServerError, contentType: "text/plain; charset=utf-8",
                    body: "the summary could not be read\n")
            }
        }
    }

    /// Answers `status` and closes the connection, for a request refused before its body arrived.
    private func refuse(_ channel: ChannelHandlerContext, _ status: HTTPResponseStatus, _ reason: String) {
        refused = true
        context.logger.info(
            "refused a report: \(reason)", metadata: ["client": "\(channel.remoteAddress?.ipAddress ?? "?")"])
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(reason.utf8.count + 1)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        channel.write(wrapOutboundOut(.head(head)), promise: nil)
        channel.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reason + "\n")))), promise: nil)
        let bound = NIOLoopBound(channel, eventLoop: channel.eventLoop)
        channel.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil)
        }
    }

    private func respond(
        _ channel: ChannelHandlerContext, _ request: HTTPRequestHead, _ status: HTTPResponseStatus,
        contentType: String?,
        body: String, extraHeaders: HTTPHeaders = [:], then done: (@Sendable () -> Void)? = nil
    ) {
        let keepAlive = request.isKeepAlive && !context.inFlight.isDraining
        var headers = extraHeaders
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        if status != .noContent { headers.add(name: "Content-Length", value: "\(body.utf8.count)") }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        headers.add(name: "Cache-Control", value: "no-store")
        var head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        if request.version.major == 1, request.version.minor == 0 { head.version = .http1_0 }
        channel.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD, !body.isEmpty {
            channel.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        }
        let written = channel.writeAndFlush(wrapOutboundOut(.end(nil)))
        let bound = NIOLoopBound(channel, eventLoop: channel.eventLoop)
        written.whenComplete { _ in
            done?()
            if !keepAlive { bound.value.close(promise: nil) }
        }
    }
}

/// What every connection's handler shares: the configuration, the writer, the log, the thread pool that
/// reads the summary off the event loops, and the requests still being answered.
final class ReportServerContext: Sendable {
    let configuration: ReportServerConfiguration
    let writer: ReportWriter
    let logger: Logger
    let threadPool: NIOThreadPool
    let inFlight = InFlightRequests()

    init(
        configuration: ReportServerConfiguration, writer: ReportWriter, logger: Logger,
        threadPool: NIOThreadPool
    ) {
        self.configuration = configuration
        self.writer = writer
        self.logger = logger
        self.threadPool = threadPool
    }
}
