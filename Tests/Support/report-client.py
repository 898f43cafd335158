#!/usr/bin/env python3
"""Clients for pinhash-reports' tests, on loopback only, each bounded in time.

  post PORT SECONDS THREADS CHAIN OUT  POST distinct TrustKit reports (one host name each, the certificates
                                       of CHAIN as the validated chain) from THREADS threads for SECONDS
                                       seconds; each host name answered 2xx is appended to OUT as it comes.
  slow PORT SECONDS                    send a report one byte a second; print how many seconds passed
                                       before the server closed the connection (or SECONDS if it did not).
  flood PORT COUNT [TIMEOUT]           open COUNT connections at once (each connect given TIMEOUT seconds,
                                       default 5), wait, and print how many the server
                                       closed and how many it kept open, as JSON; then close them all.
"""
import http.client
import json
import re
import resource
import socket
import sys
import threading
import time


def post(port, seconds, threads, chain, out):
    pems = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n", open(chain).read(), re.S)
    lock = threading.Lock()
    sink = open(out, "a", buffering=1)
    counts = {"acknowledged": 0, "failed": 0}
    deadline = time.monotonic() + seconds

    def worker(number):
        sent = 0
        connection = None
        while time.monotonic() < deadline:
            host = "h%d-%d.example.com" % (number, sent)
            sent += 1
            body = json.dumps({
                "app-bundle-id": "com.example.app", "app-version": "4.2", "app-platform": "IOS",
                "hostname": host, "port": 443, "known-pins": [], "validated-certificate-chain": pems,
                "validation-result": 1, "enforce-pinning": True})
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("POST", "/report", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                ok = 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                ok = False
                connection = None
                time.sleep(0.01)
            with lock:
                if ok:
                    sink.write(host + "\n")
                    counts["acknowledged"] += 1
                else:
                    counts["failed"] += 1

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    sink.close()
    print(json.dumps(counts))


def slow(port, seconds):
    body = b'{"hostname": "slow.example.com"}'
    request = (b"POST /report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body)) + body
    s = socket.create_connection(("127.0.0.1", port), timeout=seconds)
    start = time.monotonic()
    closed = None
    for byte in request:
        try:
            s.settimeout(1)
            try:
                if s.recv(1024) == b"":
                    closed = time.monotonic() - start
                    break
            except socket.timeout:
                pass
            s.send(bytes([byte]))
        except OSError:
            closed = time.monotonic() - start
            break
        if time.monotonic() - start > seconds:
            break
    s.close()
    print(json.dumps({"closed_after": closed}))


def flood(port, count, connect_timeout=5.0):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 100)), hard))
    sockets = []
    for _ in range(count):
        try:
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=connect_timeout))
        except OSError:
            pass
    time.sleep(1.5)
    closed = 0
    for s in sockets:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(json.dumps({"connected": len(sockets), "closed": closed, "open": len(sockets) - closed}))
    for s in sockets:
        s.close()


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "post":
        post(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
    elif mode == "slow":
        slow(int(sys.argv[2]), float(sys.argv[3]))
    elif mode == "flood":
        flood(int(sys.argv[2]), int(sys.argv[3]), *(float(a) for a in sys.argv[4:5]))
