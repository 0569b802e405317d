"""Transcripts: the turns of a call, read from JSON or from ``Name: text`` plain text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from coach.domain import Language, Strict
from coach.errors import ContentError, ContentIssue
from coach.text.normalize import detect_language

REP = "rep"
CUSTOMER = "customer"
DEFAULT_REP_NAMES = ("rep", "销售", "salesperson", "agent", "坐席", "顾问")
"""Speaker names taken to be the rep in plain-text transcripts when none is given."""
MAX_TURNS = 2000
"""The most turns a transcript may have to be scored (a two-hour call has about 1,500)."""
MAX_CHARS = 200_000
"""The most characters of speech a transcript may have to be scored."""
_JSON_SHAPE = '{"language": "en", "turns": [{"speaker": "rep", "text": "..."}, ...]}'
_LANGUAGE_NAMES = {"en": "English", "zh": "Chinese"}


class Turn(Strict):
    """One turn of a call. ``start``/``end`` are seconds from the start of the call."""

    speaker: str = Field(min_length=1)
    text: str
    start: float | None = Field(default=None, ge=0)
    end: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _end_after_start(self) -> Turn:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self

    @property
    def is_rep(self) -> bool:
        """True when the rep said this turn."""
        return self.speaker == REP

    @property
    def duration(self) -> float | None:
        """Seconds the turn lasted, when its timing is known."""
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


class Transcript(Strict):
    """A call's turns in order, with the call's language."""

    language: Language
    turns: list[Turn] = Field(default_factory=list)

    def rep_turns(self) -> list[tuple[int, Turn]]:
        """The rep's turns with their index in ``turns``."""
        return [(i, turn) for i, turn in enumerate(self.turns) if turn.is_rep]


_LINE = re.compile(r"^\s*([^:：\n]{1,40}?)\s*[:：]\s*(.*)$")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def guess_language(text: str) -> Language:
    """Return ``zh`` when a fair share of the letters are Chinese characters, else ``en``."""
    return "zh" if detect_language(text) == "zh" else "en"


def parse_plain_text(
    text: str, *, rep: str | None = None, language: Language | None = None, source: str = "<text>"
) -> Transcript:
    """Parse ``Name: text`` lines (ASCII or full-width colon) into a transcript.

    The speaker called ``rep`` (default: Rep, 销售 and similar) becomes ``rep``; every other
    speaker becomes ``customer``. Lines without a ``Name:`` continue the previous turn.
    """
    rep_names = {rep.casefold()} if rep else {name.casefold() for name in DEFAULT_REP_NAMES}
    turns: list[Turn] = []
    speakers: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match:
            name, said = match.group(1).strip(), match.group(2).strip()
            speakers.add(name)
            speaker = REP if name.casefold() in rep_names else CUSTOMER
            turns.append(Turn(speaker=speaker, text=said))
        elif turns:
            joiner = "" if _HAN.search(turns[-1].text[-1:] or "") else " "
            turns[-1] = Turn(speaker=turns[-1].speaker, text=f"{turns[-1].text}{joiner}{line}")
        else:
            raise ContentError(
                [ContentIssue(source, "", number, "expected a line like 'Rep: hello' (Name: text)")]
            )
    if not turns:
        raise ContentError(
            [ContentIssue(source, "", None, "no turns found (lines like 'Rep: hello')")]
        )
    if not any(turn.is_rep for turn in turns):
        wanted = rep or "Rep / 销售"
        raise ContentError(
            [
                ContentIssue(
                    source,
                    "",
                    None,
                    f"no turn by the rep ({wanted}); speakers found: {', '.join(sorted(speakers))}."
                    " Use --rep NAME to say which speaker is the rep.",
                )
            ]
        )
    lang = language or guess_language(" ".join(turn.text for turn in turns))
    return Transcript(language=lang, turns=turns)


CALL_META_KEYS = ("title", "date", "outcome", "scenario")
"""Keys a call's JSON may carry beside its turns (the clip library keeps them); not part of the transcript."""


