"""Word and character error rates, normalised the way the speech fixtures' README asks.

English: lower case, punctuation stripped, compared word by word. Chinese: simplified
characters, punctuation and spaces stripped, Arabic numerals read as Chinese numerals
(Whisper writes "3点" for 三点), compared character by character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coach.speech.language import to_simplified

_EN_DROP = re.compile(r"[^\w'\s]|_")
_ZH_KEEP = re.compile(r"[\u3400-\u9fff0-9a-z]")


def normalise_english(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return _EN_DROP.sub(" ", text.lower()).split()


def normalise_chinese(text: str) -> list[str]:
    """Simplified characters (numbers as Chinese numerals), no punctuation or spaces."""
    simplified = to_simplified(text.lower())
    try:
        import cn2an  # type: ignore[import-untyped]

        simplified = cn2an.transform(simplified, "an2cn")
    except Exception:  # numbers stay as digits when cn2an cannot read them
        pass
    return _ZH_KEEP.findall(simplified)


def error_rate(
    references: str | Sequence[str], hypotheses: str | Sequence[str], *, language: str
) -> float:
    """WER for English, CER for Chinese, over one or several reference/hypothesis pairs."""
    refs = [references] if isinstance(references, str) else list(references)
    hyps = [hypotheses] if isinstance(hypotheses, str) else list(hypotheses)
    if len(refs) != len(hyps):
        raise ValueError("as many hypotheses as references are needed")
    split = normalise_chinese if language == "zh" else normalise_english
    errors = total = 0
    for ref, hyp in zip(refs, hyps, strict=True):
        r, h = split(ref), split(hyp)
        errors += _edit_distance(r, h)
        total += len(r)
    return errors / max(1, total)


def _edit_distance(ref: list[str], hyp: list[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]
