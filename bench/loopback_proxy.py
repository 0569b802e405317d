"""A tiny loopback proxy for the load benchmark: sticky by session cookie, fails over.

Each client connection is routed as a whole (HTTP keep-alive and WebSocket alike): the first
request's ``Cookie`` header picks the backend (the same cookie always goes to the same app
process while it is up); a connection without the cookie goes round-robin. When the chosen
backend refuses the connection, the next one is tried, so a killed process's users land on the
one that is left, and their calls continue from the database.

Only 127.0.0.1. Runs until it is terminated:

    python -m bench.loopback_proxy LISTEN_PORT BACKEND_PORT [BACKEND_PORT ...] [--cookie NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import re
import signal
import sys

HEAD_LIMIT = 64 * 1024
"""The most bytes read while looking for the end of the first request's head."""


def pick(head: bytes, cookie: str, backends: list[int], turn: int) -> list[int]:
    """The backends to try for a connection whose first request head is ``head``, in order."""
    match = re.search(
        rb"(?im)^cookie:[^\r\n]*\b" + re.escape(cookie.encode()) + rb"=([^;\r\n]+)", head
    )
    if match:
        first = int.from_bytes(hashlib.sha256(match.group(1)).digest()[:4], "big") % len(backends)
    else:
        first = turn % len(backends)
    return backends[first:] + backends[:first]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except RuntimeError:
            pass


class Proxy:
    """The listening side: one task pair per client connection."""

    def __init__(self, backends: list[int], cookie: str):
        self.backends = backends
        self.cookie = cookie
        self.turns = itertools.count()
        self.routed: dict[int, int] = {port: 0 for port in backends}
        self.failovers = 0

    async def handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        """Read the first request head, connect to a live backend, then relay both ways."""
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < HEAD_LIMIT:
                chunk = await client_r.read(4096)
                if not chunk:
                    break
                head += chunk
        except ConnectionError:
            client_w.close()
            return
        if not head:
            client_w.close()
            return
        for attempt, port in enumerate(pick(head, self.cookie, self.backends, next(self.turns))):
            try:
                back_r, back_w = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                continue
            self.routed[port] += 1
            self.failovers += attempt > 0
            back_w.write(head)
            await back_w.drain()
            await asyncio.gather(_pipe(client_r, back_w), _pipe(back_r, client_w))
            return
        client_w.write(
            b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )
        await client_w.drain()
        client_w.close()


async def serve(listen: int, backends: list[int], cookie: str) -> None:
    """Listen on 127.0.0.1:``listen`` until SIGTERM / SIGINT."""
    proxy = Proxy(backends, cookie)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", listen)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        print(f"proxy on 127.0.0.1:{listen} -> {backends}", flush=True)
        await stop.wait()
    print(f"routed {proxy.routed}, failovers {proxy.failovers}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: the listening port and the backends' ports."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("listen", type=int)
    parser.add_argument("backends", type=int, nargs="+")
    parser.add_argument("--cookie", default="coach_session")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.listen, args.backends, args.cookie))
    return 0


if __name__ == "__main__":
    sys.exit(main())
