"""Small detectors for what a sentence *does*, per language.

Similarity tells the topic of a sentence; these tell the act: a question (open or yes/no),
a concrete time, a number or a customer result, declining to do something, a filler.
Each is deliberately simple, tested, and works on raw text (before normalisation).
"""

from __future__ import annotations

import re

from coach.text.normalize import HAN, normalize

# --- questions ---------------------------------------------------------------------------

_EN_OPEN_START = re.compile(
    r"^(?:so |and |but |okay |ok |well |now |great |right |alright |hi |hello )*"
    r"(?:what|what's|how|how's|why|which|where|when|who|whose|tell me|walk me through|talk me through|"
    r"describe|explain|help me understand|could you (?:tell|walk|talk|describe|explain|share|help)|"
    r"can you (?:tell|walk|talk|describe|explain|share|help)|would you (?:tell|walk|describe|share)|"
    r"i'd love to (?:hear|know|understand)|i'm curious)\b",
)
_EN_OPEN_ANY = re.compile(
    r"\b(?:what|how|why|which|where|when|who)\b(?! (?:a|an|the)? ?(?:minute|second|moment)\b)"
    r"|\b(?:walk me through|tell me (?:about|more|how|what|why)|talk me through|help me understand)\b"
)
_EN_YES_NO_START = re.compile(
    r"^(?:so |and |but |okay |ok |well |now |just |right )*"
    r"(?:do|does|did|is|are|was|were|am|can|could|would|will|shall|should|have|has|had|may|might|"
    r"isn't|aren't|don't|doesn't|didn't|won't|wouldn't|can't|couldn't)\b"
)
_EN_TAG = re.compile(
    r"(?:,\s*|\s)(?:right|correct|yes|yeah|no|yes or no|is that right|isn't it|aren't you|don't you|"
    r"doesn't it|didn't you|is it|are you|am i right|true)\s*\??$"
)
_ZH_OPEN = re.compile(
    r"什么|怎么|怎样|如何|哪(?!怕)|为什么|为啥|多少|几个|几年|几分|几点|多久|多长|多大|"
    r"说说|聊聊|讲讲|谈谈|介绍一下|描述一下|分享一下|具体是|具体说"
)
_ZH_YES_NO_END = re.compile(
    r"(?:吗|嘛|么|对吧|是吧|好吧|对不对|是不是|行不行|好不好|可以吧|没错吧|对吗|是吗)[?？!！。.]*$"
)
_ZH_QUESTION = re.compile(
    r"[吗呢吧嘛][?？!！。.]*$|[?？]|是不是|有没有|能不能|要不要|会不会|可不可以|对不对|行不行|好不好|"
    r"怎么样[?？。]*$"
)
_ZH_TELL_ME = re.compile(r"讲讲|说说|聊聊|讲一下|说一下|介绍一下|描述一下|分享一下|谈谈")
_ZH_WH = re.compile(r"什么|怎么|怎样|如何|哪(?!怕)|为什么|为啥|多少|几[个年次点月天]|多久|多长")
_ZH_LEADING = re.compile(r"(?:对吧|是吧|没错吧|对不对|是不是|对吗|吧)[?？!！。.…]*$")
_EN_LEADING = re.compile(r"\bi (?:guess|assume|suppose|take it|imagine|bet)\b[^?]*\?\s*$")
_EN_UNPUNCTUATED_QUESTION = re.compile(
    r"\b(?:did|do|does|would|could|can|will|is|are|was|were|have|has)\s+(?:i|you|we|they|it|he|she|that|this|there)\b"
)
_EN_NOT_A_QUESTION = re.compile(
    r"\b(?:that's|thats|this is|is|here's|heres|know|see|exactly|just) (?:what|how|why|where|when|who)\b"
    r"|\bwhat (?:we|i) (?:do|offer|did|have)\b"
)


def _unpunctuated(text: str) -> bool:
    """A recogniser's transcript without sentence punctuation (``um so how do you``)."""
    return not re.search(r"[.?!。？！]", text)


