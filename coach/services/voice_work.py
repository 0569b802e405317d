"""Where the voice channel's work runs, for the whole process: live work first.

One process serves every call. What a rep is waiting for (the turn's text, storing it, the
customer's reply and its audio) is *live* work; what only makes a later moment better (lines
synthesised ahead, the slower second transcription pass) is *background* work. Without this
module both went to asyncio's default thread pool, which has ``cores + 4`` threads: under
many calls the pool filled with background synthesis (seconds of CPU each) and every call's
next turn queued behind it.

- ``run_live`` runs on a pool wide enough that a call waiting for its recogniser never
  holds up another call's database write; the threads mostly wait, the CPU work is in the
  engines.
- ``run_ahead`` (synthesis ahead) and ``run_record`` (second passes) each run one job at a
  time for the process, and callers start one only while *every* call of the process is
  quiet (``CALLS.quiet()``): nobody talking, no reply being made.
- ``CALLS.crowded()``: more calls than cores. Then the second pass is shed (the fast text
  stays the record) rather than compete with the calls for the CPU.
- ``CALLS.admit(key, limit)``: admission at connect. No architecture serves dozens of
  real-time Whisper calls on two cores, so past ``COACH_MAX_VOICE_CALLS`` connections a new
  one is refused (the rep types instead) rather than slow every call down until sockets drop.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

LIVE_WORKERS = 64
"""Threads for live work: most of them wait on a recogniser job or the database."""

_live = ThreadPoolExecutor(max_workers=LIVE_WORKERS, thread_name_prefix="voice-live")
_ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-ahead")
_record = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-record")


async def _run(pool: ThreadPoolExecutor, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    call = functools.partial(context.run, function, *args, **kwargs)
    return await loop.run_in_executor(pool, call)


async def run_live(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``function`` in a thread for work a rep is waiting for."""
    return await _run(_live, function, *args, **kwargs)


async def run_ahead(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Synthesise ahead: one job at a time for the whole process, after any before it."""
    return await _run(_ahead, function, *args, **kwargs)


async def run_record(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A second transcription pass: one at a time for the whole process.

    Its own thread, not the synthesis one: a Mandarin second pass takes seconds, and the
    next answer's first piece, made ahead after a turn, must not wait behind it.
    """
    return await _run(_record, function, *args, **kwargs)


def live_pool() -> ThreadPoolExecutor:
    """The live pool itself, for callers that stream from a worker (``run_in_executor``)."""
    return _live


class Call(Protocol):
    """What the registry asks of a call."""

    def is_open(self) -> bool:
        """The call's connection is open (and its event loop runs)."""
        ...

    def is_live(self) -> bool:
        """A rep is talking or a reply is being made."""
        ...


class Calls:
    """The calls this process is serving now (held weakly: a dropped call cannot leak)."""

    def __init__(self, cores: int | None = None) -> None:
        self._calls: weakref.WeakSet[Any] = weakref.WeakSet()
        self._admitted: set[str] = set()
        self._lock = threading.Lock()
        self.cores = cores or os.cpu_count() or 1

    def admit(self, key: str, limit: int) -> bool:
        """Take one of ``limit`` voice slots for connection ``key``; False when all are taken.

        Checked and taken under one lock, so two connections racing for the last slot cannot
        both get it. The caller gives the slot back with ``release`` when the socket closes,
        whatever happened on it.
        """
        with self._lock:
            if key in self._admitted:
                return True
            if len(self._admitted) >= max(0, limit):
                return False
            self._admitted.add(key)
            return True

    def release(self, key: str) -> None:
        """Give back the slot of connection ``key`` (nothing happens if it held none)."""
        with self._lock:
            self._admitted.discard(key)

    def admitted(self) -> int:
        """How many voice connections hold a slot now."""
        with self._lock:
            return len(self._admitted)

    def add(self, call: Call) -> None:
        """A call has started."""
        with self._lock:
            self._calls.add(call)

    def discard(self, call: Call) -> None:
        """A call's connection has closed."""
        with self._lock:
            self._calls.discard(call)

    def count(self) -> int:
        """How many calls are open."""
        with self._lock:
            calls = list(self._calls)
        return sum(1 for call in calls if call.is_open())

    def quiet(self) -> bool:
        """No call of the process has a rep talking or a reply being made."""
        with self._lock:
            calls = list(self._calls)
        return not any(call.is_open() and call.is_live() for call in calls)

    def crowded(self) -> bool:
        """More open calls than CPU cores: background passes would slow the live ones."""
        return self.count() > self.cores


CALLS = Calls()
"""Every voice call of this process."""
