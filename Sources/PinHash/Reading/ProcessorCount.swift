#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many processors this process may run on: the threads that decode a bundle are as many.
enum ProcessorCount {
    /// The processors of the affinity mask (what `taskset` and container limits leave), read once; the
    /// online count where there is no such mask.
    static let available: Int = {
        #if os(Linux)
            var set = cpu_set_t()
            if schedGetAffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0 {
                let count = withUnsafeBytes(of: &set) { bytes in
                    bytes.reduce(0) { $0 + $1.nonzeroBitCount }
                }
                if count > 0 { return count }
            }
        #endif
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }()
}

#if os(Linux)
    // Glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does not define; the arguments
    // (an int, a size and a pointer) pass the same way in Swift's convention as in C's.
    @_silgen_name("sched_getaffinity")
    private func schedGetAffinity(_ pid: pid_t, _ size: Int, _ mask: UnsafeMutablePointer<cpu_set_t>)
        -> Int32
#endif