def is_question(sentence: str, language: str) -> bool:
    """True when the sentence asks something (either kind)."""
    text = sentence.strip()
    if text.endswith(("?", "？")):
        return True
    if language == "zh":
        return bool(
            _ZH_QUESTION.search(text)
            or _ZH_OPEN.search(text)
            and not text.endswith(("。", "!", "！"))
        )
    low = normalize(text, "en")
    if _EN_OPEN_START.match(low) or _EN_YES_NO_START.match(low) and len(low.split()) > 2:
        return True
    return (
        _unpunctuated(text)
        and not _EN_NOT_A_QUESTION.search(low)
        and bool(_EN_OPEN_ANY.search(low) or _EN_UNPUNCTUATED_QUESTION.search(low))
    )


def is_open_question(sentence: str, language: str) -> bool:
    """True for an open question (what / how / 什么 / 怎么 ...), false for yes/no and tag questions."""
    text = sentence.strip()
    if language == "zh":
        if _ZH_YES_NO_END.search(text) and not (
            _ZH_TELL_ME.search(text) and _ZH_WH.search(text) and not _ZH_LEADING.search(text)
        ):
            # "…吗？" is a yes/no question, except a polite "能跟我讲讲…是怎么…吗？".
            return False
        return bool(_ZH_OPEN.search(text)) and (
            is_question(text, "zh") or "说说" in text or "聊聊" in text
        )
    low = normalize(text, "en")
    if _EN_TAG.search(text.lower().rstrip()) and not _EN_OPEN_START.match(low):
        return False
    if _EN_OPEN_START.match(low):
        return True
    # "And on the sales side, how do quotes get approved?" / "Could you say how ..."
    return bool(_EN_OPEN_ANY.search(low)) and is_question(text, "en")


def is_leading_question(sentence: str, language: str) -> bool:
    """True for a confirmation that supplies its own answer ("…, right?", "…对吧？")."""
    text = sentence.strip()
    if language == "zh":
        return bool(_ZH_LEADING.search(text))
    low = text.lower().replace("’", "'").rstrip()
    return bool(_EN_TAG.search(low) or _EN_LEADING.search(low))


# --- time expressions ---------------------------------------------------------------------

