"""Exact-word search over clip text: BM25 on words (English) and character n-grams (Chinese).

Meaning search misses what a rep types exactly: product names ("FleetFlow"), numbers, and
Chinese terms (植发, 雅思). This index finds them. Tokens are normalised English words with a
light suffix stemmer, and for Chinese the characters and character bigrams of each run of Han
characters (no word segmenter needed); Latin words inside Chinese stay whole. Postings are
numpy arrays, so a query over 100k clips is a handful of vector operations.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coach.text.normalize import normalize

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_PIECE = re.compile(rf"[{_HAN}]+|[a-z0-9]+(?:'[a-z]+)?")
_RAW_WORD = re.compile(rf"[{_HAN}]|[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

EN_STOPWORDS = frozenset(
    """a about an and are as at be been but by can could did do does doing for from had has have
    he her here him his how i i'd i'll i'm i've if in into is it it's its just me my no not
    of on or our out over so some than that that's the their them then there these they this
    those to too up us very was we we're were what when where which who why will with would
    you you'd you'll you're your yours yeah okay ok oh um uh well right customer rep""".split()
)
"""Words too common to say anything on their own (kept out of the index)."""

ZH_STOP_CHARS = frozenset("的了吗呢吧啊呀嘛哦嗯是我你您他她它们这那就都也还在有和与很个吗么")
"""Characters too common to match on their own (their bigrams are still indexed)."""


def _stem(word: str) -> str:
    """A light English stemmer: plural, -ing and -ed forms of a word meet (price/pricing)."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def terms(text: str, language: str | None = None) -> list[str]:
    """Index terms of a text: stemmed English words, Chinese characters and bigrams."""
    out: list[str] = []
    for piece in _PIECE.findall(normalize(text, language)):
        if "a" <= piece[0] <= "z" or piece[0].isdigit():
            stem = _stem(piece)
            if piece not in EN_STOPWORDS and stem not in EN_STOPWORDS:
                out.append(stem)
            continue
        out += [char for char in piece if char not in ZH_STOP_CHARS]
        out += [piece[i : i + 2] for i in range(len(piece) - 1)]
    return out


@dataclass(frozen=True)
class LexicalHit:
    """A document index, its BM25 score, and the share of the query's weight it matched."""

    doc: int
    score: float
    coverage: float = 1.0


class LexicalIndex:
    """BM25 over a fixed list of texts (build a new one when the texts change)."""

    def __init__(
        self,
        texts: Iterable[str],
        *,
        languages: Sequence[str | None] | None = None,
        k1: float = 1.2,
        b: float = 0.75,
    ):
        self.k1, self.b = k1, b
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        doc_ids: list[int] = []
        freqs: list[int] = []
        lengths: list[int] = []
        for doc, text in enumerate(texts):
            language = languages[doc] if languages is not None else None
            counts = Counter(terms(text, language))
            lengths.append(sum(counts.values()))
            for term, count in counts.items():
                term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                doc_ids.append(doc)
                freqs.append(count)
        self.vocabulary = vocabulary
        self.size = len(lengths)
        term_arr = np.asarray(term_ids, dtype=np.int32)
        order = np.argsort(term_arr, kind="stable")
        self._docs = np.asarray(doc_ids, dtype=np.int32)[order]
        self._freqs = np.asarray(freqs, dtype=np.float32)[order]
        self._starts = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_arr, minlength=len(vocabulary)), out=self._starts[1:])
        self._lengths = np.asarray(lengths, dtype=np.float32)
        self._avg = float(self._lengths.mean()) if self.size else 0.0

    def idf(self, term: str) -> float:
        """BM25 idf of a term (0 when no document has it)."""
        term_id = self.vocabulary.get(term)
        if term_id is None:
            return 0.0
        df = int(self._starts[term_id + 1] - self._starts[term_id])
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str, language: str | None = None) -> npt.NDArray[np.float32]:
        """BM25 score of every document for the query (0 where nothing matched)."""
        return self._score(query, language)[0]

    def _score(
        self, query: str, language: str | None
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """BM25 scores, and per document the share of the query's idf mass it contains.

        A term no document has counts at the highest idf: a query of unknown words is not
        an exact-words query, so it should not earn the lexical side much weight.
        """
        scores = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return scores, matched
        unseen = math.log(1.0 + (self.size + 0.5) / 0.5)
        total = 0.0
        for term in dict.fromkeys(terms(query, language)):
            term_id = self.vocabulary.get(term)
            if term_id is None:
                total += unseen
                continue
            idf = self.idf(term)
            total += idf
            start, end = self._starts[term_id], self._starts[term_id + 1]
            docs, tf = self._docs[start:end], self._freqs[start:end]
            norm = self.k1 * (1.0 - self.b + self.b * self._lengths[docs] / self._avg)
            scores[docs] += idf * tf * (self.k1 + 1.0) / (tf + norm)
            matched[docs] += idf
        return scores, (matched / total if total else matched)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        mask: npt.NDArray[np.bool_] | None = None,
        language: str | None = None,
    ) -> list[LexicalHit]:
        """The ``k`` best documents with a score above zero (only where ``mask`` is true)."""
        scores, coverage = self._score(query, language)
        if mask is not None:
            scores = np.where(mask, scores, 0.0).astype(np.float32)
        positive = np.flatnonzero(scores > 0)
        if not len(positive) or k <= 0:
            return []
        if len(positive) > k:
            top = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        else:
            top = positive
        ranked = sorted(top.tolist(), key=lambda doc: (-float(scores[doc]), doc))
        return [LexicalHit(doc, float(scores[doc]), float(coverage[doc])) for doc in ranked]


def mark_terms(sentence: str, wanted: set[str], *, left: str = "**", right: str = "**") -> str:
    """The sentence with every word (or Chinese bigram) whose term is in ``wanted`` marked."""
    spans: list[tuple[int, int]] = []
    matches = list(_RAW_WORD.finditer(sentence))
    for index, match in enumerate(matches):
        token = match.group(0)
        if len(token) == 1 and "\u3400" <= token <= "\u9fff":
            following = matches[index + 1] if index + 1 < len(matches) else None
            if following is not None and following.start() == match.end():
                pair = unicodedata.normalize("NFKC", token + following.group(0))
                if len(pair) == 2 and _norm_han(pair) in wanted:
                    spans.append((match.start(), following.end()))
            if _norm_han(token) in wanted and token not in ZH_STOP_CHARS:
                spans.append((match.start(), match.end()))
            continue
        if any(term in wanted for term in terms(token, "en")):
            spans.append((match.start(), match.end()))
    if not spans:
        return sentence
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, position = [], 0
    for start, end in merged:
        out.append(sentence[position:start] + left + sentence[start:end] + right)
        position = end
    return "".join(out) + sentence[position:]


def _norm_han(text: str) -> str:
    return normalize(text, "zh").replace(" ", "")
