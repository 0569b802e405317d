"""Import whole calls into the library: transcript files, or recordings through a transcriber.

- Transcripts: JSON (the DESIGN.md format, plus optional ``title``, ``date``, ``outcome``,
  ``scenario`` keys) or ``Name: text`` lines, read by :mod:`coach.transcripts`.
- Recordings: decoded with PyAV. A stereo call with the rep on one channel and the customer on
  the other is split by channel; each channel is transcribed on its own and the segments are
  merged by time into turns. Mono (or stereo with the same signal twice) cannot tell the
  speakers apart: put a transcript beside it (same name, ``.json`` or ``.txt``) to name them.
- Resumable: each source's content hash is stored with the call, so a re-run skips what is
  done. A bad file is reported and the rest go on. Nothing is clipped unless asked.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from coach.backends.ports import Segment, Transcriber, Transcription
from coach.clip_library.audio import AUDIO_SUFFIXES, decode
from coach.errors import CoachError, ContentError
from coach.transcripts import (
    CALL_META_KEYS,
    CUSTOMER,
    REP,
    guess_language,
    load_transcript,
    parse_json,
)

TRANSCRIPT_SUFFIXES = frozenset({".json", ".txt"})
"""File types imported as transcripts."""
UNKNOWN = "unknown"
"""Speaker of turns from a mono recording (who said what is not known)."""

Status = Literal["imported", "skipped", "failed"]
RepChannel = Literal["left", "right"]


class ImportProblem(CoachError):
    """A source that cannot be imported (the import goes on with the others)."""


@dataclass(frozen=True)
class Source:
    """One call to import: a transcript, a recording, or a recording with its transcript."""

    transcript: Path | None = None
    audio: Path | None = None

    @property
    def path(self) -> Path:
        """The file that names the call (the recording when there is one)."""
        found = self.audio or self.transcript
        assert found is not None
        return found

    def content_hash(self) -> str:
        """SHA-256 of the files' bytes: the same call imported twice has the same hash."""
        digest = hashlib.sha256()
        for part in (self.audio, self.transcript):
            if part is None:
                continue
            with part.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            digest.update(b"\0")
        return digest.hexdigest()