_EN_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun|"
    r"tomorrow|today|tonight|this (?:afternoon|morning|evening|week)|next week|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?|"
    r"the \d{1,2}(?:st|nd|rd|th)|\d{1,2}(?:st|nd|rd|th) of)\b"
)
_EN_CLOCK = re.compile(
    r"\b(?:\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|\d{1,2})\s?o'?clock|"
    r"(?:at|around|by) (?:\d{1,2}(?::\d{2})?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|noon|half past \w+|quarter (?:past|to) \w+)(?: thirty| fifteen| forty five)?\b|noon|midday|"
    r"half (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})\b)"
)
# "cut fuel by 20%", "around 30 vans", "at 5 a month", "around three to four months": a
# number after at/around/by that counts something (alone or as a range) is not a clock.
_EN_COUNTED = (
    r"(?:percent|per ?cent|points?|x|k|a (?:month|year|week|day|seat|user|head)|"
    r"per|each|years?|months?|weeks?|days?|hours?|minutes?|seconds?|times|people|users|seats|"
    r"licen[cs]es|reps|drivers|vans|trucks|vehicles|cars|loads|customers|clients|employees|staff|"
    r"locations|stores|sites|branches|units|dollars|bucks|grand|thousand|hundred|million|billion|"
    r"grafts|sessions|classes|lessons|students|patients)\b"
)
_EN_NUMBER_WORD = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_EN_NOT_CLOCK_AFTER = re.compile(
    rf"^(?:\s?%|[.,]\d| {_EN_COUNTED}| (?:more|less|fewer|of|out of|or so (?:people|users|vans|trucks))\b|"
    rf"\s?(?:to|or|-|–)\s?{_EN_NUMBER_WORD}\s?(?:%|{_EN_COUNTED}))"
)
# "one by one", "two by two": a number repeated around "by" is a manner, not "by one o'clock".
_EN_NUMBER_BEFORE = re.compile(rf"\b{_EN_NUMBER_WORD} $")
_EN_PART_OF_DAY = re.compile(r"\b(?:morning|afternoon|evening|lunchtime|end of (?:the )?day)\b")
_EN_VAGUE = re.compile(
    r"\b(?:later|sometime|some time|at some point|down the road|when you're ready|when you have time|"
    r"touch base|circle back|get back to you|reach out again|keep in touch|in the future|soon)\b"
)
_ZH_DAY = re.compile(
    r"今天|明天|后天|大后天|今晚|明晚|周[一二三四五六日天末]|星期[一二三四五六日天]|礼拜[一二三四五六日天]|"
    r"下周|这周|本周|下个?星期|[一二三四五六七八九十\d]+[号日](?!子)|[一二三四五六七八九十\d]+月[一二三四五六七八九十\d]+"
)
_ZH_CLOCK = re.compile(
    r"[一二三四五六七八九十两\d]+(?:点(?:半|[一二三四五六七八九十\d]+分?|钟)?|[:：]\d{2})"
)
# "便宜一点" (a little cheaper), "第一点", "有两点好处" (two points): a number and 点 that is
# not a clock. A "一点" right after a part of the day or a day ("下午一点", "明天一点") or
# followed by 半/钟/minutes is a clock; any number before 点 + a listing noun is not.
_ZH_NOT_CLOCK_BEFORE = re.compile(r"(?:第|有|这|那|哪|以下|下面|几|的)$")
_ZH_NOT_CLOCK_AFTER = re.compile(
    r"^(?:好处|原因|建议|理由|问题|要求|需要|看法|意见|考虑|优势|区别|不同|内容|想法|担心|顾虑|要注意|注意|"
    r"疑问|疑虑|不足|缺点|优点|：|:)"
)
_ZH_TIME_BEFORE = re.compile(
    r"(?:[午上晨天号日到约]|凌晨|傍晚|周[一二三四五六日天末]|星期[一二三四五六日天])$"
)
_ZH_VAGUE = re.compile(
    r"以后再说|回头|改天|有空再|有时间再|再联系|再说吧|到时候|过段时间|过几天|等你有空"
)


def time_specificity(sentence: str, language: str) -> str:
    """How specific a time is: ``concrete``, ``day``, ``vague`` or ``none``.

    ``concrete`` needs a clock time; a day with a part of it ("Saturday morning", "周四晚上")
    is ``day``; "later" or "回头再联系" is ``vague``.
    """
    if time_slots(sentence, language):
        return "concrete"
    if language == "zh":
        day, vague = bool(_ZH_DAY.search(sentence)), bool(_ZH_VAGUE.search(sentence))
    else:
        text = sentence.lower()
        day = bool(_EN_DAY.search(text) or _EN_PART_OF_DAY.search(text))
        vague = bool(_EN_VAGUE.search(text))
    if day:
        return "day"
    return "vague" if vague else "none"


def time_slots(sentence: str, language: str) -> list[str]:
    """The clock times mentioned, in order ("Thursday at 6pm or Saturday at 10" gives two).

    Numbers that only look like a clock are left out: "便宜一点", "有两点好处", "by 20%".
    """
    if language == "zh":
        out = []
        for m in _ZH_CLOCK.finditer(sentence):
            before, after, found = sentence[: m.start()], sentence[m.end() :], m.group(0)
            bare = found.endswith("点")  # no 半, 钟 or minutes after it
            if bare and (_ZH_NOT_CLOCK_BEFORE.search(before) or _ZH_NOT_CLOCK_AFTER.match(after)):
                continue  # "第一点", "有两点好处"
            if found == "一点" and (
                not _ZH_TIME_BEFORE.search(before) or after.startswith(("都", "也", "儿"))
            ):
                continue  # "便宜一点", "晚一点儿", "一点都不贵": a little
            out.append(found)
        return out
    text = sentence.lower()
    return [
        m.group(0).strip()
        for m in _EN_CLOCK.finditer(text)
        if not (
            m.group(0).startswith(("at ", "around ", "by "))
            and _EN_NOT_CLOCK_AFTER.match(text[m.end() :])
        )
        and not (m.group(0).startswith("by ") and _EN_NUMBER_BEFORE.search(text[: m.start()]))
    ]


