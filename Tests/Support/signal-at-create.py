#!/usr/bin/env python3
"""Runs a program that creates files in DIRECTORY and sends it SIGNAL the moment the first name appears
there (inotify IN_CREATE), or after DELAY seconds when DELAY is given instead of `create`. A program that
ended before the signal could be sent is not signalled.

usage: signal-at-create.py SIGNAL create|DELAY DIRECTORY PROGRAM [ARGUMENT...]
SIGNAL is INT, TERM or HUP. Prints one line and exits 0: `first=NAME signal=N status=N` (first: the first
name created in DIRECTORY before the signal, `-` if none; signal: the one that ended the program, else 0;
status: its exit status, else 0). Exits 2 if the program did not end within 30 seconds.
"""
import ctypes
import os
import select
import signal
import struct
import subprocess
import sys
import time

IN_CREATE = 0x100
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000


def main():
    name, when, directory, program = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    number = getattr(signal, "SIG" + name)
    libc = ctypes.CDLL(None, use_errno=True)
    watch = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
    if watch < 0 or libc.inotify_add_watch(watch, directory.encode(), IN_CREATE) < 0:
        print(f"inotify: {os.strerror(ctypes.get_errno())}")
        sys.exit(2)

    def as_from_a_shell():
        # Nothing blocked (a test runner's thread may block SIGTERM), default dispositions.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        for each in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(each, signal.SIG_DFL)

    child = subprocess.Popen(program, stdout=subprocess.DEVNULL, preexec_fn=as_from_a_shell)
    first = "-"
    if when == "create":
        while True:
            # Checked before waiting, so that an event that came just before the program ended is read.
            ended = child.poll() is not None
            if select.select([watch], [], [], 0 if ended else 0.01)[0]:
                events = os.read(watch, 65536)
                if not ended:
                    os.kill(child.pid, number)
                # struct inotify_event: wd, mask, cookie, len, then len bytes of NUL-padded name.
                _, _, _, length = struct.unpack_from("iIII", events)
                first = events[16 : 16 + length].rstrip(b"\0").decode()
                break
            if ended:
                break
    else:
        time.sleep(float(when))
        if child.poll() is None:
            os.kill(child.pid, number)
    try:
        status = child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        print("the program did not end")
        sys.exit(2)
    ended_by = -status if status < 0 else 0
    print(f"first={first} signal={ended_by} status={max(status, 0)}")


main()
