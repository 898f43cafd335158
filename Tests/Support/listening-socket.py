#!/usr/bin/env python3
"""Does to a running server's listening socket what the kernel or a hostile network can, for the tests.

    listening-socket.py close PID PORT   shut the socket down: the server's next accept fails (EINVAL)
    listening-socket.py steal PID PORT   the same while PID is stopped, and take the port meanwhile; hold it
                                         until PID exits (at most 30 s); print PID's exit as seen
    listening-socket.py starve PID       lower PID's open-file limit so that it can open no file; print
                                         the limit it had
    listening-socket.py restore PID N    set PID's open-file limit back to N
    listening-socket.py cpu PID SECONDS  print the CPU seconds PID used in SECONDS of wall time

The socket is reached through pidfd_getfd(2) (Linux 5.6), which duplicates PID's descriptor into this
process: a shutdown(2) of the duplicate acts on the socket itself. Exit status 3 when that is refused.
"""
import ctypes
import os
import resource
import signal
import socket
import sys
import time

SYS_PIDFD_GETFD = 438


def listening_descriptor(pid, port):
    inode = None
    with open("/proc/net/tcp") as table:
        for line in table.read().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(":%04X" % port) and fields[3] == "0A":
                inode = fields[9]
    if inode is None:
        sys.exit("nothing listens on port %d" % port)
    for name in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, name)) == "socket:[%s]" % inode:
                return int(name)
        except OSError:
            pass
    sys.exit("process %d does not hold the socket listening on port %d" % (pid, port))


def duplicate(pid, descriptor):
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    mine = libc.syscall(SYS_PIDFD_GETFD, pidfd, descriptor, 0)
    os.close(pidfd)
    if mine < 0:
        print("pidfd_getfd: %s" % os.strerror(ctypes.get_errno()), file=sys.stderr)
        sys.exit(3)
    return socket.socket(fileno=mine)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    mode, pid = sys.argv[1], int(sys.argv[2])
    if mode == "close":
        duplicate(pid, listening_descriptor(pid, int(sys.argv[3]))).shutdown(socket.SHUT_RDWR)
    elif mode == "steal":
        port = int(sys.argv[3])
        sock = duplicate(pid, listening_descriptor(pid, port))
        os.kill(pid, signal.SIGSTOP)
        try:
            sock.shutdown(socket.SHUT_RDWR)
            thief = socket.socket()
            thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            thief.bind(("127.0.0.1", port))
            thief.listen(16)
        finally:
            os.kill(pid, signal.SIGCONT)
        sock.close()
        deadline = time.time() + 30
        while time.time() < deadline and os.path.exists("/proc/%d" % pid):
            with open("/proc/%d/stat" % pid) as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.05)
        print("held the port until the server exited" if time.time() < deadline else "the server kept running")
    elif mode == "starve":
        soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        # A new descriptor takes the lowest free number, which must be under the limit.
        used = {int(name) for name in os.listdir("/proc/%d/fd" % pid)}
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (min(set(range(len(used) + 1)) - used), hard))
        print(soft)
    elif mode == "restore":
        limit = int(sys.argv[3])
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (limit, resource.prlimit(pid, resource.RLIMIT_NOFILE)[1]))
    elif mode == "cpu":
        before = cpu_seconds(pid)
        time.sleep(float(sys.argv[3]))
        print("%.3f" % (cpu_seconds(pid) - before))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