# --- numbers and proof --------------------------------------------------------------------

_EN_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|half|double|twice|triple)\b|percent|%"
)
_ZH_NUMBER = re.compile(r"\d|[一二三四五六七八九十两百千万亿]|百分之|%|翻倍|一半")
_EN_RESULT = re.compile(
    r"\b(?:customers?|clients?|companies|firms|carriers?|shippers?|patients?|students?|teams?) (?:like|such as)\b|"
    r"\b(?:case stud(?:y|ies)|reference|testimonial|results?|reviews?|before and after|on average)\b"
)
_ZH_RESULT = re.compile(r"案例|学员|客户|患者|成功|结果|效果|反馈|评价|对比|平均|提分|出分|前后")


def has_number(sentence: str, language: str) -> bool:
    """True when the sentence contains a figure (digits, number words, percentages)."""
    pattern = _ZH_NUMBER if language == "zh" else _EN_NUMBER
    return bool(pattern.search(sentence if language == "zh" else sentence.lower()))


def has_evidence(sentence: str, language: str) -> bool:
    """True when a claim is backed by a figure or a named customer result."""
    if language == "zh":
        return (
            has_number(sentence, "zh")
            and bool(_ZH_RESULT.search(sentence))
            or bool(
                re.search(r"[A-Za-z\u4e00-\u9fff]{2,}(?:公司|物流|学校)的?(?:案例|客户)", sentence)
            )
        )
    low = sentence.lower()
    return (
        has_number(low, "en")
        and bool(
            _EN_RESULT.search(low) or re.search(r"\b(?:from|to|by|cut|saved|grew|raised)\b", low)
        )
        or bool(
            re.search(
                r"\b(?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+ (?:cut|saved|reduced|grew|increased|went|improved)\b",
                sentence,
            )
        )
    )


# --- declining, negation ------------------------------------------------------------------

_EN_DECLINE = re.compile(
    r"\b(?:i|we)(?:'ll| will)? (?:won't|will not|am not going to|'m not going to|are not going to|'re not going to|"
    r"don't need to|do not need to|won't bother|shouldn't|can skip|'ll skip|will skip|skip)\b"
    r"|\b(?:let's|let us) (?:not|skip)\b|\bno need to\b|\bwithout going (?:into|through)\b"
    r"|\bi(?:'ll| will) spare you\b|\b(?:not|won't) (?:go|get) (?:into|through)\b|\bnot now\b"
    r"|\bwe can (?:skip|leave|save)\b|\b(?:some )?other time\b"
)
_ZH_DECLINE = re.compile(
    r"(?:就|先|暂时|今天|这里|现在)?(?:不|没必要|不用|不必|别)(?:给您|跟您|和您|给你|跟你)?(?:多|详细|具体|展开|一一)?"
    r"(?:介绍|说|讲|谈|聊|提|展开|细说|啰嗦|浪费|打扰|问)(?!清楚|明白|一下吗)"
    r"|略过|跳过|先放一放|先不"
)


def declines(sentence: str, language: str) -> bool:
    """True when the rep says they will *not* do something ("I won't go through...", "就不介绍了")."""
    if language == "zh":
        return bool(_ZH_DECLINE.search(sentence))
    return bool(_EN_DECLINE.search(sentence.lower().replace("’", "'")))


# --- fillers --------------------------------------------------------------------------------

