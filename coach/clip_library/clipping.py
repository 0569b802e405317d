"""Cut a clip out of an imported call: a span of turns or of time, titled and tagged.

Clipping is always a trainer's explicit act. The clip keeps its own copy of the turns (with
times made relative to the clip's start, so they line up with its audio) and, when the call
has a recording and the span's times are known, its own WAV excerpt under ``clips_dir``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.clip_library import audio
from coach.clip_library.model import TAG_KINDS
from coach.errors import CoachError


class ClipError(CoachError):
    """A clip that cannot be cut as asked (bad span, no timings, bad tag)."""


@dataclass(frozen=True)
class CallData:
    """What clipping needs to know about a call."""

    call_id: str
    title: str
    language: str
    turns: Sequence[Mapping[str, Any]]
    audio_path: str | None = None
    scenario_id: str | None = None
    outcome: str = ""


@dataclass
class ClipDraft:
    """A clip ready to be stored (the arguments of ``upsert_clip``)."""

    clip_id: str
    title: str
    language: str
    turns: list[dict[str, Any]]
    tags: list[tuple[str, str]]
    scenario_id: str | None
    call_id: str
    start_turn: int
    end_turn: int
    start_s: float | None
    end_s: float | None
    audio_path: str | None
    notes: str = ""
    outcome: str = ""
    source: str = ""
    created_by: int | None = None
    warnings: list[str] = field(default_factory=list)


def new_clip_id() -> str:
    """A fresh clip id (``clip-`` and 12 hex digits; a slug, like seed clip ids)."""
    return f"clip-{uuid.uuid4().hex[:12]}"


def check_tags(tags: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tags as clean (kind, value) pairs, in order, without repeats; unknown kinds refused."""
    out: list[tuple[str, str]] = []
    for kind, value in tags:
        if kind not in TAG_KINDS:
            raise ClipError(f"unknown tag kind {kind!r}; use one of {', '.join(TAG_KINDS)}")
        value = value.strip()
        if not value:
            raise ClipError(f"empty {kind} tag")
        if (kind, value) not in out:
            out.append((kind, value))
    return out


def _time(turn: Mapping[str, Any], key: str) -> float | None:
    value = turn.get(key)
    return float(value) if isinstance(value, int | float) else None


def turn_span_for_times(
    turns: Sequence[Mapping[str, Any]], start_s: float, end_s: float
) -> tuple[int, int]:
    """The first and last turn overlapping ``start_s``..``end_s`` (turns need timings)."""
    if end_s <= start_s:
        raise ClipError(f"the span ends ({end_s}s) before it starts ({start_s}s)")
    timed = [
        (i, _time(t, "start"), _time(t, "end"))
        for i, t in enumerate(turns)
        if _time(t, "start") is not None and _time(t, "end") is not None
    ]
    if not timed:
        raise ClipError("this call's turns have no timings: cut it by turns (--turns A-B)")
    inside = [
        i
        for i, start, end in timed
        if start is not None and end is not None and end > start_s and start < end_s
    ]
    if not inside:
        last = max(end for _, _, end in timed if end is not None)
        raise ClipError(f"no turn between {start_s}s and {end_s}s (the call lasts {last:.1f}s)")
    return inside[0], inside[-1]


def cut_clip(
    call: CallData,
    *,
    title: str,
    start_turn: int | None = None,
    end_turn: int | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    tags: Iterable[tuple[str, str]] = (),
    notes: str = "",
    clipped_by: int | None = None,
    clips_dir: Path | None = None,
    clip_id: str | None = None,
) -> ClipDraft:
    """Cut a clip by turns (``start_turn``..``end_turn``, inclusive) or by time (seconds).

    The clip is tagged with the call's language and scenario besides ``tags``. With a
    recording and ``clips_dir``, the excerpt is written to ``clips_dir/<clip id>.wav``.
    """
    if not title.strip():
        raise ClipError("a clip needs a title")
    by_turns = start_turn is not None or end_turn is not None
    by_time = start_s is not None or end_s is not None
    if by_turns == by_time:
        raise ClipError("cut by turns (start and end turn) or by time (start and end s), not both")
    turns = list(call.turns)
    if by_turns:
        if start_turn is None or end_turn is None:
            raise ClipError("give both the first and the last turn")
        if not 0 <= start_turn <= end_turn < len(turns):
            raise ClipError(
                f"turns {start_turn}-{end_turn} are not in this call (it has turns 0-{len(turns) - 1})"
            )
        first, last = start_turn, end_turn
        span_start, span_end = _time(turns[first], "start"), _time(turns[last], "end")
    else:
        if start_s is None or end_s is None:
            raise ClipError("give both the start and the end time")
        first, last = turn_span_for_times(turns, start_s, end_s)
        span_start, span_end = start_s, end_s
    clip_turns = [dict(turn) for turn in turns[first : last + 1]]
    if span_start is not None:
        for turn in clip_turns:
            for key in ("start", "end"):
                value = _time(turn, key)
                if value is not None:
                    turn[key] = round(max(0.0, value - span_start), 3)
    given = check_tags(tags)
    pairs = [("language", call.language)] if not any(k == "language" for k, _ in given) else []
    scenario = next((v for k, v in given if k == "scenario"), call.scenario_id)
    if scenario and ("scenario", scenario) not in given:
        pairs.append(("scenario", scenario))
    clean = check_tags([*pairs, *given])
    identifier = clip_id or new_clip_id()
    draft = ClipDraft(
        clip_id=identifier,
        title=title.strip(),
        language=call.language,
        turns=clip_turns,
        tags=clean,
        scenario_id=scenario,
        call_id=call.call_id,
        start_turn=first,
        end_turn=last,
        start_s=span_start,
        end_s=span_end,
        audio_path=None,
        notes=notes,
        outcome=call.outcome,
        source=f"call {call.call_id}",
        created_by=clipped_by,
    )
    if call.audio_path and clips_dir is not None:
        if span_start is None or span_end is None:
            draft.warnings.append("no audio excerpt: the turns of this call have no timings")
        elif not Path(call.audio_path).exists():
            draft.warnings.append(f"no audio excerpt: {call.audio_path} is missing")
        else:
            target = clips_dir / f"{identifier}.wav"
            audio.cut(call.audio_path, target, start_s=span_start, end_s=span_end)
            draft.audio_path = str(target)
    return draft
