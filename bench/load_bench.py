"""Load benchmark: many reps at once, each a whole spoken call with the AI customer, through the real app.

What each simulated rep does is what the web app's page does, over the same endpoints, from
outside the server process: ``POST /login`` (the signed cookie), ``POST /api/v1/sessions``
(an AI-customer call: the first scenario of the rep's language, one of its personas), then
the voice channel ``/ws/voice/{id}`` (hands-free): a microphone that sends 32 ms frames of
16 kHz PCM in real time, silence between lines, each rep line spoken (Piper in English,
Kokoro in Mandarin, made once before the run), the customer's reply received as audio and
"listened to" for as long as it lasts, then the next line; ``end`` at the last line and the
scorecard. Reps alternate English and Mandarin.

Measured per level of concurrent calls (the first level, one caller, is the baseline of the
same run: an English call, then a Mandarin one): per-turn latency, end of the rep's speech (the last loud frame sent) -> the first
customer audio received, p50 / p95 / p99 and the ratio to the baseline; errors; turns spoken,
turns the server confirmed (``heard``: stored with the customer's answer, or found stored
through the API after a dropped socket) and, counted afterwards in the database, rep and
customer turns per session: ``lost`` is confirmed turns missing from the database plus spoken
turns never confirmed, ``extra_rep_turns_stored`` rep turns stored twice; why sockets dropped; the app's peak RSS (VmHWM).
The knee is the highest level whose p95 stays within ``--knee-ratio`` (2x) of the baseline
with no error and nothing lost; it is reported as calls per core.

Each rep line goes out under an id (``{"type": "line", "id": ...}`` before its audio), as the
page sends it; after a dropped socket a line whose ``heard`` never came is said again under
the same id, and the server stores it at most once (``replayed``: it had been stored, the
stored answer came back). Calls past the server's ``COACH_MAX_VOICE_CALLS`` are refused at
connect (``voice_busy``): ``refused`` counts them apart, neither an error nor lost, since
their rep lines never started (a rep would type them); a reconnect refused as busy is tried
again for ``BUSY_RETRY_S`` and then counted in ``refused_mid_call``.

Two set-ups:

- ``sqlite``: one ``coach serve`` process on the default SQLite file.
- ``postgres``: a private PostgreSQL cluster on loopback (``fsync=off``, like the tests), two
  ``coach serve`` processes (their own data dirs, the same database and secret) behind
  ``bench/loopback_proxy.py`` (sticky by the session cookie, fails over). Mid-run one process
  is killed with SIGKILL: its reps' sockets drop, they reconnect through the proxy (as the
  page does) to the other process, which continues each call from the database; a line whose
  ``heard`` never came is said again.

Bounded: every wait has a limit, everything listens on 127.0.0.1 only, and every process is
stopped at the end. Writes bench/results/load.json.

Usage: python -m bench.load_bench [--levels 1,5,15,50] [--turns 4] [--setups sqlite,postgres]
       [--max-voice-calls N] [--quick]  (levels 1,4, 3 turns, both set-ups with 4 calls on PostgreSQL)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import write_results
from bench.voice_bench import LINES, Server, free_port, rep_line

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "coach_session"
PASSWORD = "Load-bench-pass-7431"
SCENARIOS = {"en": "crm-logistics-discovery", "zh": "hair-clinic-booking-zh"}
PERSONAS = {
    "en": ["dana-ops-director", "marcus-cfo-skeptic"],
    "zh": ["wang-engineer-anxious", "chen-boss-price"],
}
FRAME = 512
"""Samples per microphone frame (32 ms at 16 kHz), what the page's AudioWorklet sends."""
RATE = 16000
WAIT_S = 240.0
"""The longest wait for any one answer (a reply, a reconnect, the scorecard) before giving up."""
LISTEN_CAP_S = 10.0
"""The rep listens to the customer's reply for its length, at most this long."""
BUSY_RETRY_S = 30.0
"""A reconnect refused as busy (every voice slot taken) is tried again for this long."""


# -- the rep's lines ---------------------------------------------------------------------------