EN_FILLERS = (
    "um",
    "umm",
    "uh",
    "uhh",
    "er",
    "erm",
    "ah",
    "hmm",
    "like",
    "you know",
    "i mean",
    "sort of",
    "kind of",
    "basically",
    "literally",
)
ZH_FILLERS = ("嗯", "呃", "额", "啊", "那个", "就是说", "然后", "这个", "就是")
_EN_FILLER = re.compile(
    r"\b(?:u+m+|u+h+|e+r+m*|a+h+|h+m+)\b|(?:^|,\s*)like,"
    r"|\b(?:you know|i mean)\b(?!\s+(?:what|how|that|why|where|when|who|if|whether|about|him|her|them|it|me|you)\b)"
    r"|\b(?:sort of|kind of|basically|literally)\b(?=[,.]|\s*$|\s+(?:i|we|it|a|an|the|so|and|like|our|your))",
    re.IGNORECASE,
)
_ZH_FILLER = re.compile(
    r"嗯+|呃+|额(?=[，,。\s])|(?:^|[，,。\s])啊(?=[，,\s])|那个(?=[，,\s那])|就是说|然后(?=[，,]?然后)|这个(?=[，,]\s*)|(?:^|[，,])就是(?=[，,])"
)


def find_fillers(text: str, language: str) -> list[str]:
    """The filler words in ``text`` (each occurrence)."""
    if language == "zh":
        return [m.group(0).strip("，, 。") for m in _ZH_FILLER.finditer(text)]
    return [m.group(0).strip(", ").lower() for m in _EN_FILLER.finditer(text.lower())]


def strip_fillers(text: str, language: str) -> str:
    """``text`` without its filler words (for matching)."""
    pattern = _ZH_FILLER if language == "zh" else _EN_FILLER
    stripped = pattern.sub(" " if language != "zh" else "", text if language == "zh" else text)
    return " ".join(stripped.split()) if language != "zh" else stripped.strip()


def is_chinese(text: str) -> bool:
    """True when the text contains Chinese characters."""
    return bool(HAN.search(text))


# --- acknowledging a feeling or a worry -----------------------------------------------------

_EN_ACK = re.compile(
    r"\b(?:i hear you|i get (?:it|that)|(?:totally|completely|very|that is|thats|that's) fair|i hear that|that's (?:fair|a fair|a good|a real|a legit|totally fair|completely fair|understandable|a reasonable)|"
    r"(?:that |it )?makes (?:total |complete )?sense|i understand|(?:totally|completely|very) understandable|fair (?:point|enough|question|worry|concern)|"
    r"i can (?:see|imagine|understand) why|i'd (?:be|feel|worry|push back)[\w\s]{0,20}too|i would (?:be|feel)[\w\s]{0,20}too|"
    r"must (?:be|feel|sting|have been)|sounds (?:frustrating|hard|tough|stressful|like a lot)|you're (?:not alone|right to)|"
    r"good (?:instinct|question)|no wonder|that's (?:rough|horrible|hard|tough|frustrating|stressful)|a lot of (?:people|our clients|patients) (?:feel|worry|ask))"
)
_ZH_ACK = re.compile(
    r"理解|明白您|能体会|感同身受|换(?:我|谁)也|确实|您说得(?:对|有道理)|有道理|难怪|不容易|正常|我懂|是啊|对对|"
    r"您的(?:担心|顾虑|考虑)|这个(?:担心|顾虑)|没关系|辛苦|"
    r"担心(?:是|也是)(?:正常|对)|很多(?:家长|客户|人|学员)(?:都|也)|放心|别着急|我知道"
)


def acknowledges(sentence: str, language: str) -> bool:
    """True when the rep acknowledges a feeling or a worry ("I hear you", "我理解")."""
    if language == "zh":
        return bool(_ZH_ACK.search(sentence))
    return bool(_EN_ACK.search(sentence.lower().replace("’", "'")))
