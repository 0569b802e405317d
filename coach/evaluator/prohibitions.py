"""Key points that forbid an act: "The rep does not guarantee rates", "销售不承诺具体效果".

A trainer writes a compliance rule as a key point of its own. The rep does it by *not*
doing the forbidden act anywhere in the call: a promise or a guarantee that is not denied
("I can't promise", "不能保证"), pressure ("last day", "过了这个月就没了") when the point
names pressure, or a price stated as a figure when the point forbids promising a price.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coach.scenarios.model import KeyPoint

_EN_RULE = re.compile(
    r"\b(?:does not|doesn't|do not|don't|never|avoids?|without|no)\s+(?:\w+\s+){0,2}?"
    r"(?:promis\w*|guarantee\w*|pressur\w*|push(?:es|ing|y)?|overstat\w*|exaggerat\w*|"
    r"overpromis\w*|overclaim\w*|commit\w*)"
)
_ZH_RULE = re.compile(
    r"(?:不|避免|不要|不能|不得|别)(?:乱|随便|轻易)?(?:承诺|保证|施压|夸大|打包票|许诺|逼)"
)
# "... and explains the walk-through is what sets the quote": the point also asks for an act.
_EN_ALSO = re.compile(r"\band (?:explains|says|tells|offers|mentions|points out|notes|suggests)\b")
_ZH_ALSO = re.compile(r"(?:并|并且|而是)(?:说明|解释|告诉|强调|建议)")

_EN_PRESSURE_CUE = re.compile(r"\bpressur\w*|\bpush\w*|\burgen\w*|\bexaggerat\w*|\boverstat\w*")
_ZH_PRESSURE_CUE = re.compile(r"施压|逼|催|夸大|紧迫")
_EN_PRICE_CUE = re.compile(r"\b(?:price|quote|cost|number)\b")
_ZH_PRICE_CUE = re.compile(r"价格|报价|价钱|费用")

_EN_PROMISE = re.compile(
    r"\b(?:guarantee[sd]?|promise[sd]?|a hundred percent|100 percent|100%)|"
    r"\b(?:definitely|for sure|certainly) (?:be able to |going to |gonna )?"
    r"(?:save|get|beat|cut|lower|cover|double|fix|see)\b|"
    r"\b(?:will|can|we'll|gonna|going to) (?:definitely |easily )?(?:save you|beat (?:your|any|every))\b|"
    r"\b(?:better|cheaper|lower) than (?:what )?(?:you're|youre|you are|your) (?:paying|getting|current)\b"
)
_ZH_PROMISE = re.compile(
    r"保证|打包票|包(?:您|你)(?:能|会|瘦|满意)|肯定(?:也|都)?(?:能|可以|会|没问题|行)|一定能|绝对(?:能|可以|会|没问题)|百分之百"
)
_EN_PRESSURE = re.compile(
    r"\b(?:last day|today only|only today|ends today|won't last|wont last|act now|last chance|"
    r"before it's gone|before its gone|going fast|only \w+ (?:spots?|slots?) left|"
    r"expires? (?:today|tonight|tomorrow))\b"
)
_ZH_PRESSURE = re.compile(
    r"最后一天|最后(?:一|几)个名额|过了(?:今天|明天|这个月|这周|这几天|这次)?[^，。！？,.!?]{0,6}就没|"
    r"不来就没|错过(?:今天|这次|这个月)|名额(?:不多|有限)了?|马上(?:就)?(?:涨价|截止|结束)|今天(?:必须|一定要)(?:定|订|交)"
)
_EN_PRICE = re.compile(
    r"\$\s?\d|\b(?:\d[\d,.]*|a couple hundred|a few hundred|hundred|thousand)\s*(?:bucks|dollars|grand)\b"
)
_ZH_PRICE = re.compile(r"\d+\s*(?:块|元)|[一二两三四五六七八九十百千万]+(?:块|元)")

_EN_NEGATOR = re.compile(r"\b(?:not|never|no|cannot|can't|cant|won't|wont|don't|dont|n't)\b|n't\b")
_ZH_NEGATOR = re.compile(r"不|没|无法|别")


def is_prohibition(point: KeyPoint) -> bool:
    """True when the point's description forbids an act (a promise, pressure, a guarantee)."""
    desc = point.description.lower()
    return bool(_ZH_RULE.search(desc) or _EN_RULE.search(desc))


def asks_more(point: KeyPoint) -> bool:
    """True when the description also asks for an act ("... and explains why")."""
    desc = point.description.lower()
    return bool(_EN_ALSO.search(desc) or _ZH_ALSO.search(desc))


def _denied(before: str, language: str) -> bool:
    """True when the clause just before a promise denies it ("I can't", "不能", "不跟您")."""
    clause = re.split(r"[,.;:!?，。；：！？]", before)[-1]
    if language == "zh":
        return bool(_ZH_NEGATOR.search(clause[-5:]))
    return bool(_EN_NEGATOR.search(" ".join(clause.split()[-5:])))


@lru_cache(maxsize=4096)
def _violation(sentence: str, description: str, language: str) -> bool:
    zh = language == "zh"
    text = (
        re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", sentence)
        if zh
        else sentence.lower().replace("\u2019", "'")
    )
    patterns = [_ZH_PROMISE if zh else _EN_PROMISE]
    if (_ZH_PRESSURE_CUE if zh else _EN_PRESSURE_CUE).search(description):
        patterns.append(_ZH_PRESSURE if zh else _EN_PRESSURE)
    if (_ZH_PRICE_CUE if zh else _EN_PRICE_CUE).search(description):
        patterns.append(_ZH_PRICE if zh else _EN_PRICE)
    for pattern in patterns:
        for match in pattern.finditer(text):
            if not _denied(text[: match.start()], language):
                return True
    return False


def violates(point: KeyPoint, sentence: str, language: str) -> bool:
    """True when the rep's ``sentence`` does what the prohibition ``point`` forbids."""
    return _violation(sentence, point.description.lower(), language)