def rep_lines(folder: Path, turns: int) -> dict[str, list[bytes]]:
    """Each language's rep lines as 16 kHz int16 PCM, spoken once by the embedded voices."""
    out: dict[str, list[bytes]] = {}
    for language in ("en", "zh"):
        out[language] = []
        for index in range(len(LINES[language][:turns])):
            samples = rep_line(language, index, folder)
            out[language].append((samples * 32767).astype("<i2").tobytes())
    return out


# -- one simulated rep ---------------------------------------------------------------------------


@dataclass
class Call:
    """What one simulated rep saw."""

    rep: str
    language: str
    session_id: str | None = None
    spoken: int = 0
    heard: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    server_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    reconnects: int = 0
    resaid: int = 0
    confirmed_late: int = 0
    """Lines stored although their ``heard`` was lost with the socket (found on reconnect)."""
    drops: list[str] = field(default_factory=list)
    """Why the voice socket closed under the call (the close code and reason), each time."""
    unconfirmed: int = 0
    refused: bool = False
    """Refused at connect (every voice slot of the server taken): no line was said."""
    refused_mid_call: bool = False
    """A reconnect refused as busy for ``BUSY_RETRY_S``: the rest of the lines never started."""
    replayed: int = 0
    """Lines said again after a reconnect that the server had stored: answered, not stored again."""
    ended_by: str | None = None
    score: float | None = None
    wall_s: float = 0.0
    db_rep_turns: int | None = None
    db_customer_turns: int | None = None
    trace: list[str] = field(default_factory=list)
    """The last events of the call (kept in the results only for calls with an error)."""


class Dropped(Exception):
    """The voice channel closed under the call."""


class Refused(Exception):
    """The server refused the voice call: every voice slot is taken (``voice_busy``)."""


class Mic:
    """The rep's microphone: a 32 ms frame every 32 ms, speech when given, silence otherwise."""

    def __init__(self) -> None:
        self.ws: Any = None
        self.pending = b""
        self.done = asyncio.Event()
        self.done.set()
        self.last_loud = 0.0
        self.task: asyncio.Task[None] | None = None

    def say(self, pcm: bytes) -> None:
        self.pending = pcm
        self.done.clear()

    async def run(self) -> None:
        silence = bytes(FRAME * 2)
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            if self.pending:
                frame, self.pending = self.pending[: FRAME * 2], self.pending[FRAME * 2 :]
                frame = frame.ljust(FRAME * 2, b"\0")
                loud = True
            else:
                frame, loud = silence, False
            ws = self.ws
            if ws is not None:
                try:
                    await ws.send(frame)
                except Exception:
                    self.ws = None  # the receiver notices the drop and reconnects
            if loud:
                self.last_loud = time.perf_counter()
                if not self.pending:
                    self.done.set()
            next_at += FRAME / RATE
            await asyncio.sleep(max(0.0, next_at - loop.time()))


