import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What must be undone when SIGINT, SIGTERM or SIGHUP ends the process part-way: files that must not
/// outlive an interrupted write (a named temporary file holding a key, a key whose request is not written
/// yet) and a terminal whose echo is off during a passphrase prompt.
///
/// The library installs its handler only while such a thing exists, only for signals whose disposition is
/// the default (a program that ignores or handles a signal keeps its own), and puts the default back
/// after. The handler removes the files, restores the terminal, then dies of the same signal, so the
/// exit status is what it would have been. It is async-signal-safe: it reads only memory prepared before
/// it was armed (paths as C strings, the saved terminal settings) and calls only `unlink`, `tcsetattr`,
/// `write`, `signal` and `raise`.
enum SignalCleanup {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Which file a descriptor is open on (device and inode), so that the handler removes a name only
    /// while it still names that file, never one another process put there.
    struct FileIdentity: Sendable, Equatable {
        let device: UInt64
        let inode: UInt64

        init(device: UInt64, inode: UInt64) {
            self.device = device
            self.inode = inode
        }

        /// The file open on `descriptor`; if `fstat` fails, inode 0, which names no file.
        init(descriptor: Int32) {
            var status = stat()
            let known = fstat(descriptor, &status) == 0
            device = known ? UInt64(status.st_dev) : 0
            inode = known ? UInt64(status.st_ino) : 0
        }
    }

    /// Runs `body`; if a signal ends the process meanwhile, `path` is removed first, when it names the
    /// file `identity` (`lstat`). A relative `path` is taken from the current directory, which pinhash
    /// never changes. Without a free slot (many threads writing at once) `body` runs unguarded.
    static func removing<Result, Failure: Error>(
        _ path: String, ifItIs identity: FileIdentity, during body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let slot = CleanupMemory.shared.armFile(path, identity)
        defer { if let slot { CleanupMemory.shared.disarmFile(slot) } }
        return try body()
    }

    /// Runs `body`; if a signal ends the process meanwhile, `terminal` is set back to `settings` (and a
    /// line ended, as after the prompt) first.
    static func restoring<Result, Failure: Error>(
        terminal: Int32, to settings: termios, during body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let armed = CleanupMemory.shared.armTerminal(terminal, settings)
        defer { if armed { CleanupMemory.shared.disarmTerminal() } }
        return try body()
    }
}

/// The handler's memory, allocated once (before the handler is first installed) and never freed: nothing
/// is allocated, retained or locked while a signal is handled.
private struct CleanupMemory: ~Copyable, @unchecked Sendable {  // raw memory, guarded by the atomics
    static let shared = CleanupMemory()
    static let fileSlots = 4
    /// PATH_MAX on Linux; a longer path could not have been created.
    static let pathCapacity = 4096

    /// Each slot is free, being filled by the thread that claimed it, or armed for the handler.
    let fileStates: InlineArray<4, Atomic<SlotState>> = InlineArray { _ in Atomic(.free) }
    let terminalState = Atomic<SlotState>(.free)
    let paths: UnsafeMutablePointer<CChar>
    let identities: UnsafeMutablePointer<SignalCleanup.FileIdentity>
    let terminalSettings: UnsafeMutablePointer<termios>
    let terminalDescriptor: UnsafeMutablePointer<Int32>
    let newline: UnsafeMutablePointer<UInt8>

    private init() {
        paths = .allocate(capacity: Self.fileSlots * Self.pathCapacity)
        paths.initialize(repeating: 0, count: Self.fileSlots * Self.pathCapacity)
        identities = .allocate(capacity: Self.fileSlots)
        identities.initialize(
            repeating: SignalCleanup.FileIdentity(device: 0, inode: 0), count: Self.fileSlots)
        terminalSettings = .allocate(capacity: 1)
        terminalSettings.initialize(to: termios())
        terminalDescriptor = .allocate(capacity: 1)
        terminalDescriptor.initialize(to: -1)
        newline = .allocate(capacity: 1)
        newline.initialize(to: 0x0A)
    }