def parse_json(text: str, *, source: str = "<json>", rep: str | None = None) -> Transcript:
    """Parse a transcript JSON document (DESIGN.md format), with clear errors.

    The call metadata keys (``CALL_META_KEYS``) that the clip library's import accepts are
    ignored here, so one file serves ``coach evaluate`` and ``coach clips import``.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(
            [ContentIssue(source, "", exc.lineno, f"invalid JSON: {exc.msg}")]
        ) from exc
    if not isinstance(data, dict):
        raise ContentError(
            [
                ContentIssue(
                    source,
                    "",
                    None,
                    f"expected a JSON object like {_JSON_SHAPE}, found {_json_kind(data)}",
                )
            ]
        )
    data = {key: value for key, value in data.items() if key not in CALL_META_KEYS}
    if isinstance(data.get("turns"), list):
        if rep:
            for turn in data["turns"]:
                if isinstance(turn, dict) and isinstance(turn.get("speaker"), str):
                    turn["speaker"] = (
                        REP if turn["speaker"].casefold() == rep.casefold() else turn["speaker"]
                    )
        if "language" not in data:
            joined = " ".join(str(t.get("text", "")) for t in data["turns"] if isinstance(t, dict))
            data = {**data, "language": guess_language(joined)}
    try:
        return Transcript.model_validate(data)
    except ValidationError as exc:
        issues = [
            ContentIssue(source, ".".join(str(p) for p in err["loc"]), None, err["msg"])
            for err in exc.errors(include_url=False)
        ]
        raise ContentError(issues) from exc


def _json_kind(data: object) -> str:
    """How a JSON value reads to a user: "a list", "a number", ..."""
    if isinstance(data, list):
        return "a list"
    if isinstance(data, str):
        return "a string"
    if isinstance(data, bool):
        return "true/false"
    if isinstance(data, int | float):
        return "a number"
    return "null"


def check_scorable(
    transcript: Transcript,
    *,
    source: str,
    language: str,
    rep: str | None = None,
    force_language: bool = False,
) -> None:
    """Refuse a transcript that cannot be scored against a scenario in ``language``.

    It must have turns, at least one of them by the rep, be within :data:`MAX_TURNS` and
    :data:`MAX_CHARS`, and be in the scenario's language (unless ``force_language``): a
    0/100 scorecard for a call nobody could have passed says nothing.
    """
    if not transcript.turns:
        raise ContentError(
            [ContentIssue(source, "turns", None, f"no turns to score; expected {_JSON_SHAPE}")]
        )
    if len(transcript.turns) > MAX_TURNS:
        raise ContentError(
            [
                ContentIssue(
                    source,
                    "turns",
                    None,
                    f"{len(transcript.turns)} turns is more than the {MAX_TURNS} a transcript may "
                    "have; split the call into parts and score each",
                )
            ]
        )
    chars = sum(len(turn.text) for turn in transcript.turns)
    if chars > MAX_CHARS:
        raise ContentError(
            [
                ContentIssue(
                    source,
                    "turns",
                    None,
                    f"{chars} characters of speech is more than the {MAX_CHARS} a transcript may "
                    "have; split the call into parts and score each",
                )
            ]
        )
    if not any(turn.is_rep for turn in transcript.turns):
        speakers = sorted({turn.speaker for turn in transcript.turns})
        wanted = f"speaker {rep!r}" if rep else f"speaker {REP!r}"
        raise ContentError(
            [
                ContentIssue(
                    source,
                    "turns",
                    None,
                    f"no turn by the rep ({wanted}); speakers found: {', '.join(speakers)}."
                    " Use --rep NAME to say which speaker is the rep.",
                )
            ]
        )
    if force_language:
        return
    spoken = guess_language(" ".join(turn.text for turn in transcript.turns))
    for found, how in ((transcript.language, "says it is"), (spoken, "is")):
        if found != language:
            raise ContentError(
                [
                    ContentIssue(
                        source,
                        "language",
                        None,
                        f"the transcript {how} in {_LANGUAGE_NAMES.get(found, found)} ({found}) "
                        f"but the scenario is in {_LANGUAGE_NAMES.get(language, language)} "
                        f"({language}); use a scenario in the call's language, or pass "
                        "--force-language to score it anyway",
                    )
                ]
            )


def load_transcript(path: str | Path, *, rep: str | None = None) -> Transcript:
    """Read a transcript file: JSON when it parses as such, else ``Name: text`` lines."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([ContentIssue(str(path), "", None, "not UTF-8 text")]) from exc
    except OSError as exc:
        raise ContentError(
            [ContentIssue(str(path), "", None, f"cannot read file: {exc.strerror}")]
        ) from exc
    if not text.strip():
        raise ContentError(
            [ContentIssue(str(path), "", None, "the file is empty; expected a transcript")]
        )
    if file.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        return parse_json(text, source=str(path), rep=rep)
    return parse_plain_text(text, rep=rep, source=str(path))