class Rep:
    """One simulated rep's whole call, reconnecting when the channel drops."""

    def __init__(
        self, base: str, name: str, language: str, lines: list[bytes], persona: str, seed: int
    ):
        self.base = base
        self.ws_base = base.replace("http://", "ws://")
        self.call = Call(rep=name, language=language)
        self.lines = lines
        self.persona = persona
        self.seed = seed
        self.cookie = ""
        self.mic = Mic()
        self.ws: Any = None

    async def run(self) -> Call:
        import httpx

        began = time.perf_counter()
        try:
            async with httpx.AsyncClient(
                base_url=self.base, headers={"Origin": self.base}, timeout=WAIT_S
            ) as http:
                login = await http.post(
                    "/login",
                    data={"username": self.call.rep, "password": PASSWORD},
                    follow_redirects=False,
                )
                if login.status_code != 303 or COOKIE not in login.cookies:
                    raise RuntimeError(f"sign-in refused: {login.status_code}")
                self.cookie = login.cookies[COOKIE]
                started = await self._post(
                    http,
                    "/api/v1/sessions",
                    {
                        "scenario": SCENARIOS[self.call.language],
                        "persona": self.persona,
                        "seed": self.seed,
                    },
                )
            self.call.session_id = started["session_id"]
            self.mic.task = asyncio.create_task(self.mic.run())
            await self._talk()
        except Exception as exc:
            self.call.errors.append(f"{type(exc).__name__}: {exc}"[:300])
        finally:
            if self.mic.task is not None:
                self.mic.task.cancel()
            if self.ws is not None:
                await self.ws.close()
            self.call.wall_s = round(time.perf_counter() - began, 2)
        return self.call

    async def _post(self, http: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await http.post(path, json=body, cookies={COOKIE: self.cookie})
        if response.status_code >= 400:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
        return dict(response.json())

    async def _connect(self, *, greet: bool, busy_retry_s: float = 0.0) -> None:
        """Open the voice channel; Refused when the server is busy for ``busy_retry_s``."""
        import websockets

        url = f"{self.ws_base}/ws/voice/{self.call.session_id}?hands_free=1&greet={int(greet)}"
        deadline = time.monotonic() + WAIT_S
        busy_until = time.monotonic() + busy_retry_s
        while True:
            try:
                self.ws = await websockets.connect(
                    url,
                    additional_headers={"Cookie": f"{COOKIE}={self.cookie}", "Origin": self.base},
                    max_size=None,
                    open_timeout=60,
                    ping_interval=None,
                )
                ready = await self._next(lambda m: m.get("type") in ("ready", "error"))
                if ready.get("type") == "error" and ready.get("code") == "voice_busy":
                    await self.ws.close()
                    self.ws = None
                    if time.monotonic() >= busy_until:
                        raise Refused(str(ready.get("message")))
                    await asyncio.sleep(2.0)
                    continue
                if ready.get("type") == "error":
                    raise RuntimeError(f"voice channel refused: {ready}")
                self.mic.ws = self.ws
                return
            except (TimeoutError, OSError, Dropped) as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"could not reconnect: {exc}") from exc
                await asyncio.sleep(1.0)

    async def _next(self, wanted: Any, *, within_s: float = WAIT_S) -> dict[str, Any]:
        """The next JSON event ``wanted`` accepts (audio frames are skipped); Dropped on close."""
        import websockets

        deadline = time.monotonic() + within_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer in time")
            try:
                message = await asyncio.wait_for(self.ws.recv(), left)
            except websockets.ConnectionClosed as exc:
                raise Dropped(str(exc)) from exc
            if isinstance(message, bytes):
                continue
            event = json.loads(message)
            self.call.trace = [
                *self.call.trace[-29:],
                f"{time.perf_counter():.2f} {event.get('type')} {event.get('state') or event.get('code') or event.get('turn') or ''}",
            ]
            if event.get("type") == "timing" and event.get("latency_s") is not None:
                self.call.server_latencies.append(float(event["latency_s"]))
            if event.get("type") == "error" and event.get("code") not in (
                "no_speech",
                "voice_busy",
            ):
                self.call.errors.append(
                    f"server: {event.get('code')}: {event.get('message')}"[:300]
                )
            if wanted(event):
                return dict(event)

    async def _listen_to_reply(self, *, after: float | None) -> float | None:
        """Wait for the reply's audio; the time its first frame came (None: no audio); then its length."""
        first: float | None = None
        samples = 0
        while True:
            event = await self._next(lambda m: m.get("type") in ("audio", "reply_done", "ended"))
            if event["type"] == "audio":
                if first is None:
                    first = time.perf_counter()
                samples += int(event.get("samples", 0))
                rate = int(event.get("sample_rate", RATE)) or RATE
            elif event["type"] == "ended":
                self.call.ended_by = event.get("ended_by")
                return first
            else:
                break
        if first is not None:
            length = min(LISTEN_CAP_S, samples / rate)
            await asyncio.sleep(max(0.0, first + length - time.perf_counter()))
        return first

    async def _talk(self) -> None:
        try:
            await self._connect(greet=True)
        except Refused:
            # Busy: a clean refusal, before anything was said (the rep would type instead).
            self.call.refused = True
            return
        try:
            await self._listen_to_reply(after=None)  # the customer picks up
        except Dropped as drop:
            self.call.drops.append(str(drop)[:120])
            if not await self._reconnect_or_stop(said_current=False):
                return
        index = 0
        said_current = False
        again = False
        while index < len(self.lines) and self.call.ended_by is None:
            try:
                if not said_current:
                    # The line's id first: said again after a reconnect, it is stored once.
                    await self._send_line(index)
                    self.mic.say(self.lines[index])
                    if not again:
                        self.call.spoken += 1
                    said_current = True
                await self.mic.done.wait()
                spoke_at = self.mic.last_loud
                heard = await self._next(
                    lambda m: (
                        m.get("type") in ("heard", "ended")
                        or (m.get("type") == "error" and m.get("code") == "no_speech")
                    )
                )
                if heard["type"] == "error":
                    self.call.unconfirmed += 1
                    index += 1
                    said_current = False
                    continue
                if heard["type"] == "ended":
                    self.call.ended_by = heard.get("ended_by")
                    break
                self.call.heard.append(int(heard.get("turn", -1)))
                if heard.get("replayed"):
                    # Stored before the socket dropped, only its answer was lost: the server
                    # answered the line said again from what it had stored.
                    self.call.replayed += 1
                    self.call.confirmed_late += 1
                customer = await self._next(lambda m: m.get("type") in ("customer", "ended"))
                if customer["type"] == "ended":
                    self.call.ended_by = customer.get("ended_by")
                    break
                if customer.get("ended_by"):
                    self.call.ended_by = customer["ended_by"]
                first = await self._listen_to_reply(after=spoke_at)
                if first is not None and not heard.get("replayed"):
                    self.call.latencies.append(round(first - spoke_at, 3))
                index += 1
                said_current = False
                again = False
            except Dropped as drop:
                self.call.drops.append(str(drop)[:120])
                if not await self._reconnect_or_stop(said_current=said_current):
                    return
                if said_current:
                    # Said again on the new connection, under the same id: the server stores
                    # it if the old connection had not, else answers it from what it stored.
                    self.call.resaid += 1
                    said_current = False
                    again = True
        await self._finish()

    async def _send_line(self, index: int) -> None:
        """Name the next line (its id is the same each time it is said); Dropped on close."""
        import websockets

        try:
            await self.ws.send(json.dumps({"type": "line", "id": f"line-{index}"}))
        except websockets.ConnectionClosed as exc:
            raise Dropped(str(exc)) from exc

    async def _reconnect_or_stop(self, *, said_current: bool) -> bool:
        """Reconnect; False (the call stops) when the server stays busy for ``BUSY_RETRY_S``."""
        try:
            await self._reconnect()
            return True
        except Refused:
            self.call.refused_mid_call = True
        if said_current:
            stored = await self._stored_rep_turns()
            if stored > len(self.call.heard):
                self.call.heard.append(-1)  # stored before the drop; its answer was lost
                self.call.confirmed_late += 1
            else:
                self.call.spoken -= 1  # never stored: a line the rep would type instead
        return False

    async def _stored_rep_turns(self) -> int:
        """How many rep turns the session holds (the REST API, as the page reloads it)."""
        import httpx

        async with httpx.AsyncClient(base_url=self.base, timeout=WAIT_S) as http:
            response = await http.get(
                f"/api/v1/sessions/{self.call.session_id}/transcript",
                cookies={COOKIE: self.cookie},
            )
            response.raise_for_status()
            return sum(1 for turn in response.json() if turn.get("speaker") == "rep")

    async def _reconnect(self) -> None:
        self.mic.ws = None
        self.call.reconnects += 1
        await self._connect(greet=False, busy_retry_s=BUSY_RETRY_S)

    async def _finish(self) -> None:
        for _ in range(3):
            try:
                if self.call.ended_by is None:
                    await self.ws.send(json.dumps({"type": "end"}))
                ended = await self._next(lambda m: m.get("type") == "ended")
                self.call.ended_by = self.call.ended_by or ended.get("ended_by")
                if ended.get("score") is not None:
                    self.call.score = float(ended["score"])
                return
            except Dropped:
                try:
                    await self._reconnect()
                except Refused:
                    self.call.refused_mid_call = True
                    return