@dataclass
class ParsedCall:
    """A call read from its source, ready to store."""

    title: str
    language: str
    turns: list[dict[str, Any]]
    source: str
    audio_path: Path | None = None
    duration_s: float | None = None
    outcome: str = ""
    scenario: str | None = None
    date: datetime | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportItem:
    """What happened to one source."""

    path: str
    status: Status
    call_id: str | None = None
    message: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """The outcome of an import run, one item per source."""

    items: list[ImportItem] = field(default_factory=list)

    def count(self, status: Status) -> int:
        """How many sources ended with ``status``."""
        return sum(item.status == status for item in self.items)

    @property
    def imported(self) -> int:
        """Calls stored by this run."""
        return self.count("imported")

    @property
    def skipped(self) -> int:
        """Sources already imported before (same content)."""
        return self.count("skipped")

    @property
    def failed(self) -> int:
        """Sources that could not be imported."""
        return self.count("failed")

    def summary(self) -> str:
        """One line: imported, skipped, failed."""
        return f"imported {self.imported}, skipped {self.skipped}, failed {self.failed}"

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data."""
        return {
            "imported": self.imported,
            "skipped": self.skipped,
            "failed": self.failed,
            "items": [
                {
                    "path": i.path,
                    "status": i.status,
                    "call_id": i.call_id,
                    "message": i.message,
                    "warnings": list(i.warnings),
                }
                for i in self.items
            ],
        }


class CallStore(Protocol):
    """Where imported calls go (the service gives one backed by the database)."""

    def find(self, source_hash: str) -> str | None:
        """The id of the call already imported with this hash, or None."""
        ...

    def save(self, call: ParsedCall, source_hash: str) -> str:
        """Store a call (in its own transaction); return its id."""
        ...


Progress = Callable[[int, int, ImportItem], None]
"""Called after each source: (done, total, what happened to it)."""


def collect_sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[ImportItem]]:
    """The calls under ``paths`` (files or folders, searched recursively), and bad paths.

    A recording and a transcript with the same name in the same folder are one call.
    """
    files: list[Path] = []
    problems: list[ImportItem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES | AUDIO_SUFFIXES
            )
        elif path.is_file():
            if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
                files.append(path)
            elif path.suffix.lower() in AUDIO_SUFFIXES:
                # a transcript beside a recording names its speakers
                files.append(path)
                files += [
                    side
                    for suffix in sorted(TRANSCRIPT_SUFFIXES)
                    if (side := path.with_suffix(suffix)).is_file()
                ]
            else:
                problems.append(
                    ImportItem(
                        str(path),
                        "failed",
                        message="not a transcript (.json, .txt) or a recording "
                        f"({', '.join(sorted(AUDIO_SUFFIXES))})",
                    )
                )
        else:
            problems.append(ImportItem(str(path), "failed", message="no such file or folder"))
    unique = list(dict.fromkeys(files))
    transcripts: dict[Path, Path] = {}
    for path in unique:
        if path.suffix.lower() in TRANSCRIPT_SUFFIXES:
            transcripts.setdefault(path.with_suffix(""), path)
    recorded = {p.with_suffix("") for p in unique if p.suffix.lower() in AUDIO_SUFFIXES}
    sources = [
        Source(transcript=transcripts.get(path.with_suffix("")), audio=path)
        for path in unique
        if path.suffix.lower() in AUDIO_SUFFIXES
    ]
    sources += [
        Source(transcript=path)
        for path in unique
        if path.suffix.lower() in TRANSCRIPT_SUFFIXES and path.with_suffix("") not in recorded
    ]
    sources.sort(key=lambda s: str(s.path))
    return sources, problems


_DATE_IN_NAME = re.compile(r"(?<!\d)(20\d\d)-?([01]\d)-?([0-3]\d)(?!\d)")


def _parse_date(value: Any, source: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ImportProblem(
                f"{source}: date {value!r} is not an ISO date (e.g. 2024-05-17)"
            ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _date_from_name(path: Path) -> datetime | None:
    match = _DATE_IN_NAME.search(path.stem)
    if not match:
        return None
    try:
        year, month, day = (int(g) for g in match.groups())
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def read_transcript(path: Path, *, rep: str | None = None) -> ParsedCall:
    """A call from a transcript file (JSON or ``Name: text`` lines)."""
    meta: dict[str, Any] = {}
    text = path.read_text(encoding="utf-8") if path.suffix.lower() == ".json" else None
    if text is not None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None  # parse_json below reports it with the line
        if isinstance(data, dict):
            meta = {key: data[key] for key in CALL_META_KEYS if key in data}
        transcript = parse_json(text, source=str(path), rep=rep)  # it ignores CALL_META_KEYS
    else:
        transcript = load_transcript(path, rep=rep)
    if not transcript.turns:
        raise ImportProblem(f"{path}: the transcript has no turns")
    turns = [turn.model_dump(mode="json", exclude_none=True) for turn in transcript.turns]
    ends = [turn.end for turn in transcript.turns if turn.end is not None]
    scenario = meta.get("scenario")
    return ParsedCall(
        title=str(meta.get("title") or path.stem),
        language=transcript.language,
        turns=turns,
        source=str(path),
        duration_s=max(ends) if ends else None,
        outcome=str(meta.get("outcome") or ""),
        scenario=str(scenario) if scenario else None,
        date=_parse_date(meta.get("date"), str(path)) or _date_from_name(path),
    )


def merge_channels(
    rep: Sequence[Segment], customer: Sequence[Segment], *, language: str
) -> list[dict[str, Any]]:
    """Turns from two channels' segments: ordered by start time, same speaker joined."""
    tagged = [(s.start, 0, REP, s) for s in rep] + [(s.start, 1, CUSTOMER, s) for s in customer]
    turns: list[dict[str, Any]] = []
    for _, _, speaker, segment in sorted(tagged, key=lambda item: (item[0], item[1])):
        text = segment.text.strip()
        if not text:
            continue
        if turns and turns[-1]["speaker"] == speaker:
            joiner = "" if language == "zh" else " "
            turns[-1]["text"] = f"{turns[-1]['text']}{joiner}{text}"
            turns[-1]["end"] = max(turns[-1]["end"], round(segment.end, 3))
        else:
            turns.append(
                {
                    "speaker": speaker,
                    "text": text,
                    "start": round(segment.start, 3),
                    "end": round(max(segment.end, segment.start), 3),
                }
            )
    return turns


def transcribe_recording(
    path: Path,
    transcriber: Transcriber,
    *,
    language: str | None = None,
    rep_channel: RepChannel = "left",
    hotwords: Sequence[str] = (),
) -> ParsedCall:
    """A call from a recording: split by channel when rep and customer have one each."""
    audio = decode(path, sample_rate=16000)
    warnings: list[str] = []
    if audio.duration <= 0:
        raise ImportProblem(f"{path}: the recording is empty")
    if not audio.is_dual_mono():
        rep_index = 0 if rep_channel == "left" else 1
        heard: list[Transcription | None] = []
        lang = language
        for index, who in ((rep_index, "rep"), (1 - rep_index, "customer")):
            try:
                channel = transcriber.transcribe(
                    audio.samples[index], language=lang, hotwords=hotwords
                )
            except CoachError as exc:  # e.g. a silent channel: keep the other one
                warnings.append(f"{who} channel: {exc}")
                heard.append(None)
                continue
            lang = lang or channel.language
            heard.append(channel)
        lang = lang or "en"
        turns = merge_channels(
            heard[0].segments if heard[0] else (),
            heard[1].segments if heard[1] else (),
            language=lang,
        )
    else:
        whole = transcriber.transcribe(audio.samples[0], language=language, hotwords=hotwords)
        lang = language or whole.language
        turns = [
            {
                "speaker": UNKNOWN,
                "text": s.text.strip(),
                "start": round(s.start, 3),
                "end": round(s.end, 3),
            }
            for s in whole.segments
            if s.text.strip()
        ]
        warnings.append(
            "mono recording: speakers not separated; record the rep and the customer on "
            "separate channels, or put a transcript with the same name beside it"
        )
    if not turns:
        raise ImportProblem(f"{path}: no speech was recognised")
    if lang not in ("en", "zh"):
        lang = guess_language(" ".join(t["text"] for t in turns))
    return ParsedCall(
        title=path.stem,
        language=lang,
        turns=turns,
        source=str(path),
        audio_path=path,
        duration_s=round(audio.duration, 3),
        date=_date_from_name(path),
        warnings=warnings,
    )


