"""Split text into sentences, in English and Chinese, keeping the end punctuation."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (followed by space or end) or at Chinese 。！？； and ellipses.
_BOUNDARY = re.compile(
    r"(?<=[。！？；!?…])\s*|(?<=[.])\s+(?=[A-Z0-9\"'“\u4e00-\u9fff])|(?<=[.!?][\"'”’])\s+"
)


def split_sentences(text: str, *, max_chars: int = 220) -> list[str]:
    """Split ``text`` into sentences; very long sentences are cut at commas.

    Common abbreviations ("Mr. Li", "Dr. Nair", "e.g.") do not end a sentence.
    """
    text = " ".join(text.split())
    if not text:
        return []
    pieces: list[str] = []
    for raw in _BOUNDARY.split(text):
        piece = raw.strip()
        if not piece:
            continue
        if pieces and _looks_like_abbreviation(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    out: list[str] = []
    for piece in pieces:
        out += _cut_long(piece, max_chars)
    return out


_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "inc",
    "ltd",
    "co",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "no",
}


def _looks_like_abbreviation(sentence: str) -> bool:
    match = re.search(r"([\w.]+)\.$", sentence)
    return match is not None and match.group(1).lower() in _ABBREVIATIONS


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    parts = re.split(r"(?<=[,，、;:：])\s*", sentence)
    out: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + len(part) > max_chars:
            out.append(current.strip())
            current = ""
        current += part if not current or re.match(r"[\u4e00-\u9fff]", part[:1]) else f" {part}"
    if current.strip():
        out.append(current.strip())
    return out
