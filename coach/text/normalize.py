"""Normalise text for matching and alignment, in English and Chinese.

Both languages: Unicode NFKC (full-width to half-width), case folded, punctuation dropped,
traditional Chinese converted to simplified, numbers spelt one way (English digits become
words, Arabic digits in Chinese become Chinese numerals) so "49" and "forty-nine" or "3点"
and "三点" compare equal. Tokens are words for English and characters for Chinese (Latin
words inside Chinese text stay whole).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9]+(?:'[a-z]+)?")
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ZH_DIGITS = "零一二三四五六七八九"


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese characters to simplified (others unchanged)."""
    if not HAN.search(text):
        return text
    return str(_t2s().convert(text))  # type: ignore[attr-defined]


def _en_number(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else f" {_ONES[ones]}")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + ("" if rest == 0 else f" {_en_number(rest)}")
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            high, rest = divmod(n, size)
            return f"{_en_number(high)} {name}" + ("" if rest == 0 else f" {_en_number(rest)}")
    return str(n)


def _zh_number(n: int) -> str:
    if n < 10:
        return _ZH_DIGITS[n]
    if n >= 100_000_000:
        return "".join(_ZH_DIGITS[int(d)] for d in str(n))
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    out = ""
    rest = n
    zero_pending = False
    for size, name in units:
        digit, rest = divmod(rest, size)
        if digit:
            if zero_pending:
                out += "零"
                zero_pending = False
            out += (_zh_number(digit) if size == 10000 else _ZH_DIGITS[digit]) + name
        elif out:
            zero_pending = True
    if rest:
        out += ("零" if zero_pending else "") + _ZH_DIGITS[rest]
    return out[1:] if out.startswith("一十") else out


def _spell_numbers(text: str, language: str) -> str:
    def replace(match: re.Match[str]) -> str:
        raw = match.group(0).replace(",", "")
        if "." in raw:
            whole, _, frac = raw.partition(".")
            if language == "zh":
                return (
                    _zh_number(int(whole or 0)) + "点" + "".join(_ZH_DIGITS[int(d)] for d in frac)
                )
            return _en_number(int(whole or 0)) + " point " + " ".join(_ONES[int(d)] for d in frac)
        value = int(raw)
        return _zh_number(value) if language == "zh" else f" {_en_number(value)} "

    return re.sub(r"\d[\d,]*(?:\.\d+)?", replace, text)


def detect_language(text: str) -> str:
    """``zh`` when Chinese characters make up a fair share of the letters, else ``en``."""
    han = len(HAN.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if han and han * 3 >= latin else "en"


def normalize(text: str, language: str | None = None) -> str:
    """Normalised text: NFKC, simplified, lower case, numbers spelt out, no punctuation."""
    lang = language or detect_language(text)
    text = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    text = text.replace("’", "'").replace("-", " ")
    text = _spell_numbers(text, lang)
    text = re.sub(r"[^\w\s']|_", " ", text)
    return " ".join(text.split())


def tokens(text: str, language: str | None = None) -> list[str]:
    """Tokens for alignment: English words, Chinese characters, after :func:`normalize`."""
    return _TOKEN.findall(normalize(text, language))


def pinyin_key(token: str) -> str:
    """Toneless pinyin of a Chinese character (the token itself for anything else)."""
    if not HAN.fullmatch(token):
        return token
    return lazy_pinyin(token)[0]


@lru_cache(maxsize=16384)
def compact(text: str, language: str | None = None) -> str:
    """Normalised text with spaces removed between Chinese characters (for substring search)."""
    norm = normalize(text, language)
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", norm)
