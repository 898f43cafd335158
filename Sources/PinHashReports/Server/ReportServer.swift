import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// The collector: listens, stores reports through one ``ReportWriter``, serves the page, and stops
/// gracefully on SIGTERM or SIGINT: no new connection, every request already received answered, every
/// accepted report committed.
public final class ReportServer: Sendable {
    private let configuration: ReportServerConfiguration
    private let logger: Logger

    public init(configuration: ReportServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT, then shuts down and returns.
    public func run() throws(ReportsError) {
        let writer = try ReportWriter(
            databaseAt: configuration.databasePath, window: configuration.repeatWindow,
            maximumSize: configuration.maximumDatabaseSize)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let context = ReportServerContext(
            configuration: configuration, writer: writer, logger: logger, threadPool: threadPool)
        let limiter = ConnectionLimiter(limit: configuration.maximumConnections)
        let refusedConnections = RefusalLog(logger: logger)

        let configuration = configuration
        let logger = logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptErrors(logger: logger))
                }
            }
            // A burst the event loop cannot accept at once waits in the kernel instead of having its SYNs
            // dropped (each dropped one costs its client a second or more): Linux's default cap, somaxconn.
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                guard limiter.admit() else {
                    refusedConnections.note(channel.remoteAddress?.ipAddress)
                    return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
                }
                channel.closeFuture.whenComplete { _ in limiter.release() }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(
                        IdleStateHandler(readTimeout: .seconds(configuration.idleTimeout)))
                    try pipeline.addHandler(IdleConnectionCloser())
                    try pipeline.addHandler(
                        RequestDeadlineHandler(
                            timeout: .seconds(configuration.requestTimeout), logger: logger))
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(ReportHTTPHandler(context: context))
                }
            }

        let listener = Listener(
            bootstrap: bootstrap, host: configuration.host, port: configuration.port,
            metadata: ["db": "\(configuration.databasePath)", "pid": "\(getpid())"], logger: logger)
        do {
            try listener.open()
        } catch {
            try? group.syncShutdownGracefully()
            try? threadPool.syncShutdownGracefully()
            writer.close()
            throw error
        }

        let signal = Self.waitForSignal()
        let failure = listener.failure
        logger.info(
            "\(failure == nil ? (signal == SIGTERM ? "SIGTERM" : "SIGINT") : "nothing to listen on"): stopping"
        )
        context.inFlight.drain()
        listener.close()
        // Requests already received finish: each waits for its commit, then for its answer to be written.
        for _ in 0..<1000 where context.inFlight.current > 0 { usleep(10_000) }
        writer.close()
        try? group.syncShutdownGracefully()
        try? threadPool.syncShutdownGracefully()
        logger.info("stopped", metadata: ["unanswered": "\(context.inFlight.current)"])
        if let failure { throw ReportsError(.listen, failure) }
    }

    /// Blocks until SIGTERM or SIGINT arrives and returns which.
    private static func waitForSignal() -> Int32 {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        var received: Int32 = 0
        sigwait(&signals, &received)
        return received
    }

    /// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts later, so that only
    /// ``run()``'s wait receives them. Call first thing in `main`, before any thread exists.
    public static func blockStopSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        signal(SIGPIPE, SIG_IGN)
    }
}

/// The listening socket, opened again when it closes while the server runs. NIO closes a listening channel
/// on an accept error it does not expect (an accepted connection already gone can raise one), and the
/// collector kept running with no socket: it accepted nothing, said nothing, and exited 0 when stopped.
/// Now the closure is logged (after `AcceptErrors`' line with its cause) and the address is listened on
/// again; when that fails too, the server stops as on SIGTERM and exits 1, for a supervisor to restart it.
///
/// `@unchecked Sendable`: its state is behind a lock, and the bootstrap (not Sendable) only binds, once at
/// a time: first from `run`, then from the closure of the channel before.
final class Listener: @unchecked Sendable {
    private let bootstrap: ServerBootstrap
    private let host: String
    private let logger: Logger
    private let metadata: Logger.Metadata
    private let state = NIOLockedValueBox<(channel: Channel?, port: Int, closing: Bool, failure: String?)>(
        (nil, 0, false, nil))

