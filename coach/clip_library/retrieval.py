"""Real customer lines for the persona engine, taken from the clips' customer turns.

The AI customer sounds like the team's actual customers when its objections and wording come
from real calls. Lines are picked by scenario, stage and objection kind, in a fixed order
(clip id, then turn), so a practice session with a given seed always goes the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coach.clip_library.documents import ClipDocument
from coach.clip_library.mining import concern, is_objection
from coach.text.sentences import split_sentences
from coach.transcripts import REP


@dataclass(frozen=True)
class CustomerLine:
    """A customer turn of a clip, with what the rep said just before it."""

    text: str
    clip_id: str
    turn: int
    language: str
    scenario: str | None
    stage: str | None
    objection: str | None
    key_points: tuple[str, ...]
    before: str = ""


def _first(doc: ClipDocument, kind: str) -> str | None:
    values = doc.tag_values(kind)
    return values[0] if values else None


def customer_lines(
    documents: Iterable[ClipDocument],
    *,
    scenario: str | None = None,
    stage: str | None = None,
    objection: str | None = None,
    language: str | None = None,
    limit: int | None = None,
) -> list[CustomerLine]:
    """Customer lines of the clips matching every filter given, by clip id then turn.

    With ``objection`` (price, timing, trust, ...), only lines that voice that objection are
    kept: customer sentences that push back on it, or, in a clip tagged with it where no
    line says so outright, the clip's first customer line.
    """
    out: list[CustomerLine] = []
    for doc in sorted(documents, key=lambda d: d.clip_id):
        if scenario is not None and doc.scenario != scenario:
            continue
        if language is not None and doc.language != language:
            continue
        doc_stage = _first(doc, "stage")
        if stage is not None and doc_stage != stage:
            continue
        doc_objection = _first(doc, "objection")
        lines: list[CustomerLine] = []
        before = ""
        for index, turn in enumerate(doc.turns):
            text = str(turn.get("text", "")).strip()
            if turn.get("speaker") == REP:
                before = text
                continue
            if not text:
                continue
            lines.append(
                CustomerLine(
                    text=text,
                    clip_id=doc.clip_id,
                    turn=index,
                    language=doc.language,
                    scenario=doc.scenario,
                    stage=doc_stage,
                    objection=doc_objection,
                    key_points=tuple(doc.tag_values("key_point")),
                    before=before,
                )
            )
        if objection is not None:
            voiced = [line for line in lines if _voices(line, objection, doc_objection)]
            if not voiced and doc_objection == objection and lines:
                voiced = lines[:1]
            lines = voiced
        out += lines
    return out[:limit] if limit is not None else out


def _voices(line: CustomerLine, objection: str, tagged: str | None) -> bool:
    """True when a sentence of the line pushes back with this objection.

    The clip's objection tag names pushback that no rule recognises.
    """
    for sentence in split_sentences(line.text):
        if not is_objection(sentence, line.language):
            continue
        said = concern(sentence, line.language)
        if said == objection or (said is None and tagged == objection):
            return True
    return False


CustomerLines = Callable[[str, str], list[str]]
"""(scenario id, objection kind) -> lines: what the persona engine asks for."""


def lookup(documents: Iterable[ClipDocument], *, per_call: int | None = None) -> CustomerLines:
    """A function giving the persona engine real lines for a scenario's objection.

    Only the scenario's own clips are used: another product's customers would sound wrong.
    """
    docs = list(documents)

    def lines(scenario_id: str, objection_kind: str) -> list[str]:
        found = customer_lines(docs, scenario=scenario_id, objection=objection_kind)
        texts = list(dict.fromkeys(line.text for line in found))
        return texts[:per_call] if per_call is not None else texts

    return lines