# -- the set-ups -------------------------------------------------------------------------------


def add_reps(settings_env: dict[str, str], count: int) -> list[tuple[str, str]]:
    """Create ``count`` reps (alternating English and Mandarin) through the accounts service."""
    from coach.accounts import LOCAL_ADMIN
    from coach.services import accounts
    from coach.services.runtime import open_runtime
    from coach.settings import Settings

    settings = Settings(
        data_dir=Path(settings_env["COACH_DATA_DIR"]),
        database_url=settings_env.get("COACH_DATABASE_URL") or None,
    )
    runtime = open_runtime(settings)
    reps = []
    try:
        for index in range(count):
            language = "en" if index % 2 == 0 else "zh"
            name = f"load-rep-{index:03d}"
            accounts.add_user(
                runtime,
                username=name,
                password=PASSWORD,
                role="rep",
                team="load",
                language=language,
                actor=LOCAL_ADMIN,
            )
            reps.append((name, language))
    finally:
        runtime.close()
    return reps


def count_turns(env: dict[str, str], session_ids: list[str]) -> dict[str, tuple[int, int]]:
    """(rep turns, customer turns) per session, read from the database afterwards."""
    from sqlalchemy import text

    from coach.store.db import make_engine

    url = env.get("COACH_DATABASE_URL") or f"sqlite:///{env['COACH_DATA_DIR']}/coach.db"
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT session_id, speaker, COUNT(*) FROM turns GROUP BY session_id, speaker")
            ).all()
    finally:
        engine.dispose()
    counts: dict[str, list[int]] = {sid: [0, 0] for sid in session_ids}
    for sid, speaker, n in rows:
        if sid in counts:
            counts[sid][0 if speaker == "rep" else 1] += int(n)
    return {sid: (a, b) for sid, (a, b) in counts.items()}


