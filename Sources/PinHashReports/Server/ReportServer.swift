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

        let channel: Channel
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            try? threadPool.syncShutdownGracefully()
            writer.close()
            throw ReportsError(
                .listen, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        let bound = channel.localAddress.map {
            "\($0.ipAddress ?? configuration.host):\($0.port ?? configuration.port)"
        }
        logger.info(
            "listening on \(bound ?? "?")",
            metadata: ["db": "\(configuration.databasePath)", "pid": "\(getpid())"])

        let signal = Self.waitForSignal()
        logger.info("\(signal == SIGTERM ? "SIGTERM" : "SIGINT"): stopping")
        context.inFlight.drain()
        try? channel.close().wait()
        // Requests already received finish: each waits for its commit, then for its answer to be written.
        for _ in 0..<1000 where context.inFlight.current > 0 { usleep(10_000) }
        writer.close()
        try? group.syncShutdownGracefully()
        try? threadPool.syncShutdownGracefully()
        logger.info("stopped", metadata: ["unanswered": "\(context.inFlight.current)"])
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
