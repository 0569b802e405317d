"""Rep lines with ids: a spoken turn is stored at most once, however often it is sent.

A dropped socket used to cost the call turns twice over: the page said the line again on
the new connection, although the first connection had already stored it (the rep turn
stored twice, the customer answering twice), or the line was in flight on the old
connection when the new one heard it again. Now the page names each rep line (``{"type":
"line", "id": ...}`` before it, see ``coach.api.voice``) and sends a line that was not
confirmed again after a reconnect, with the same id. The server

- keeps the id in the rep turn's meta (``line``), so the ids of a session's stored turns are
  read back from the database when a connection opens: this survives a restart of the
  process, or a call that moved to another process;
- holds the lines being answered in this process in ``LINES``, so a line sent again while
  the old connection is still storing it waits for that answer instead of making a second;
- answers a line it already answered with the stored turns (``StoredReply``): the same rep
  turn, the same customer reply, spoken again, nothing new stored.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

LINE_KEY = "line"
"""The rep turn's meta key that holds the page's id of the line."""
_LINE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
REMEMBERED = 4096
"""Lines kept in ``LINES`` (finished ones are dropped oldest first beyond this)."""


def line_id(value: Any) -> str | None:
    """``value`` as a line id (1-64 letters, digits, ``_ . : -``), None when it is not one."""
    if isinstance(value, str) and _LINE_ID.match(value):
        return value
    return None


@dataclass(frozen=True)
class StoredReply:
    """A rep line as it was stored, and the customer's answer to it."""

    line: str
    rep_turn: int | None
    rep_text: str
    customer: str | None = None
    customer_turn: int | None = None
    hint: str | None = None
    notice: str | None = None
    prompt: str | None = None
    marks: dict[str, Any] | None = None
    ended_by: str | None = None

    @classmethod
    def of_result(cls, line: str, result: Any) -> StoredReply:
        """From the practice service's ``TurnResult`` of the line's turn."""
        turn = getattr(result, "turn_index", None)
        customer = getattr(result, "customer", None) or None
        return cls(
            line=line,
            rep_turn=turn,
            rep_text=str(getattr(result, "rep_text", "") or ""),
            customer=customer,
            customer_turn=turn + 1 if turn is not None and customer else None,
            hint=getattr(result, "hint", None) or None,
            notice=getattr(result, "notice", None) or None,
            prompt=getattr(result, "prompt", None) or None,
            marks=getattr(result, "marks", None) or None,
            ended_by=getattr(result, "ended_by", None) or None,
        )

    def heard_event(self) -> dict[str, Any]:
        """The ``heard`` event sent again for the line (``replayed``: nothing new stored)."""
        return {
            "type": "heard",
            "text": self.rep_text,
            "turn": self.rep_turn,
            "line": self.line,
            "replayed": True,
        }

    def customer_event(self) -> dict[str, Any]:
        """The ``customer`` event of the stored answer."""
        event: dict[str, Any] = {"type": "customer", "text": self.customer or ""}
        for key in ("notice", "hint", "prompt", "marks", "ended_by"):
            value = getattr(self, key)
            if value:
                event[key] = value
        if self.customer_turn is not None:
            event["turn"] = self.customer_turn
        event["replayed"] = True
        return event


def stored_replies(view: Any) -> dict[str, StoredReply]:
    """The session's stored rep lines that had an id, by id, each with the customer turn after it.

    ``view`` is the practice service's ``SessionView`` (None: nothing known). What the rep was
    shown after a turn (hint, notice, marks) is kept in that rep turn's meta.
    """
    turns = list(getattr(view, "turns", None) or [])
    out: dict[str, StoredReply] = {}
    for position, turn in enumerate(turns):
        meta = dict(getattr(turn, "meta", None) or {})
        line = line_id(meta.get(LINE_KEY))
        if getattr(turn, "speaker", None) != "rep" or line is None or line in out:
            continue
        after = turns[position + 1] if position + 1 < len(turns) else None
        answer = after if getattr(after, "speaker", None) == "customer" else None
        marks = meta.get("marks")
        out[line] = StoredReply(
            line=line,
            rep_turn=int(turn.index),
            rep_text=str(turn.text),
            customer=str(answer.text) if answer is not None else None,
            customer_turn=int(answer.index) if answer is not None else None,
            hint=meta.get("hint") or None,
            notice=meta.get("notice") or None,
            marks=dict(marks) if isinstance(marks, dict) and marks else None,
            ended_by=getattr(view, "ended_by", None) if answer is turns[-1] else None,
        )
    return out


class Lines:
    """The rep lines this process is answering or has answered, by session and line id.

    An entry is a future on the event loop of the connection that owns the line: its
    ``StoredReply`` once the turn is stored, or None if storing it failed (the entry is then
    dropped, and the next connection to send the line answers it).
    """

    def __init__(self, size: int = REMEMBERED) -> None:
        self._entries: OrderedDict[tuple[str, str], asyncio.Future[StoredReply | None]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()
        self.size = size

    def claim(self, session_id: str, line: str) -> tuple[bool, asyncio.Future[StoredReply | None]]:
        """(True, a new future) if the caller now answers the line; else (False, the owner's).

        Call on the event loop. A future of another event loop (a finished test's) is not
        waited on: the line is the caller's, and the stored turns decide.
        """
        loop = asyncio.get_running_loop()
        key = (session_id, line)
        with self._lock:
            entry = self._entries.get(key)
            usable = entry is not None and entry.get_loop() is loop and not entry.cancelled()
            if entry is not None and usable and not (entry.done() and entry.result() is None):
                self._entries.move_to_end(key)
                return False, entry
            future: asyncio.Future[StoredReply | None] = loop.create_future()
            self._entries[key] = future
            self._evict()
            return True, future

    def settle(
        self,
        session_id: str,
        line: str,
        future: asyncio.Future[StoredReply | None],
        reply: StoredReply | None,
    ) -> None:
        """The owner's answer to the line (None: it failed; someone may answer it again)."""
        if not future.done():
            future.set_result(reply)
        if reply is None:
            with self._lock:
                if self._entries.get((session_id, line)) is future:
                    del self._entries[(session_id, line)]

    def _evict(self) -> None:
        while len(self._entries) > self.size:
            key, oldest = next(iter(self._entries.items()))
            if not oldest.done():
                # Still being answered: keep it, and stop (the rest are newer).
                break
            del self._entries[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


LINES = Lines()
"""The rep lines of this process."""
