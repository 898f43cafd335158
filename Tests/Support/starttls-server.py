#!/usr/bin/env python3
"""A loopback mail server for pinhash's --starttls tests: speaks just enough SMTP, IMAP or POP3 to offer
STARTTLS (STLS for POP3), then runs the TLS handshake with Python's ssl module and the given chain.

    starttls-server.py PROTOCOL ADDRESS CERTFILE KEYFILE [--no-starttls]

CERTFILE holds the leaf followed by the chain to send. The server binds ADDRESS port 0, prints
`listening PORT` once it accepts connections, and serves each connection on a thread until it is killed.
With --no-starttls it neither advertises STARTTLS nor accepts the command.
"""
import socket
import ssl
import sys
import threading

GREETING = {
    "smtp": b"220 mail.example.com ESMTP pinhash-test\r\n",
    "imap": b"* OK [CAPABILITY IMAP4rev1 STARTTLS] pinhash-test ready\r\n",
    "pop3": b"+OK pinhash-test POP3 ready\r\n",
}
PLAIN_GREETING = {
    "smtp": GREETING["smtp"],
    "imap": b"* OK [CAPABILITY IMAP4rev1] pinhash-test ready\r\n",
    "pop3": GREETING["pop3"],
}


def read_line(stream):
    line = stream.readline(4096)
    if not line:
        raise EOFError
    return line.rstrip(b"\r\n")


def negotiate(protocol, connection, offers_starttls):
    """Answers commands until the client asks for TLS; True when the handshake should follow."""
    stream = connection.makefile("rb")
    connection.sendall((GREETING if offers_starttls else PLAIN_GREETING)[protocol])
    while True:
        line = read_line(stream)
        words = line.split(b" ")
        if protocol == "smtp":
            verb = words[0].upper()
            if verb in (b"EHLO", b"HELO"):
                extensions = [b"250-mail.example.com", b"250-PIPELINING", b"250-SIZE 10240000"]
                if offers_starttls:
                    extensions.append(b"250-STARTTLS")
                connection.sendall(b"\r\n".join(extensions) + b"\r\n250 8BITMIME\r\n")
            elif verb == b"STARTTLS" and offers_starttls:
                connection.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                return True
            elif verb == b"QUIT":
                connection.sendall(b"221 2.0.0 Bye\r\n")
                return False
            else:
                connection.sendall(b"502 5.5.1 Command not implemented\r\n")
        elif protocol == "imap":
            tag = words[0]
            command = words[1].upper() if len(words) > 1 else b""
            if command == b"CAPABILITY":
                capabilities = b"IMAP4rev1 STARTTLS" if offers_starttls else b"IMAP4rev1"
                connection.sendall(b"* CAPABILITY " + capabilities + b"\r\n" + tag + b" OK CAPABILITY completed\r\n")
            elif command == b"STARTTLS" and offers_starttls:
                connection.sendall(tag + b" OK Begin TLS negotiation now\r\n")
                return True
            elif command == b"LOGOUT":
                connection.sendall(b"* BYE\r\n" + tag + b" OK LOGOUT completed\r\n")
                return False
            else:
                connection.sendall(tag + b" BAD command unknown or not allowed\r\n")
        else:
            verb = words[0].upper()
            if verb == b"CAPA":
                capabilities = b"USER\r\nSTLS\r\n" if offers_starttls else b"USER\r\n"
                connection.sendall(b"+OK Capability list follows\r\n" + capabilities + b".\r\n")
            elif verb == b"STLS" and offers_starttls:
                connection.sendall(b"+OK Begin TLS negotiation\r\n")
                return True
            elif verb == b"QUIT":
                connection.sendall(b"+OK Bye\r\n")
                return False
            else:
                connection.sendall(b"-ERR unknown command\r\n")


def serve(protocol, connection, context, offers_starttls):
    try:
        with connection:
            if not negotiate(protocol, connection, offers_starttls):
                return
            with context.wrap_socket(connection, server_side=True) as tls:
                # The client reads the certificates and leaves; whatever it sends is read and dropped.
                while tls.recv(4096):
                    pass
    except (EOFError, OSError, ssl.SSLError) as error:
        print(f"connection ended: {error!r}", flush=True)


def main():
    arguments = [a for a in sys.argv[1:] if a != "--no-starttls"]
    offers_starttls = "--no-starttls" not in sys.argv[1:]
    if len(arguments) != 4 or arguments[0] not in GREETING:
        sys.exit(__doc__)
    protocol, address, certificates, key = arguments
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates, key)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, 0))
    listener.listen(16)
    print(f"listening {listener.getsockname()[1]}", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(protocol, connection, context, offers_starttls), daemon=True).start()


if __name__ == "__main__":
    main()
