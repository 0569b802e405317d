"""Parts of a multi-part key point: whether each element is there.

A greeting that must give the rep's name, the company and a time check, or a call reason that
must come with the recording notice, is one key point with several parts (the whitepaper's
key event tree: 开场白 → 问候语, 自我介绍). Similarity to the examples cannot tell a greeting
with all three parts from one with two, so each part is checked on its own: a phrase from its
``any`` list (normalised; in Chinese also by toneless pinyin, so 青蓝 matches 青岚 in a
recogniser's transcript) or a built-in act. Parts may be spread over the passage and the
rep's next turn ("This is Alex from FleetFlow." / "Is now a good time?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from coach.scenarios.model import KeyPoint, KeyPointPart
from coach.text.acts import (
    acknowledges,
    has_evidence,
    has_number,
    is_open_question,
    is_question,
    time_slots,
    time_specificity,
)
from coach.text.normalize import HAN, compact, pinyin_key
from coach.text.sentences import split_sentences

_EN_TIME_CHECK = re.compile(
    r"\b(?:(?:good|bad|ok|okay|right|convenient|better|decent|quick) (?:time|moment|minute)|"
    r"catch you|caught you|"
    r"(?:got|have|spare|give me|grab|borrow|steal) (?:[\w-]+ ){0,3}(?:minutes?|moments?|mins|secs?|seconds?)\b|"
    r"(?:free|able|ok|okay|alright|all right|good|convenient) to (?:talk|chat|speak)|can you (?:talk|chat|speak)|"
    r"is now (?:ok|okay|good|alright|all right|fine|still|convenient|a good|an ok|an okay|bad)|"
    r"is (?:this|it) (?:a good|an ok|an okay|convenient|alright|all right)|would later be better|"
    r"still (?:ok|okay|good) for (?:our|the|a) (?:call|chat)|(?:ring|call) (?:you )?back later|"
    r"(?:is|are) you (?:busy|in the middle)|not a bad time)\b"
)
_ZH_TIME_CHECK = re.compile(
    r"方便|有空|有时间吗|占用您|占用你|耽误您|耽误你|[几两一三五]分钟|说话吗|聊几句|打扰您|打扰你|晚点再打|晚些再打|这会儿"
)
_EN_INTRO = re.compile(
    r"\b(?:this is|my name is|my name's|i'm|i am|it's|it is|you've got|you're speaking (?:to|with))\s+"
    r"([a-z][a-z']+)|\b([a-z][a-z']+)\s+(?:from|with|here|calling)\b"
)
_EN_NOT_A_NAME = set(
    "a an the just only calling about from with really so not sorry here me us you your our "
    "ringing phoning back again actually quickly following great good fine well there i i'm im we "
    "we're were i'll ill it it's its this that he she they who".split()
)
_ZH_INTRO = re.compile(r"(?:我是|我叫|我姓|我这边是|我这里是|这边是|这里是)")
_ZH_ROLE = re.compile(
    r"[小老阿][\u4e00-\u9fff]|[\u4e00-\u9fff]老师|顾问|经理|专员|助理|咨询师|主管|医生|我叫|我姓|名字"
)
_ZH_STOP = set("的了是我你您们在有这那就也都和吗呢吧啊嗯个一不要会可以好说做去来到上下对")


@lru_cache(maxsize=4096)
def _phrase_in(phrase: str, text: str, language: str) -> bool:
    """True when ``phrase`` occurs in ``text`` (both raw); tolerant to spacing and homophones."""
    needle, hay = compact(phrase, language), compact(text, language)
    if not needle:
        return False
    if HAN.search(needle):
        if needle in hay:
            return True
        return _pinyin(needle) in _pinyin(hay) if len(needle) >= 2 else False
    if re.search(rf"(?<![\w']){re.escape(needle)}(?![\w'])", hay):
        return True
    squeezed = needle.replace(" ", "")
    return len(squeezed) >= 6 and squeezed in hay.replace(" ", "")


@lru_cache(maxsize=4096)
def _pinyin(text: str) -> str:
    return " ".join(pinyin_key(ch) for ch in text if not ch.isspace()) + " "


@lru_cache(maxsize=4096)
def content_terms(text: str, language: str) -> frozenset[str]:
    """Content words (English) or character pairs without function characters (Chinese)."""
    norm = compact(text, language)
    if language == "zh":
        chars = re.sub(r"[^\u4e00-\u9fff]", "", norm)
        return frozenset(
            chars[i : i + 2]
            for i in range(len(chars) - 1)
            if not (set(chars[i : i + 2]) & _ZH_STOP)
        )
    return frozenset(w.rstrip("s") for w in norm.split() if len(w) >= 4 and w not in _EN_STOP)


_EN_STOP = set(
    "about after again also always another because been before being could does doing going good great have "
    "here just know like looks make more most much need only other over really right said should some sound "
    "sounds that their them then there these they thing think this those through time today very want well "
    "were what when where which while will with would your yours you're that's it's we're i'm yeah okay".split()
)


def overlaps(text: str, other: str, language: str) -> bool:
    """True when ``text`` reuses content words of ``other`` (names what the customer said)."""
    return bool(content_terms(text, language) & content_terms(other, language))


def _introduces_self(text: str, language: str, exclude: Iterable[str]) -> bool:
    """True when the rep gives their own name or role (not only the company's name)."""
    if language == "zh":
        match = _ZH_INTRO.search(text)
        for phrase in exclude:
            # "青岚植发的林悦": the company, then the rep's name.
            named = re.search(
                re.escape(phrase)
                + r"[\u4e00-\u9fff]{0,6}的([\u4e00-\u9fff]{2,4})(?:[，,。！!？?\s]|$)",
                text,
            )
            if named and HAN.search(phrase):
                return True
        if not match:
            return False
        rest = text[match.end() : match.end() + 24]
        for phrase in exclude:
            rest = rest.replace(phrase, "")
        return bool(_ZH_ROLE.search(rest)) or bool(
            re.match(r"(?:[\u4e00-\u9fff]{0,6}的)?[\u4e00-\u9fff]{2,3}(?:[，,。！!？?\s]|$)", rest)
        )
    low = compact(text, "en")
    banned = set(_EN_NOT_A_NAME)
    for phrase in exclude:
        banned.update(compact(phrase, "en").split())
    for match in _EN_INTRO.finditer(low):
        name = match.group(1) or match.group(2)
        if name and name not in banned:
            return True
    return False


def act_present(
    act: str, text: str, language: str, *, customer_before: str = "", exclude: Iterable[str] = ()
) -> bool:
    """Whether ``text`` performs a built-in ``act`` (the names in ``KeyPointPart.act``)."""
    if act == "question":
        return any(is_question(s, language) for s in _sentences(text)) or is_question(
            text, language
        )
    if act == "open_question":
        return any(is_open_question(s, language) for s in _sentences(text))
    if act == "concrete_time":
        return time_specificity(text, language) == "concrete"
    if act == "two_times":
        return len(time_slots(text, language)) >= 2
    if act == "figure":
        return has_number(text, language) or has_evidence(text, language)
    if act == "acknowledgement":
        return acknowledges(text, language)
    if act == "customer_words":
        return bool(customer_before) and overlaps(text, customer_before, language)
    if act == "time_check":
        pattern = _ZH_TIME_CHECK if language == "zh" else _EN_TIME_CHECK
        return bool(pattern.search(text if language == "zh" else compact(text, "en")))
    if act == "self_intro":
        return _introduces_self(text, language, exclude)
    raise ValueError(f"unknown act {act!r}")


def _sentences(text: str) -> list[str]:
    return split_sentences(text) or [text]


def part_present(
    part: KeyPointPart,
    text: str,
    language: str,
    *,
    customer_before: str = "",
    exclude: Iterable[str] = (),
) -> bool:
    """Whether one part of a key point is in ``text``."""
    if any(_phrase_in(phrase, text, language) for phrase in part.any):
        return True
    return part.act is not None and act_present(
        part.act, text, language, customer_before=customer_before, exclude=exclude
    )


def missing_parts(
    point: KeyPoint, text: str, language: str, *, customer_before: str = ""
) -> list[str]:
    """The parts of ``point`` absent from ``text`` when too few are present; [] when enough are."""
    if not point.parts:
        return []
    names = [phrase for part in point.parts for phrase in part.any]
    absent = [
        part
        for part in point.parts
        if not part_present(part, text, language, customer_before=customer_before, exclude=names)
    ]
    if len(point.parts) - len(absent) >= point.needed_parts:
        return []
    return [part.description or part.id.replace("_", " ") for part in absent]