def percentile(values: list[float], share: float) -> float | None:
    """The ``share`` quantile (nearest rank) of ``values``, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, int(np.ceil(share * len(ordered))) - 1))], 3)


class Peak:
    """Samples the app processes' RSS while a level runs (VmHWM is the lifetime peak)."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.peak_kb = 0
        self.cpu_share: list[float] = []
        self.task: asyncio.Task[None] | None = None

    @staticmethod
    def rss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            return 0
        return 0

    async def run(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, sum(self.rss_kb(p) for p in self.pids))
            await asyncio.sleep(0.5)


async def run_level(
    base: str,
    reps: list[tuple[str, str]],
    lines: dict[str, list[bytes]],
    pids: list[int],
    *,
    kill: Any = None,
    seed: int = 0,
) -> tuple[list[Call], float, float]:
    """Run one call per rep at once; (calls, wall seconds, peak RSS MB of the app processes)."""
    peak = Peak(pids)
    peak.task = asyncio.create_task(peak.run())
    began = time.perf_counter()
    jobs = [
        Rep(base, name, language, lines[language], PERSONAS[language][i // 2 % 2], seed + i).run()
        for i, (name, language) in enumerate(reps)
    ]
    tasks = [asyncio.create_task(job) for job in jobs]
    if kill is not None:
        tasks.append(asyncio.create_task(kill()))
    done = await asyncio.wait_for(asyncio.gather(*tasks), timeout=WAIT_S * (len(lines["en"]) + 3))
    peak.task.cancel()
    calls = [c for c in done if isinstance(c, Call)]
    return calls, round(time.perf_counter() - began, 1), round(peak.peak_kb / 1024, 1)


def summarise(
    level: int,
    calls: list[Call],
    wall_s: float,
    peak_mb: float,
    counts: dict[str, tuple[int, int]],
    lines_per_call: int = 0,
) -> dict[str, Any]:
    """One row of the table: latency quantiles (all, and p50 per language), errors, turns spoken / confirmed / stored, lost."""
    latencies = [x for c in calls for x in c.latencies]
    server = [x for c in calls for x in c.server_latencies]
    spoken = sum(c.spoken for c in calls)
    confirmed = sum(len(c.heard) for c in calls)
    stored_rep = sum(counts.get(c.session_id or "", (0, 0))[0] for c in calls)
    stored_customer = sum(counts.get(c.session_id or "", (0, 0))[1] for c in calls)
    missing = sum(max(0, len(c.heard) - counts.get(c.session_id or "", (0, 0))[0]) for c in calls)
    never = sum(max(0, c.spoken - len(c.heard)) for c in calls if c.ended_by in (None, "rep"))
    refused = [c for c in calls if c.refused]
    for c in calls:
        if c.session_id in counts:
            c.db_rep_turns, c.db_customer_turns = counts[c.session_id]
    return {
        "calls": level,
        "refused": len(refused),
        "refused_mid_call": sum(1 for c in calls if c.refused_mid_call),
        "lines_not_started": sum(
            max(0, lines_per_call - c.spoken) for c in calls if c.refused or c.refused_mid_call
        ),
        "completed": sum(1 for c in calls if not c.errors and c.session_id and not c.refused),
        "errors": sum(len(c.errors) for c in calls),
        "error_samples": sorted({e for c in calls for e in c.errors})[:5],
        "error_traces": {c.rep: c.trace for c in [c for c in calls if c.errors][:3]},
        "turns_spoken": spoken,
        "turns_confirmed": confirmed,
        "rep_turns_stored": stored_rep,
        "customer_turns_stored": stored_customer,
        "lost": missing + never,
        "no_speech": sum(c.unconfirmed for c in calls),
        "reconnects": sum(c.reconnects for c in calls),
        "resaid": sum(c.resaid for c in calls),
        "replayed": sum(c.replayed for c in calls),
        "confirmed_after_reconnect": sum(c.confirmed_late for c in calls),
        "extra_rep_turns_stored": sum(
            max(0, counts.get(c.session_id or "", (0, 0))[0] - len(c.heard)) for c in calls
        ),
        "drop_reasons": sorted({d for c in calls for d in c.drops})[:5],
        "hung_up_by_customer": sum(1 for c in calls if c.ended_by not in (None, "rep")),
        "scored": sum(1 for c in calls if c.score is not None),
        "latency_p50_s": percentile(latencies, 0.5),
        "latency_p50_en_s": percentile(
            [x for c in calls if c.language == "en" for x in c.latencies], 0.5
        ),
        "latency_p50_zh_s": percentile(
            [x for c in calls if c.language == "zh" for x in c.latencies], 0.5
        ),
        "latency_p95_s": percentile(latencies, 0.95),
        "latency_p99_s": percentile(latencies, 0.99),
        "server_latency_p50_s": percentile(server, 0.5),
        "turn_samples": len(latencies),
        "wall_s": wall_s,
        "peak_rss_mb": peak_mb,
    }


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    """The rows as a table, with each level's p50 / p95 against the first row's."""
    print(f"\n{title}")
    header = f"{'calls':>5} {'refused':>7} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'en p50':>7} {'zh p50':>7} {'x p50':>6} {'x p95':>6} {'errors':>6} {'spoken':>6} {'stored':>6} {'lost':>4} {'reconn':>6} {'RSS MB':>7} {'wall s':>7}"
    print(header)
    base = rows[0] if rows else {}
    for row in rows:

        def ratio(key: str, row: dict[str, Any] = row) -> str:
            a, b = row.get(key), base.get(key)
            return f"{a / b:.1f}" if a and b else "-"

        def num(key: str, row: dict[str, Any] = row) -> str:
            value = row.get(key)
            return f"{value:.2f}" if isinstance(value, float) else "-"

        print(
            f"{row['calls']:>5} {row.get('refused', 0):>7} {num('latency_p50_s'):>7} {num('latency_p95_s'):>7} {num('latency_p99_s'):>7} {num('latency_p50_en_s'):>7} {num('latency_p50_zh_s'):>7} "
            f"{ratio('latency_p50_s'):>6} {ratio('latency_p95_s'):>6} {row['errors']:>6} {row['turns_spoken']:>6} "
            f"{row['rep_turns_stored']:>6} {row['lost']:>4} {row['reconnects']:>6} {row['peak_rss_mb']:>7} {row['wall_s']:>7}"
        )


def knee(rows: list[dict[str, Any]], ratio: float) -> int | None:
    """The highest level with p95 within ``ratio`` x the baseline's, no error, nothing lost.

    A level where calls were refused as busy does not count: not all of its calls were served.
    """
    if not rows or not rows[0].get("latency_p95_s"):
        return None
    limit = rows[0]["latency_p95_s"] * ratio
    best = None
    for row in rows:
        served = not row.get("refused") and not row.get("refused_mid_call")
        ok = (
            served
            and row["errors"] == 0
            and row["lost"] == 0
            and (row["latency_p95_s"] or 1e9) <= limit
        )
        if ok:
            best = row["calls"]
    return best


def make_env(
    folder: Path, database_url: str | None, secret: str, max_voice_calls: int | None = None
) -> dict[str, str]:
    return {
        "COACH_DATABASE_URL": database_url or "",
        "COACH_SECRET_KEY": secret,
        "COACH_DATA_DIR": str(folder / "data"),
        "COACH_MAX_VOICE_CALLS": str(max_voice_calls) if max_voice_calls else "",
    }


def start_server(folder: Path, extra: dict[str, str], *, init: bool) -> Server:
    server = Server(folder)
    server.env.update({k: v for k, v in extra.items() if v})
    if init:
        server.init()
    server.start(timeout_s=240)
    server.wait_quiet(timeout_s=240)
    return server


def warm_up(
    base: str, reps: list[tuple[str, str]], lines: dict[str, list[bytes]], pids: list[int]
) -> None:
    """One call per language first: the models load and the customers' common lines are cached."""
    asyncio.run(
        run_level(
            base,
            [r for r in reps if r[1] == "en"][:1] + [r for r in reps if r[1] == "zh"][:1],
            lines,
            pids,
            seed=10_000,
        )
    )


def server_problems(log_path: Path, offset: int) -> dict[str, Any]:
    """What the server logged as a warning or worse since ``offset``: counts and a few lines."""
    try:
        with log_path.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return {"warnings": 0, "errors": 0, "first": []}
    lines = text.splitlines()
    errors = [x for x in lines if "ERROR" in x or x.startswith("Traceback")]
    warnings = [x for x in lines if "WARNING" in x]
    distinct = list(dict.fromkeys(x.strip()[:200] for x in errors + warnings))
    return {"warnings": len(warnings), "errors": len(errors), "first": distinct[:8]}


def log_size(path: Path) -> int:
    """The log's length now (where the next level's lines start)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def bench_sqlite(
    folder: Path,
    levels: list[int],
    lines: dict[str, list[bytes]],
    secret: str,
    max_voice_calls: int | None = None,
) -> list[dict[str, Any]]:
    """One ``coach serve`` on SQLite, each level in turn."""
    env = make_env(folder / "sqlite", None, secret, max_voice_calls)
    server = start_server(folder / "sqlite", env, init=True)
    rows = []
    try:
        assert server.process is not None
        reps = add_reps({**server.env}, max(levels) + 2)
        pids = [server.process.pid]
        warm_up(server.url, reps[-2:], lines, pids)
        for level in levels:
            offset = log_size(server.log_path)
            if level == 1:
                # One caller at a time: an English call, then a Mandarin one (the baseline).
                calls: list[Call] = []
                wall, peak = 0.0, 0.0
                for rep in (reps[0], reps[1]):
                    some, took, top = asyncio.run(
                        run_level(server.url, [rep], lines, pids, seed=100)
                    )
                    calls, wall, peak = calls + some, wall + took, max(peak, top)
            else:
                calls, wall, peak = asyncio.run(
                    run_level(server.url, reps[:level], lines, pids, seed=level * 100)
                )
            counts = count_turns(server.env, [c.session_id for c in calls if c.session_id])
            rows.append(summarise(level, calls, wall, peak, counts, len(lines["en"])))
            rows[-1]["server_log"] = server_problems(server.log_path, offset)
            print(
                f"  sqlite, {level} calls: {json.dumps(rows[-1], ensure_ascii=False)}", flush=True
            )
        rows[0]["server_vmhwm_mb"] = round((server.status_kb("VmHWM") or 0) / 1024, 1)
    finally:
        server.stop()
    return rows


def bench_postgres(
    folder: Path,
    calls_n: int,
    lines: dict[str, list[bytes]],
    secret: str,
    *,
    kill_after_s: float,
    max_voice_calls: int | None = None,
) -> dict[str, Any]:
    """Two ``coach serve`` on one PostgreSQL behind the sticky proxy; one killed mid-run."""
    from tests.support.postgres import start_cluster

    cluster = start_cluster()
    servers: list[Server] = []
    proxy: subprocess.Popen[bytes] | None = None
    try:
        url = cluster.new_database()
        first = start_server(
            folder / "pg-a", make_env(folder / "pg-a", url, secret, max_voice_calls), init=True
        )
        servers.append(first)
        servers.append(
            start_server(
                folder / "pg-b", make_env(folder / "pg-b", url, secret, max_voice_calls), init=True
            )
        )
        reps = add_reps(first.env, calls_n + 2)
        port = free_port()
        proxy = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.loopback_proxy",
                str(port),
                *(str(s.port) for s in servers),
            ],
            cwd=ROOT,
            stdout=open(folder / "proxy.log", "wb"),
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        pids = [s.process.pid for s in servers if s.process is not None]
        warm_up(base, reps[-2:], lines, pids)
        # The warm-up calls went through the proxy too; warm the other process directly.
        warm_up(servers[1].url, reps[-2:], lines, pids)
        killed: dict[str, Any] = {}

        async def kill() -> None:
            await asyncio.sleep(kill_after_s)
            victim = servers[0]
            assert victim.process is not None
            killed["pid"] = victim.process.pid
            killed["at_s"] = kill_after_s
            os.kill(victim.process.pid, signal.SIGKILL)
            victim.process.wait(timeout=30)

        calls, wall, peak = asyncio.run(
            run_level(base, reps[:calls_n], lines, pids, kill=kill, seed=7_000)
        )
        counts = count_turns(first.env, [c.session_id for c in calls if c.session_id])
        row = summarise(calls_n, calls, wall, peak, counts, len(lines["en"]))
        row["killed"] = killed
        row["survivor_vmhwm_mb"] = round((servers[1].status_kb("VmHWM") or 0) / 1024, 1)
        return row
    finally:
        if proxy is not None:
            proxy.terminate()
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.kill()
        for server in servers:
            server.stop()
        cluster.stop()


def _wait_for(base: str, timeout_s: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"the proxy at {base} did not answer")


def main(argv: list[str] | None = None) -> int:
    """Run the set-ups, print the tables, write bench/results/load.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--levels",
        default="1,5,15,50",
        help="concurrent calls per level; the first is the baseline",
    )
    parser.add_argument("--turns", type=int, default=4, help="rep lines per call (at most 5)")
    parser.add_argument("--setups", default="sqlite,postgres")
    parser.add_argument(
        "--pg-calls",
        type=int,
        default=20,
        help="calls in the PostgreSQL run",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        default=60.0,
        help="seconds into the PostgreSQL run to kill one process",
    )
    parser.add_argument("--knee-ratio", type=float, default=2.0)
    parser.add_argument(
        "--max-voice-calls",
        type=int,
        default=None,
        help="COACH_MAX_VOICE_CALLS for the servers (default: theirs, 2 per core)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (data dirs, server logs)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="levels 1,4, 3 turns, 4 calls on PostgreSQL"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.levels, args.turns, args.pg_calls, args.kill_after = "1,4", 3, 4, 20.0
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    setups = {s.strip() for s in args.setups.split(",")}
    folder = Path(tempfile.mkdtemp(prefix="coach-load-"))
    secret = os.urandom(24).hex()
    results: dict[str, Any] = {
        "cores": os.cpu_count(),
        "turns_per_call": args.turns,
        "levels": levels,
        "max_voice_calls": args.max_voice_calls or f"server default ({2 * (os.cpu_count() or 1)})",
        "latency": "end of the rep's speech (last loud frame sent) -> first customer audio received, seconds",
    }
    try:
        print("making the rep's lines ...", flush=True)
        lines = rep_lines(folder, args.turns)
        if "sqlite" in setups:
            rows = bench_sqlite(folder, levels, lines, secret, args.max_voice_calls)
            results["sqlite"] = rows
            k = knee(rows, args.knee_ratio)
            results["sqlite_knee"] = {
                "calls": k,
                "calls_per_core": round(k / (os.cpu_count() or 1), 1) if k else None,
            }
            print_table("SQLite, one coach serve process", rows)
            print(
                f"knee (p95 within {args.knee_ratio}x of one caller, no error, lost 0): {k} calls"
            )
        if "postgres" in setups:
            row = bench_postgres(
                folder,
                args.pg_calls,
                lines,
                secret,
                kill_after_s=args.kill_after,
                max_voice_calls=args.max_voice_calls,
            )
            results["postgres_two_processes_one_killed"] = row
            print_table(
                "PostgreSQL, two coach serve processes behind the sticky proxy, one killed mid-run",
                [row],
            )
            print(f"killed: {row['killed']}")
    finally:
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    path = write_results("load", results)
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
