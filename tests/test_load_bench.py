"""The load benchmark's own parts: the sticky proxy (real sockets on loopback) and the tables."""

from __future__ import annotations

import asyncio

from bench import load_bench
from bench.loopback_proxy import Proxy, pick


def head(cookie: str | None) -> bytes:
    lines = ["GET /api/health HTTP/1.1", "Host: 127.0.0.1"]
    if cookie is not None:
        lines.append(f"Cookie: other=1; coach_session={cookie}; x=2")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_the_same_cookie_always_goes_to_the_same_backend_first():
    backends = [7001, 7002]
    firsts = {pick(head("abc.def"), "coach_session", backends, turn)[0] for turn in range(5)}
    assert len(firsts) == 1
    seen = {pick(head(f"user-{n}"), "coach_session", backends, 0)[0] for n in range(40)}
    assert seen == {7001, 7002}  # cookies spread over both
    order = pick(head("abc.def"), "coach_session", backends, 0)
    assert sorted(order) == backends  # the other one is the fallback


def test_without_the_cookie_connections_go_round_robin():
    backends = [7001, 7002, 7003]
    assert [pick(head(None), "coach_session", backends, t)[0] for t in range(4)] == [
        7001,
        7002,
        7003,
        7001,
    ]


async def _echo_backend(tag: bytes) -> tuple[asyncio.AbstractServer, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        data = await reader.read(65536)
        writer.write(tag + b":" + data.split(b"\r\n", 1)[0])
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def _through(proxy_port: int, cookie: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
    writer.write(head(cookie))
    await writer.drain()
    data = await reader.read(65536)
    writer.close()
    return data


def test_a_dead_backend_fails_over_to_the_live_one():
    async def scenario() -> None:
        live, live_port = await _echo_backend(b"live")
        dead, dead_port = await _echo_backend(b"dead")
        dead.close()
        await dead.wait_closed()
        proxy = Proxy([dead_port, live_port], "coach_session")
        front = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
        port = front.sockets[0].getsockname()[1]
        answers = [await _through(port, f"user-{n}") for n in range(6)]
        assert all(a.startswith(b"live:GET /api/health") for a in answers)
        assert proxy.routed[live_port] == 6 and proxy.failovers >= 1
        front.close()
        live.close()

    asyncio.run(scenario())


def test_the_summary_counts_lost_turns_and_the_knee():
    ok = load_bench.Call(rep="a", language="en", session_id="s1", spoken=3, heard=[1, 3, 5])
    ok.latencies = [1.0, 1.2, 1.4]
    short = load_bench.Call(rep="b", language="zh", session_id="s2", spoken=3, heard=[1, 3])
    short.latencies = [2.0, 2.0]
    row = load_bench.summarise(2, [ok, short], 10.0, 100.0, {"s1": (3, 4), "s2": (1, 3)})
    # s2: one line never confirmed, and one confirmed turn missing from the database.
    assert row["lost"] == 2 and row["turns_spoken"] == 6 and row["rep_turns_stored"] == 4
    assert row["latency_p50_s"] == 1.4 and row["latency_p99_s"] == 2.0
    base = {"calls": 1, "errors": 0, "lost": 0, "latency_p95_s": 1.0}
    rows = [
        base,
        {**base, "calls": 5, "latency_p95_s": 1.9},
        {**base, "calls": 10, "latency_p95_s": 2.5},
        {**base, "calls": 20, "latency_p95_s": 1.5, "lost": 1},
    ]
    assert load_bench.knee(rows, 2.0) == 5


def test_a_line_stored_twice_is_counted_as_extra_not_as_lost():
    call = load_bench.Call(rep="a", language="en", session_id="s1", spoken=2, heard=[1, -1])
    call.confirmed_late, call.drops = 1, ["received 1011 (internal error) keepalive ping timeout"]
    row = load_bench.summarise(1, [call], 5.0, 50.0, {"s1": (3, 3)})
    assert row["lost"] == 0 and row["extra_rep_turns_stored"] == 1
    assert row["confirmed_after_reconnect"] == 1 and "keepalive" in row["drop_reasons"][0]


def test_a_refused_call_is_counted_apart_neither_an_error_nor_lost():
    served = load_bench.Call(rep="a", language="en", session_id="s1", spoken=4, heard=[1, 3, 5, 7])
    served.latencies = [1.0, 1.1, 1.2, 1.3]
    refused = load_bench.Call(rep="b", language="zh", session_id="s2", refused=True)
    cut = load_bench.Call(rep="c", language="en", session_id="s3", spoken=1, heard=[1])
    cut.refused_mid_call, cut.replayed, cut.resaid = True, 1, 1
    counts = {"s1": (4, 5), "s2": (0, 1), "s3": (1, 2)}
    row = load_bench.summarise(3, [served, refused, cut], 9.0, 80.0, counts, 4)
    assert (row["refused"], row["refused_mid_call"], row["lines_not_started"]) == (1, 1, 7)
    assert row["errors"] == 0 and row["lost"] == 0 and row["extra_rep_turns_stored"] == 0
    assert row["completed"] == 2 and row["replayed"] == 1
    # A level that refused calls did not serve them all: it is not the knee.
    base = {"calls": 1, "errors": 0, "lost": 0, "latency_p95_s": 1.3, "refused": 0}
    assert load_bench.knee([base, row], 2.0) == 1
    assert load_bench.knee([base, {**row, "refused": 0, "refused_mid_call": 0}], 2.0) == 3
