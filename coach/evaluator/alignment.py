"""Align what was said with a script, token by token, and mark every token.

English is aligned on words, Chinese on characters, both after normalisation (case,
punctuation, numbers, traditional to simplified). A Chinese character said with the same
toneless pinyin as the script's counts as read correctly (``homophone``): the recogniser
often picks the wrong character for the right sound, and the rep should not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.text.normalize import pinyin_key, tokens

EQUAL, HOMOPHONE, SUBSTITUTE, DELETE, INSERT = (
    "ok",
    "homophone",
    "substituted",
    "omitted",
    "inserted",
)


@dataclass(frozen=True)
class Op:
    """One alignment step: a script token (``ref``), what was said (``hyp``), and the verdict."""

    kind: str
    ref: str | None
    hyp: str | None
    line: int | None = None


@dataclass
class LineMark:
    """A script line with each of its tokens marked, for a UI to colour."""

    line: int
    text: str
    tokens: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of the line's tokens read correctly (homophones count as correct)."""
        ref = [t for t in self.tokens if t["status"] != INSERT]
        if not ref:
            return 1.0
        return sum(t["status"] in (EQUAL, HOMOPHONE) for t in ref) / len(ref)


def _same(ref: str, hyp: str) -> str | None:
    if ref == hyp:
        return EQUAL
    if pinyin_key(ref) == pinyin_key(hyp) and ref != pinyin_key(ref):
        return HOMOPHONE
    return None


def align_tokens(ref: list[str], hyp: list[str]) -> list[Op]:
    """Levenshtein alignment of two token lists (homophones cost nothing)."""
    n, m = len(ref), len(hyp)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = i
    for j in range(1, m + 1):
        cost[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            match = 0 if _same(ref[i - 1], hyp[j - 1]) else 1
            cost[i][j] = min(cost[i - 1][j - 1] + match, cost[i - 1][j] + 1, cost[i][j - 1] + 1)
    ops: list[Op] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0:
            verdict = _same(ref[i - 1], hyp[j - 1])
            if cost[i][j] == cost[i - 1][j - 1] + (0 if verdict else 1):
                ops.append(Op(verdict or SUBSTITUTE, ref[i - 1], hyp[j - 1]))
                i, j = i - 1, j - 1
                continue
        if i > 0 and cost[i][j] == cost[i - 1][j] + 1:
            ops.append(Op(DELETE, ref[i - 1], None))
            i -= 1
        else:
            ops.append(Op(INSERT, None, hyp[j - 1]))
            j -= 1
    ops.reverse()
    return ops


def _join_split_words(hyp: list[str], vocabulary: set[str]) -> list[str]:
    """Join "fleet flow" into "fleetflow" when the script spells it as one word."""
    out: list[str] = []
    j = 0
    while j < len(hyp):
        if j + 1 < len(hyp) and hyp[j] + hyp[j + 1] in vocabulary and hyp[j] not in vocabulary:
            out.append(hyp[j] + hyp[j + 1])
            j += 2
        else:
            out.append(hyp[j])
            j += 1
    return out


@dataclass
class ReadAlong:
    """The result of reading a script aloud."""

    accuracy: float
    reference_tokens: int
    correct: int
    homophones: int
    substituted: list[dict[str, str | None]]
    omitted: list[dict[str, str | None]]
    inserted: list[dict[str, str | None]]
    lines: list[LineMark]

    def as_dict(self) -> dict[str, object]:
        """The ``readalong`` section of the result."""
        return {
            "accuracy": round(self.accuracy, 4),
            "reference_tokens": self.reference_tokens,
            "correct": self.correct,
            "homophones": self.homophones,
            "substituted": self.substituted,
            "omitted": self.omitted,
            "inserted": self.inserted,
            "lines": [
                {
                    "line": mark.line,
                    "text": mark.text,
                    "accuracy": round(mark.accuracy, 4),
                    "tokens": mark.tokens,
                }
                for mark in self.lines
            ],
        }


def score_reading(script: list[str], said: str, language: str) -> ReadAlong:
    """Align everything said with the script lines and mark each token and line."""
    ref: list[str] = []
    line_of: list[int] = []
    for number, line in enumerate(script):
        line_tokens = tokens(line, language)
        ref += line_tokens
        line_of += [number] * len(line_tokens)
    ops = align_tokens(ref, _join_split_words(tokens(said, language), set(ref)))
    marks = [LineMark(line=i, text=text) for i, text in enumerate(script)]
    substituted, omitted, inserted = [], [], []
    ref_index = 0
    current_line = 0
    for op in ops:
        if op.ref is not None:
            current_line = line_of[ref_index]
            ref_index += 1
        entry = {"expected": op.ref, "said": op.hyp, "status": op.kind, "line": str(current_line)}
        token = {
            "text": op.ref if op.ref is not None else op.hyp,
            "said": op.hyp,
            "status": op.kind,
        }
        if marks:
            marks[current_line].tokens.append(token)
        if op.kind == SUBSTITUTE:
            substituted.append(entry)
        elif op.kind == DELETE:
            omitted.append(entry)
        elif op.kind == INSERT:
            inserted.append(entry)
    correct = sum(op.kind in (EQUAL, HOMOPHONE) for op in ops)
    homophones = sum(op.kind == HOMOPHONE for op in ops)
    accuracy = correct / len(ref) if ref else 0.0
    # Insertions lower accuracy too, so reading the script twice does not score 100.
    accuracy = max(0.0, (correct - len(inserted) * 0.5) / len(ref)) if ref else 0.0
    return ReadAlong(accuracy, len(ref), correct, homophones, substituted, omitted, inserted, marks)
