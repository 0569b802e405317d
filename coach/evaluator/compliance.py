"""Compliance: forbidden phrases the rep said (tolerant to small variations), with the turn."""

from __future__ import annotations

from rapidfuzz import fuzz

from coach.scenarios.model import ForbiddenPhrase
from coach.text.acts import declines
from coach.text.normalize import compact
from coach.text.sentences import split_sentences
from coach.transcripts import Transcript

_EN_NEGATORS = ("not ", "n't ", "never ", "no ", "cannot ", "can't ", "won't ")
_ZH_NEGATORS = ("不", "没", "无法", "不能", "不会", "不敢")


def _negated(sentence_norm: str, phrase_norm: str, language: str) -> bool:
    """True when the phrase is denied just before it ("we can't guarantee", "不能保证")."""
    at = sentence_norm.find(phrase_norm)
    if at < 0:
        alignment = fuzz.partial_ratio_alignment(phrase_norm, sentence_norm)
        at = alignment.dest_start if alignment is not None else -1
    if at < 0:
        return False
    before = sentence_norm[max(0, at - 14) : at]
    negators = _ZH_NEGATORS if language == "zh" else _EN_NEGATORS
    return any(neg.strip() in before.split() or neg in before for neg in negators)


def find_violations(
    forbidden: list[ForbiddenPhrase], transcript: Transcript
) -> list[dict[str, object]]:
    """Every forbidden phrase (or variant) the rep said, once per turn and rule."""
    language = transcript.language
    hits: list[dict[str, object]] = []
    for index, turn in transcript.rep_turns():
        for rule in forbidden:
            for sentence in split_sentences(turn.text) or [turn.text]:
                sentence_norm = compact(sentence, language)
                found = _match(rule, sentence_norm, language)
                if found is None or declines(sentence, language) and found[1] < 1.0:
                    continue
                variant, closeness = found
                if _negated(sentence_norm, compact(variant, language), language):
                    continue
                hits.append(
                    {
                        "phrase": rule.phrase,
                        "turn": index,
                        "reason": rule.reason,
                        "quote": sentence,
                        "matched": variant,
                        "exact": closeness >= 1.0,
                    }
                )
                break
    return hits


def _match(rule: ForbiddenPhrase, sentence_norm: str, language: str) -> tuple[str, float] | None:
    best: tuple[str, float] | None = None
    for variant in [rule.phrase, *rule.variants]:
        norm = compact(variant, language)
        if not norm:
            continue
        if norm in sentence_norm:
            return variant, 1.0
        # Tolerate small variations ("guarantee" / "guaranteed", 保证/包证) on longer phrases.
        if len(norm) >= (4 if language == "zh" else 8):
            score = fuzz.partial_ratio(norm, sentence_norm) / 100
            if score >= 0.88 and (best is None or score > best[1]):
                best = (variant, score)
    return best
