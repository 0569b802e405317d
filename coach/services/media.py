"""Audio a page may play: a turn of a practice session or of an imported call, or a clip.

Rep turns play the recording that was kept; customer turns and text-only clips are spoken
on first request by the persona's (or the language's) voice and kept on disk, so the second
play is instant. Every request is checked against the actor's rights by the owning service.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coach.clip_library import audio as recordings
from coach.errors import NotFoundError
from coach.services import clips, speech
from coach.services.practice import PracticeService
from coach.services.runtime import Runtime
from coach.speech.audio import write_wav
from coach.store.repositories import content as content_repo

log = logging.getLogger(__name__)


def session_turn_audio(
    practice: PracticeService, session_id: str, index: int, *, actor: str
) -> Path:
    """The audio of turn ``index`` of a session the actor may read."""
    view = practice.view(session_id, actor=actor)
    turn = next((t for t in view.turns if t.index == index), None)
    if turn is None:
        raise NotFoundError(f"session {session_id} has no turn {index}")
    if turn.audio_path:
        path = Path(turn.audio_path)
        if path.is_file():
            return path
        if turn.speaker == "rep":
            raise NotFoundError("the recording of this turn is no longer kept on this server")
    if turn.speaker == "rep":
        raise NotFoundError("this turn was typed: there is no recording to play")
    # The persona's own voice, as in the call, whether the session is still going or not and
    # whoever may read it (the owner or their coaches).
    voice = _persona_voice(practice.runtime, view.persona["id"]) if view.persona else None
    folder = practice.runtime.settings.data_dir / "audio" / session_id
    target = folder / f"customer-{index:03d}-{_digest(turn.text)}.wav"

    def make(out: Path) -> None:
        router = speech.get_synthesizer(practice.runtime.settings)
        chunks = list(router.speak_as(turn.text, language=view.language, persona_voice=voice))
        joined = speech.join_chunks(chunks)
        write_wav(out, joined.samples, joined.sample_rate)

    return _write_once(target, make)


def clip_audio(runtime: Runtime, clip_id: str, *, actor: str) -> Path:
    """A clip's excerpt of the call recording, or its words spoken when it has none."""
    record = clips.get_clip(runtime, clip_id=clip_id, actor=actor)
    if record.audio and Path(record.audio).is_file():
        return Path(record.audio)
    lines = [str(t.get("text", "")) for t in record.turns if t.get("text")] or [record.text]
    text = " ".join(lines) if record.language != "zh" else "".join(lines)
    folder = runtime.settings.data_dir / "audio" / "clips"
    target = folder / f"{_digest(clip_id)}-{_digest(text)}.wav"
    return _write_once(
        target,
        lambda out: speech.speak(
            text, language=record.language, out=out, settings=runtime.settings
        ),
    )


def call_turn_audio(runtime: Runtime, call_id: str, index: int, *, actor: str) -> Path:
    """Turn ``index`` (from 0) of an imported call, cut from its recording (trainers, admins).

    Only real audio: a call imported without a recording, or a turn without timings, has
    nothing to play (a synthetic voice would pass for the customer's own). Cut on first
    request and kept, so the second play is instant.
    """
    record = clips.get_call(runtime, call_id=call_id, actor=actor)
    turns = clips.get_call_turns(runtime, call_id=call_id, actor=actor)
    if not 0 <= index < len(turns):
        raise NotFoundError(f"call {call_id} has no turn {index + 1} (it has {len(turns)})")
    if not record.audio:
        raise NotFoundError("this call was imported without a recording: there is nothing to play")
    source = Path(record.audio)
    if not source.is_file():
        raise NotFoundError("the recording of this call is no longer kept on this server")
    start, end = turns[index].get("start"), turns[index].get("end")
    if start is None or end is None:
        raise NotFoundError(
            f"turn {index + 1} of this call has no timings, so it cannot be cut from the recording"
        )
    span = f"{float(start):.3f}-{float(end):.3f}"
    target = (
        runtime.settings.data_dir
        / "audio"
        / "calls"
        / f"{_digest(call_id)}-{index:03d}-{_digest(span)}.wav"
    )
    return _write_once(
        target, lambda out: recordings.cut(source, out, start_s=float(start), end_s=float(end))
    )


def _persona_voice(runtime: Runtime, persona_id: str) -> Any:
    with runtime.transaction() as session:
        try:
            return content_repo.get_persona(session=session, persona_id=persona_id).voice
        except NotFoundError:  # the persona was removed since: speak with the language's voice
            return None


def _write_once(target: Path, make: Callable[[Path], Any]) -> Path:
    """``target``, made by ``make`` on first request into a temporary file, then moved in.

    Two requests at once (a preload and a play) never see, or keep, a half-written file.
    """
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".wav")
    os.close(handle)
    temporary = Path(name)
    try:
        make(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