    init(
        bootstrap: ServerBootstrap, host: String, port: Int, metadata: Logger.Metadata, logger: Logger
    ) {
        self.bootstrap = bootstrap
        self.metadata = metadata
        self.host = host
        self.logger = logger
        state.withLockedValue { $0.port = port }
    }

    /// Why the server stopped listening for good; nil while it listens or once stopped by a signal.
    var failure: String? { state.withLockedValue { $0.failure } }

    /// Listens on the address (port 0: a free one, kept when listening again), or throws.
    func open() throws(ReportsError) {
        let port = state.withLockedValue { $0.port }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            throw ReportsError(.listen, "cannot listen on \(host):\(port): \(error)")
        }
        let bound = channel.localAddress?.port ?? port
        let stopping = state.withLockedValue { state -> Bool in
            state.channel = channel
            state.port = bound
            return state.closing
        }
        // Listening again raced with a stop: the stop closed the socket before; this one is closed here.
        guard !stopping else {
            channel.close(promise: nil)
            return
        }
        logger.info(
            "listening on \(channel.localAddress?.ipAddress ?? host):\(bound)",
            metadata: metadata)
        channel.closeFuture.whenComplete { _ in self.closed(channel) }
    }

    /// Stops listening: no new connection.
    func close() {
        let channel = state.withLockedValue { state -> Channel? in
            state.closing = true
            return state.channel
        }
        try? channel?.close().wait()
    }

    private func closed(_ channel: Channel) {
        let (closing, port) = state.withLockedValue { ($0.closing, $0.port) }
        guard !closing else { return }
        logger.error("the listening socket on \(host):\(port) closed; listening again")
        // Not on the event loop that delivered the closure: binding waits for an event loop of the group.
        DispatchQueue.global().async {
            do throws(ReportsError) {
                try self.open()
            } catch {
                self.logger.critical("\(error.message)")
                self.state.withLockedValue { $0.failure = error.message }
                kill(getpid(), SIGTERM)
            }
        }
    }
}

/// What the listening channel does when accepting fails. Out of file descriptors (or memory), accept fails
/// until some connections close, and NIO, which keeps the socket registered after an error it tolerates,
/// retried at once: a core at 100% and no log line (its AcceptBackoffHandler waits for a read request that
/// then never comes). Here reading stops for a second, with one log line, and starts again. Any other
/// error is logged as it comes; the one that makes NIO close the listening socket comes just before it
/// does, and `Listener` listens again.
final class AcceptErrors: ChannelInboundHandler, Sendable {
    typealias InboundIn = Channel

    private let logger: Logger
    init(logger: Logger) { self.logger = logger }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let exhausted =
            (error as? IOError).map { [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains($0.errnoCode) } ?? false
        guard exhausted else {
            logger.error("accepting a connection failed: \(error)")
            context.fireErrorCaught(error)
            return
        }
        logger.warning("accepting a connection failed: \(error); accepting again in a second")
        let channel = context.channel
        channel.setOption(.autoRead, value: false).whenSuccess {
            channel.eventLoop.scheduleTask(in: .seconds(1)) {
                channel.setOption(.autoRead, value: true).whenFailure { _ in }
            }
        }
        context.fireErrorCaught(error)
    }
}

/// One log line per second at most for connections refused over the limit, with how many there were:
/// a flood of connections does not become a flood of log lines.
final class RefusalLog: Sendable {
    private let logger: Logger
    private let state = NIOLockedValueBox<(count: Int, since: UInt64)>((0, 0))

    init(logger: Logger) { self.logger = logger }

    func note(_ client: String?) {
        let now = DispatchTime.now().uptimeNanoseconds
        let count: Int? = state.withLockedValue { state in
            state.count += 1
            guard now - state.since >= 1_000_000_000 else { return nil }
            defer { state = (0, now) }
            return state.count
        }
        if let count {
            logger.warning(
                "refused \(count) connection\(count == 1 ? "" : "s") over the limit",
                metadata: ["client": "\(client ?? "?")"])
        }
    }
}