    func armFile(_ path: String, _ identity: SignalCleanup.FileIdentity) -> Int? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < Self.pathCapacity, !bytes.contains(0) else { return nil }
        for slot in 0..<Self.fileSlots
        where fileStates[slot].compareExchange(expected: .free, desired: .filling, ordering: .acquiring)
            .exchanged
        {
            let start = paths + slot * Self.pathCapacity
            bytes.withUnsafeBufferPointer { source in
                UnsafeMutableRawPointer(start).copyMemory(from: source.baseAddress!, byteCount: source.count)
            }
            start[bytes.count] = 0
            identities[slot] = identity
            fileStates[slot].store(.armed, ordering: .releasing)
            handlers.install()
            return slot
        }
        return nil
    }

    func disarmFile(_ slot: Int) {
        fileStates[slot].store(.free, ordering: .releasing)
        handlers.remove()
    }

    func armTerminal(_ descriptor: Int32, _ settings: termios) -> Bool {
        guard
            terminalState.compareExchange(expected: .free, desired: .filling, ordering: .acquiring).exchanged
        else { return false }
        terminalSettings.pointee = settings
        terminalDescriptor.pointee = descriptor
        terminalState.store(.armed, ordering: .releasing)
        handlers.install()
        return true
    }

    func disarmTerminal() {
        terminalState.store(.free, ordering: .releasing)
        handlers.remove()
    }

    /// Called from the signal handler.
    func cleanUp() {
        if terminalState.load(ordering: .acquiring) == .armed {
            _ = tcsetattr(terminalDescriptor.pointee, TCSANOW, terminalSettings)
            _ = write(terminalDescriptor.pointee, newline, 1)
        }
        for slot in 0..<Self.fileSlots where fileStates[slot].load(ordering: .acquiring) == .armed {
            let path = paths + slot * Self.pathCapacity
            var status = stat()
            guard lstat(path, &status) == 0, UInt64(status.st_dev) == identities[slot].device,
                UInt64(status.st_ino) == identities[slot].inode
            else { continue }
            _ = unlink(path)
        }
    }
}

private enum SlotState: Int, AtomicRepresentable {
    case free, filling, armed
}

private let handlers = InstalledHandlers()

/// How many slots are armed, and which signals the handler was installed for (those whose disposition
/// was the default); touched only outside the handler.
private final class InstalledHandlers: Sendable {
    private let state = Mutex<(users: Int, installed: [Int32])>((0, []))

    func install() {
        state.withLock { state in
            state.users += 1
            guard state.users == 1 else { return }
            for signal in SignalCleanup.signals {
                var current = sigaction()
                guard sigaction(signal, nil, &current) == 0, isDefault(current) else { continue }
                var action = sigaction()
                setHandler(&action, cleanUpAndDie)
                sigemptyset(&action.sa_mask)
                for other in SignalCleanup.signals { sigaddset(&action.sa_mask, other) }
                action.sa_flags = SA_RESTART
                if sigaction(signal, &action, nil) == 0 { state.installed.append(signal) }
            }
        }
    }

    func remove() {
        state.withLock { state in
            state.users -= 1
            guard state.users == 0 else { return }
            for signal in state.installed {
                var action = sigaction()
                setHandler(&action, SIG_DFL)
                sigemptyset(&action.sa_mask)
                _ = sigaction(signal, &action, nil)
            }
            state.installed = []
        }
    }

    private func isDefault(_ action: sigaction) -> Bool {
        #if canImport(Glibc)
            unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self)
                == unsafeBitCast(SIG_DFL, to: Int.self)
        #else
            unsafeBitCast(action.__sigaction_u.__sa_handler, to: Int.self)
                == unsafeBitCast(SIG_DFL, to: Int.self)
        #endif
    }

    private func setHandler(_ action: inout sigaction, _ handler: (@convention(c) (Int32) -> Void)?) {
        #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = handler
        #else
            action.__sigaction_u.__sa_handler = handler
        #endif
    }
}

/// The handler: undo what is armed, then die of the same signal with its default action (it is blocked
/// until the handler returns, and then ends the process).
private let cleanUpAndDie: @convention(c) (Int32) -> Void = { signalNumber in
    CleanupMemory.shared.cleanUp()
    _ = signal(signalNumber, SIG_DFL)
    _ = raise(signalNumber)
}
