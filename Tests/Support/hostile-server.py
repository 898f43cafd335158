#!/usr/bin/env python3
"""A loopback peer that never lets a client's step end, for pinhash's --timeout tests:

    hostile-server.py MODE ADDRESS [CERTFILE KEYFILE]

MODE is one of
  imap-exists-flood  greets as an IMAP server offering STARTTLS, reads the STARTTLS command, then sends
                     untagged `* 1 EXISTS` lines as fast as the client takes them, never the tagged reply;
  tls-hello-request-flood
                     reads the ClientHello, then sends TLS handshake records of one HelloRequest message each
                     (RFC 5246 section 7.4.1.1, which a client in a handshake must ignore) without end;
  https-trickled-head
                     (CERTFILE and KEYFILE needed) completes a TLS handshake with Python's ssl module,
                     reads the request, then sends an HTTP response head one header line every 0.2 s,
                     never the blank line that ends it.
The server binds ADDRESS port 0, prints `listening PORT` once it accepts connections, and serves each
connection on a thread until it is killed; a client that leaves ends that connection's thread.
"""
import socket
import ssl
import sys
import threading
import time

# A handshake record holding one HelloRequest message (type 0, length 0): one record each costs the
# client far more than it costs this server, so the socket stays full.
HELLO_REQUEST = b"\x16\x03\x03\x00\x04\x00\x00\x00\x00"


def imap_exists_flood(connection):
    connection.sendall(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] pinhash-test ready\r\n")
    connection.recv(4096)
    lines = b"* 1 EXISTS\r\n" * 4096
    while True:
        connection.sendall(lines)


def tls_hello_request_flood(connection):
    connection.recv(16384)
    records = HELLO_REQUEST * 65536
    while True:
        connection.sendall(records)


def https_trickled_head(connection, context):
    with context.wrap_socket(connection, server_side=True) as tls:
        tls.recv(4096)
        tls.sendall(b"HTTP/1.1 200 OK\r\n")
        number = 0
        while True:
            number += 1
            tls.sendall(b"X-Trickle-%d: never ends\r\n" % number)
            time.sleep(0.2)


def serve(mode, connection, context):
    try:
        if mode == "imap-exists-flood":
            imap_exists_flood(connection)
        elif mode == "tls-hello-request-flood":
            tls_hello_request_flood(connection)
        else:
            https_trickled_head(connection, context)
    except (OSError, ssl.SSLError):
        pass  # the client left, as it should
    finally:
        connection.close()


def main():
    mode, address = sys.argv[1], sys.argv[2]
    modes = ("imap-exists-flood", "tls-hello-request-flood", "https-trickled-head")
    if mode not in modes:
        sys.exit(f"unknown mode {mode}; the modes are {', '.join(modes)}")
    context = None
    if mode == "https-trickled-head":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, 0))
    listener.listen(16)
    print(f"listening {listener.getsockname()[1]}", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(mode, connection, context), daemon=True).start()


if __name__ == "__main__":
    main()
