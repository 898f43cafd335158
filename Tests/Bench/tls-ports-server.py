#!/usr/bin/env python3
"""Many loopback TLS servers in one process, for `make bench`'s `pinhash check` row.

    tls-ports-server.py COUNT CHAIN.pem KEY.pem [ADDRESS]

Listens on COUNT kernel-chosen ports of ADDRESS (default 127.0.0.1) with Python's ssl module (OpenSSL),
sending the certificates of CHAIN.pem (leaf first) with KEY.pem, and prints `listening PORT PORT …` once
every port listens. Each connection gets the handshake, then `HTTP/1.0 200 OK` to whatever arrives, and
is closed. One process with asyncio instead of COUNT `openssl s_server` processes: 200 of those cost
more memory and start-up than the clients being measured. Runs until SIGTERM or SIGINT.
"""
import asyncio
import signal
import ssl
import sys


async def serve(count, chain, key, address):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain, key)

    async def answer(reader, writer):
        try:
            await asyncio.wait_for(reader.read(4096), timeout=5)
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            await writer.drain()
        except Exception:
            pass
        finally:
            writer.close()

    servers = [await asyncio.start_server(answer, address, 0, ssl=context, backlog=256) for _ in range(count)]
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    print("listening " + " ".join(map(str, ports)), flush=True)
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, lambda: stop.done() or stop.set_result(None))
    await stop
    for server in servers:
        server.close()


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) == 5 else "127.0.0.1"))


if __name__ == "__main__":
    main()
