#!/usr/bin/env python3
"""Runs a program on a pseudo-terminal, waits for its passphrase prompt, ends the prompt and reports the
terminal's echo afterwards.

usage: prompt-interrupt.py HOW PROGRAM [ARGUMENT...]
HOW is INT (a typed Ctrl-C, through the terminal's line discipline), TERM or HUP (sent with kill), or
TYPE:TEXT (TEXT typed as the passphrase, then Enter). Prints one line and exits 0:
`echo=on|off signal=N status=N` (signal: the one that ended the program, else 0; status: its exit
status, else 0); exits 2 when no prompt came or the program did not end within 10 seconds.
"""
import os
import pty
import select
import signal
import sys
import termios
import time


def fail(pid, why):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print(why)
    sys.exit(2)


def main():
    how, program = sys.argv[1], sys.argv[2:]
    pid, master = pty.fork()
    if pid == 0:
        # As from a shell: nothing blocked (a test runner's thread may block SIGTERM), defaults restored.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(number, signal.SIG_DFL)
        os.execv(program[0], program)
    seen = b""
    deadline = time.monotonic() + 20
    while b"pass phrase" not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
    if b"pass phrase" not in seen:
        fail(pid, f"no prompt: {seen!r}")
    # The prompt is written just before the read starts: give the program a moment to reach the read.
    time.sleep(0.2)
    if termios.tcgetattr(master)[3] & termios.ECHO:
        fail(pid, "echo was on at the prompt")
    if how.startswith("TYPE:"):
        os.write(master, how[5:].encode() + b"\n")
    elif how == "INT":
        os.write(master, termios.tcgetattr(master)[6][termios.VINTR])
    else:
        os.kill(pid, getattr(signal, "SIG" + how))
    deadline = time.monotonic() + 10
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            fail(pid, "the program did not end")
        # Keep reading so that output cannot fill the terminal and block the program.
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 4096)
            except OSError:
                pass
    # The settings belong to the terminal, which lives on while this end is open.
    echo = termios.tcgetattr(master)[3] & termios.ECHO
    ended_by = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 0
    print(f"echo={'on' if echo else 'off'} signal={ended_by} status={code}")


main()