def read_source(
    source: Source,
    *,
    transcriber: Transcriber | None,
    language: str | None = None,
    rep: str | None = None,
    rep_channel: RepChannel = "left",
    hotwords: Sequence[str] = (),
) -> ParsedCall:
    """Read one source into a call (transcript first; the recording only when alone)."""
    if source.transcript is not None:
        call = read_transcript(source.transcript, rep=rep)
        if source.audio is not None:
            call.audio_path = source.audio
            call.title = source.audio.stem if call.title == source.transcript.stem else call.title
        if language and language != call.language:
            call.warnings.append(f"the transcript looks {call.language}; kept as {language}")
            call.language = language
        return call
    assert source.audio is not None
    if transcriber is None:
        raise ImportProblem(
            f"{source.audio}: a recording needs a speech recogniser (install the models extra: "
            "pip install -e '.[models]'), or put a transcript with the same name beside it"
        )
    return transcribe_recording(
        source.audio,
        transcriber,
        language=language,
        rep_channel=rep_channel,
        hotwords=hotwords,
    )


def import_calls(
    paths: Iterable[str | Path],
    *,
    store: CallStore,
    transcriber: Transcriber | None = None,
    language: str | None = None,
    scenario: str | None = None,
    rep: str | None = None,
    rep_channel: RepChannel = "left",
    hotwords: Sequence[str] = (),
    audio_dir: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every call under ``paths``; skip what was imported before; report each one.

    Recordings are copied into ``audio_dir`` (named by content hash) so clips can be cut
    from them later, whatever happens to the original files.
    """
    sources, problems = collect_sources(paths)
    report = ImportReport(items=list(problems))
    total = len(sources) + len(problems)
    for done, item in enumerate(problems, start=1):
        if progress:
            progress(done, total, item)
    seen: set[str] = set()
    for done, source in enumerate(sources, start=len(problems) + 1):
        item = _import_one(
            source,
            store=store,
            seen=seen,
            transcriber=transcriber,
            language=language,
            scenario=scenario,
            rep=rep,
            rep_channel=rep_channel,
            hotwords=hotwords,
            audio_dir=audio_dir,
        )
        report.items.append(item)
        if progress:
            progress(done, total, item)
    return report


def _import_one(
    source: Source,
    *,
    store: CallStore,
    seen: set[str],
    transcriber: Transcriber | None,
    language: str | None,
    scenario: str | None,
    rep: str | None,
    rep_channel: RepChannel,
    hotwords: Sequence[str],
    audio_dir: Path | None,
) -> ImportItem:
    path = str(source.path)
    try:
        digest = source.content_hash()
    except OSError as exc:
        return ImportItem(path, "failed", message=f"cannot read: {exc.strerror or exc}")
    existing = store.find(digest)
    if existing is not None or digest in seen:
        return ImportItem(path, "skipped", existing, "already imported")
    try:
        call = read_source(
            source,
            transcriber=transcriber,
            language=language,
            rep=rep,
            rep_channel=rep_channel,
            hotwords=hotwords,
        )
    except ContentError as exc:
        return ImportItem(path, "failed", message="; ".join(str(i) for i in exc.issues))
    except (CoachError, ValueError) as exc:
        return ImportItem(path, "failed", message=str(exc))
    except UnicodeDecodeError:
        return ImportItem(path, "failed", message="not UTF-8 text")
    except OSError as exc:
        return ImportItem(path, "failed", message=f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a recogniser failing on one file must not stop the run
        return ImportItem(path, "failed", message=f"{type(exc).__name__}: {exc}")
    if scenario:
        call.scenario = scenario
    if call.audio_path is not None and audio_dir is not None:
        audio_dir.mkdir(parents=True, exist_ok=True)
        kept = audio_dir / f"{digest[:24]}{call.audio_path.suffix.lower()}"
        if not kept.exists():
            shutil.copyfile(call.audio_path, kept)
        call.audio_path = kept
    call_id = store.save(call, digest)
    seen.add(digest)
    return ImportItem(path, "imported", call_id, warnings=tuple(call.warnings))
