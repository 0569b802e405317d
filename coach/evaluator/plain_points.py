"""What a plain, trainer-written key point asks for, and detectors for those acts.

Trainers write a key point as one line and an example or two, without ``parts``: "The rep
says their own name and the name of their company." Its words are generic, so similarity to
the description says little; the *act* it names is what to look for: a self-introduction
with a name and a company (of any shape, in any position), an answer to a worry the
customer voiced a turn or two before, a benefit tied to what this customer said, an open
question that is not an invitation ("Why don't we look at it together?").

A point is *plain* when it has no ``parts`` and its description is one short sentence
(the seed scenarios' long rubrics with "does not count" clauses are not plain).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from coach.evaluator.parts import act_present, content_terms
from coach.scenarios.model import KeyPoint
from coach.text.acts import (
    acknowledges,
    has_number,
    is_open_question,
    is_question,
    time_specificity,
)
from coach.text.normalize import HAN, compact
from coach.text.sentences import split_sentences


def is_plain(point: KeyPoint) -> bool:
    """True for a trainer-style point: no ``parts`` and a short one-sentence description."""
    text = point.description.strip()
    short = len(HAN.findall(text)) <= 50 if HAN.search(text) else len(text) <= 160
    return not point.parts and short and len(split_sentences(text)) <= 1


# --- invitations are not questions -----------------------------------------------------------

_EN_INVITATION = re.compile(
    r"^(?:(?:so|and|well|okay|ok|now|alright|great|then|um|uh)\s+)*"
    r"(?:why don't (?:we|i|you)|how about (?:we|i|you|a|the|taking|having|looking|seeing)|"
    r"what if (?:we|i)|shall (?:we|i)|let's|let me (?:show|walk|take)|can i show|could i show|"
    r"may i show|want me to show|would you like (?:to|me to) (?:see|take|look|have|join|try|walk)|"
    r"do you want (?:to|me to) (?:see|take|look|have|try)|"
    r"(?:would|do) you (?:want|like) (?:a|to get a) (?:look|demo|tour))\b"
)
_ZH_INVITATION = re.compile(
    r"(?:我们|咱们|我)(?:一起|先|来)?(?:看看|看一下|演示|过一下)|我(?:给|帮|带)您(?:演示|看|过)|"
    r"要不要(?:一起|先)?(?:看|试|体验|来)|一起(?:看看|看一下)|(?:给|帮)您(?:演示|展示)"
)


def is_invitation(sentence: str, language: str) -> bool:
    """True for an invitation or a suggestion phrased as a question ("Shall we look together?")."""
    if language == "zh":
        return bool(_ZH_INVITATION.search(sentence))
    return bool(_EN_INVITATION.search(compact(sentence, "en")))


# --- self-introduction: the rep's name and the company ------------------------------------------

_EN_NAME_LEAD = re.compile(
    r"\b(?:this is|my name is|my name's|i'm|i am|im|it's|its|you've got|you're speaking (?:to|with)|"
    r"you are speaking (?:to|with)|name here is)\s+([a-z][a-z'-]+)"
)
_EN_NAME_TAIL = re.compile(r"\b([a-z][a-z'-]+)\s+(?:from|with|at|here|calling|over at)\b")
_EN_NOT_A_NAME = set(
    """a an the just only calling about from with really so not sorry here me us you your our
    ringing phoning back again actually quickly following great good fine well there i i'm im we
    we're were i'll ill it it's its this that he she they who glad happy sure afraid curious
    wondering looking trying reaching hoping excited pleased delighted interested going calling
    also still very quite more less all one two three four five your yours on in at to of for by
    what how why when where which fair true right correct exactly absolutely totally okay ok
    reading seeing thinking asking speaking talking working helping wanting getting doing
    part new based located responsible available able free busy worried concerned sorry
    thankful grateful honest aware open ready done thrilled keen looking hearing noting""".split()
)
_EN_COMPANY = re.compile(
    r"\b(?:from|with|at|over at|on behalf of|representing|here at|part of)\s+"
    r"(?=((?:the\s+)?[a-z0-9][\w&'.-]*(?:\s+(?:[a-z0-9][\w&'.-]*|&)){0,3}))"
)
_EN_COMPANY_SUFFIX = re.compile(
    r"\b(?:inc|llc|ltd|limited|corp|corporation|co|company|group|gmbh|plc|partners|solutions|"
    r"systems|technologies|tech|labs|analytics|software|payroll|bank|insurance|clinic|consulting|"
    r"logistics|health|media|capital|services|studio|academy|freight)\b"
)
_EN_NOT_A_COMPANY = set(
    """you your yours me us him her them it this that these those the a an all some my our his
    their its one each every any no today now here there home work regard respect regards
    interest pleasure thanks that's what how why when where which whom who who's time
    questions question team a couple few lot lots minutes minute quick short moment end same
    least first last once office night morning afternoon evening lunch noon least most best
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december experience regard everything anything
    something nothing people customers clients folks companies teams businesses""".split()
)


def _en_company_names(text: str) -> list[str]:
    """Candidate company names after "from / with / at ..." in English (any case)."""
    low = compact(text, "en")
    found: list[str] = []
    for match in _EN_COMPANY.finditer(low):
        words = match.group(1).split()
        if words and words[0] == "the":
            words = words[1:]
        if not words or words[0] in _EN_NOT_A_COMPANY or words[0] in _EN_NOT_A_NAME:
            continue
        found.append(" ".join(words))
    return found


def _capitalised(text: str, word: str) -> bool | None:
    """Whether ``word`` is capitalised in ``text``; None when the text has no capitals at all."""
    if text == text.lower():
        return None
    head, rest = re.escape(word[:1].upper()), re.escape(word[1:])
    return bool(re.search(rf"\b{head}(?i:{rest})", text))


def _name_like(name: str, text: str) -> bool:
    if name in _EN_NOT_A_NAME or name.endswith("ing") or len(name) < 2:
        return False
    return _capitalised(text, name) is not False


_EN_NAME_OPENING = re.compile(
    r"(?:^|[,.!?;:]\s*|\b(?:hi|hello|hey|morning|afternoon|evening|yes|yeah)\s+)$"
)


@lru_cache(maxsize=4096)
def en_own_name(text: str) -> bool:
    """True when an English sentence gives the speaker's own name ("I'm Priya Nair ...")."""
    low = " ".join(text.lower().replace("\u2019", "'").split())
    for match in _EN_NAME_LEAD.finditer(low):
        if _name_like(match.group(1), text):
            return True
    for match in _EN_NAME_TAIL.finditer(low):
        # "Priya here from ...", "Hi Dana, Priya with Lakeside": the name opens a clause.
        if _name_like(match.group(1), text) and _EN_NAME_OPENING.search(low[: match.start(1)]):
            return True
    return False


@lru_cache(maxsize=4096)
def en_company(text: str) -> bool:
    """True when an English sentence names an organisation the speaker is with."""
    for name in _en_company_names(text):
        first = name.split()[0]
        capital = _capitalised(text, first)
        if capital or _EN_COMPANY_SUFFIX.search(name) or (capital is None and len(first) >= 3):
            return True
    return False


_ZH_SELF = re.compile(r"我是|我叫|我姓|我这边是|我这里是|打电话的是|我来自")
_ZH_ORG_LEAD = re.compile(
    r"我是|我这边是|我这里是|这边是|这里是|我们是|来自|我来自|我在|(?<=[，,])是"
)
_ZH_NOT_A_NAME_START = re.compile(
    r"[想要来在说问觉这那不也就刚真很打给跟您你我他她们的了是都还再又才专特一]|负责|打算|准备|希望"
)
_ZH_ORG_SUFFIX = re.compile(
    r"公司|集团|科技|教育|医院|诊所|机构|中心|银行|保险|留学|植发|培训|学校|门诊|医美|医疗|美容|诊疗|工作室|"
    r"事务所|俱乐部|健身|装修|地产|置业|家居|汽车|物流|软件|网络|传媒|咨询|学院|英语|语培|平台|门店|总部|分院"
)
_ZH_ROLE = re.compile(
    r"顾问|经理|专员|助理|咨询师|主管|医生|老师|客服|销售|规划师|店长|总监|代表|工程师|负责|院长|护士"
)
_ZH_GIVEN = re.compile(
    r"[小老阿][\u4e00-\u9fff]|我叫[\u4e00-\u9fff]{1,3}|我姓[\u4e00-\u9fff]|"
    r"[\u4e00-\u9fff](?:老师|经理|医生|顾问|总)"
)
_ZH_FILLER_LEAD = re.compile(
    r"^(?:那个|这个|就是|嗯|呃|额)+"
)  # spoken fillers: "我是那个童语星球的…"
_ZH_END = r"(?:[，,。！!？?\s啊呀哈吧呢]|请问|您|你|$)"


@lru_cache(maxsize=4096)
def zh_own_name(text: str) -> bool:
    """True when a Chinese sentence gives the speaker's name or role ("我是…的顾问小周")."""
    if re.search(r"我叫|叫我|我姓|我的名字|本人", text):
        return True
    for match in _ZH_SELF.finditer(text):
        rest = _ZH_FILLER_LEAD.sub("", text[match.end() : match.end() + 28])[:24]
        if re.match(r"您的|你的", rest) and _ZH_ROLE.search(rest[:10]):
            return True  # "我是您的专属顾问Amy"
        if _ZH_NOT_A_NAME_START.match(rest):
            continue
        if _ZH_GIVEN.search(rest) or _ZH_ROLE.search(rest):
            return True
        # "我是王丽" / "我是青岚植发的周敏": a short name at the end of a clause.
        if re.match(r"(?:[^，,。！!？?\s]{2,12}的)?[\u4e00-\u9fff]{2,3}" + _ZH_END, rest):
            return True
    return False


@lru_cache(maxsize=4096)
def zh_company(text: str) -> bool:
    """True when a Chinese sentence names the organisation the speaker is with."""
    for match in _ZH_ORG_LEAD.finditer(text):
        rest = _ZH_FILLER_LEAD.sub("", text[match.end() : match.end() + 28])[:24]
        if _ZH_NOT_A_NAME_START.match(rest):
            continue
        owner = re.match(r"([A-Za-z\u4e00-\u9fff]{2,14}?)的", rest)
        if owner and (
            _ZH_ROLE.search(rest[owner.end() :][:6]) or _ZH_GIVEN.match(rest[owner.end() :])
        ):
            return True  # "青岚植发的顾问小周", "华为的小李"
        head = re.match(r"([A-Za-z\u4e00-\u9fff]{2,14}?)(?:这边|这里|那边)", rest)
        if head:
            return True
        before_role = re.match(r"([A-Za-z\u4e00-\u9fff]{2,12}?)(?:" + _ZH_ROLE.pattern + ")", rest)
        if before_role and not re.fullmatch(r"[小老阿]?[\u4e00-\u9fff]", before_role.group(1)):
            return True  # "青岚植发顾问小周"
        clause = re.match(r"([A-Za-z\u4e00-\u9fff]{2,14}?)" + _ZH_END, rest)
        if clause and (
            _ZH_ORG_SUFFIX.search(clause.group(1))
            or match.group(0) in ("这边是", "这里是", "我们是", "来自", "我来自")
        ):
            return True
    return bool(re.search(r"[A-Za-z\u4e00-\u9fff]{2,}(?:" + _ZH_ORG_SUFFIX.pattern + r")的", text))


# --- implied parts of plain points -------------------------------------------------------------


@dataclass(frozen=True)
class ImpliedPart:
    """An element a plain point's description asks for, with its check."""

    id: str
    description: str
    check: Callable[[str, str], bool]


def _own_name(text: str, language: str) -> bool:
    if language == "zh":
        return zh_own_name(text)
    return any(en_own_name(s) for s in split_sentences(text) or [text]) or en_own_name(text)


def _company(text: str, language: str) -> bool:
    if language == "zh":
        return zh_company(text)
    return en_company(text)


def _time_check(text: str, language: str) -> bool:
    return act_present("time_check", text, language)


_NAME_CUE = re.compile(
    r"\b(?:own name|their name|his name|her name|first name|full name|name and|introduc\w*|"
    r"who they are|themsel(?:f|ves))|自我介绍|名字|姓名|报出自己|介绍自己|自报"
)
_COMPANY_CUE = re.compile(
    r"\b(?:company|organi[sz]ation|firm|employer|business name|brand|clinic|agency|school|"
    r"where they work|who they work for)\b|公司|机构|单位|品牌|门店|医院|诊所|学校"
)
_TIME_CHECK_CUE = re.compile(
    r"\b(?:good time|convenient|right time|(?:has|have|got) (?:a (?:few|couple of) )?minutes?|"
    r"time to talk)\b|方便|有空|有时间"
)


# --- other acts a plain description names -------------------------------------------------------

_EN_PERSON_CHECK = re.compile(
    r"\b(?:is this|is that|am i (?:speaking|talking) (?:to|with)|(?:may|can|could) i (?:speak|talk) "
    r"(?:to|with)|i'm looking for|im looking for|is it)\s+(?:mr |mrs |ms |miss |dr )?([a-z][a-z'-]+)"
)
_EN_TITLE_GREETING = re.compile(
    r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))\s+(?:mr|mrs|ms|miss|dr)\s+[a-z]+$"
)
_ZH_PERSON_CHECK = re.compile(
    r"(?:请问)?(?:您|你|这边)?是[\u4e00-\u9fffA-Za-z]{1,6}?(?:先生|女士|小姐|妈妈|爸爸|家长|本人|总|经理|老师)"
    r"(?:吗|嘛|吧|对吧|是吧|对吗)|请问是[\u4e00-\u9fffA-Za-z]{1,4}(?:吗|嘛)|(?:找|是)一下?[\u4e00-\u9fff]{2,3}(?:先生|女士)"
)


def checks_person(text: str, language: str) -> bool:
    """True when the rep asks whether they are talking to the person they called ("Is this Dana?")."""
    if language == "zh":
        return bool(_ZH_PERSON_CHECK.search(text))
    for sentence in split_sentences(text) or [text]:
        low = compact(sentence, "en")
        if _EN_TITLE_GREETING.match(low) and is_question(sentence, "en"):
            return True  # "Hi, Mr. Washington?"
        for match in _EN_PERSON_CHECK.finditer(low):
            if _name_like(match.group(1), sentence) or match.group(1) in ("the", "mr", "mrs", "ms"):
                if match.group(1) != "the" or re.search(
                    r"\bthe (?:owner|homeowner|person|manager|one who)", low[match.start() :]
                ):
                    return True
    return False


_EN_PRIOR_REQUEST = re.compile(
    r"\byou (?:filled|sent|submitted|requested|asked (?:us )?for|signed up|downloaded|reached out|"
    r"contacted us|enquired|inquired|registered|left (?:us|your|a|an)|put in|clicked)\b|"
    r"\byour (?:\w+ )?(?:request|form|enquiry|inquiry|submission|application|download|sign ?up)\b|"
    r"\b(?:returning|following up on|follow up on|calling about|about) (?:your|the) (?:\w+ )?"
    r"(?:request|form|enquiry|inquiry|message|submission)\b"
)
_ZH_PRIOR_REQUEST = re.compile(
    r"(?:您|你|家长|宝妈|宝爸)[^。！？?!]{0,20}?(?:(?:留|填|领|报|约|提交|申请|登记|领取|预约|咨询|报名)(?:了|过|的)|"
    r"提交|申请|登记|领取|报名)"
)


def refers_to_request(text: str, language: str) -> bool:
    """True when the rep refers to something the customer sent or asked for before the call."""
    if language == "zh":
        return bool(_ZH_PRIOR_REQUEST.search(text))
    return bool(_EN_PRIOR_REQUEST.search(compact(text, "en")))


_EN_OTHER_PERSON = re.compile(
    r"\b(?:anyone|anybody|someone|who) else\b|\byou and (?:your|the) \w+|\b(?:both of you|you both)\b|"
    r"\b(?:your|the) (?:[a-z-]+ ){0,2}?(?:wife|husband|spouse|partner|owner|co-owner|boss|dispatcher|"
    r"manager|lead|supervisor|director|colleague|coworker|accountant|team|family|parents?|son|"
    r"daughter)\b.{0,40}\b(?:join|be there|be on|sit in|be involved|come|be part|decid\w*|be able|"
    r"be home|too|as well)\b"
)
_ZH_OTHER_PERSON = re.compile(
    r"(?:还有|其他|别的)(?:谁|人|家人)|(?:爱人|老公|老婆|先生|太太|家里人|孩子爸|孩子妈|合伙人|老板|领导|家人)"
    r"[^。！？?!]{0,12}(?:一起|也来|在场|参加|到场|在家|方便)"
)
_EN_CONTACT = re.compile(r"\b(?:e ?mail|email address|phone|number|cell|address|wechat)\b")
# 电话 in "接电话", "打个电话" is the call itself, not a number.
_ZH_CONTACT = re.compile(r"微信|手机号|(?<![接打回个通])电话|邮箱|地址|车牌|怎么称呼|贵姓")
# "我加您微信把地址发给您", "I'll send the invite to your email": details sent to the customer.
_ZH_SEND_DETAILS = re.compile(
    r"加(?:您|你)(?:的)?微信|(?:地址|定位|位置|信息)[^。！？!?]{0,6}发(?:给)?(?:您|你)|发(?:到|给)(?:您|你)(?:的)?(?:手机|微信)"
)
_EN_SEND_DETAILS = re.compile(
    r"\b(?:send|text|email) (?:it|that|this|the [\w-]+(?: [\w-]+)?) (?:over )?to (?:you at|your)\b"
)


def asks_other_person(text: str, language: str) -> bool:
    """True when the rep asks whether someone else (a spouse, the owner) will take part."""
    sentences = split_sentences(text) or [text]
    if language == "zh":
        return any(_ZH_OTHER_PERSON.search(s) and is_question(s, "zh") for s in sentences)
    return any(
        _EN_OTHER_PERSON.search(compact(s, "en")) and is_question(s, "en") for s in sentences
    )


def confirms_contact(text: str, language: str) -> bool:
    """True when the rep asks for or checks the customer's email, phone or address.

    Saying where the details will go ("我加您微信把地址发给您") settles them too.
    """
    pattern = _ZH_CONTACT if language == "zh" else _EN_CONTACT
    send = _ZH_SEND_DETAILS if language == "zh" else _EN_SEND_DETAILS
    if send.search(text if language == "zh" else compact(text, "en")):
        return True
    return any(
        pattern.search(s if language == "zh" else compact(s, "en")) and is_question(s, language)
        for s in split_sentences(text) or [text]
    )


_PERSON_CHECK_CUE = re.compile(
    r"right person|correct person|talking (?:to|with) (?:the )?(?:right|correct)|"
    r"speaking (?:to|with) (?:the )?(?:right|correct)|是否本人|是不是本人|确认.{0,4}身份|找对人"
)
_PRIOR_REQUEST_CUE = re.compile(
    r"(?:request|form|enquiry|inquiry|download|sign[- ]?up|application)s? (?:that )?(?:the )?"
    r"(?:customer|lead|prospect|caller|parent|they|he|she) (?:sent|made|filled|submitted|left)|"
    r"(?:customer|lead|prospect|caller|parent)s? (?:had )?(?:sent|filled|submitted|requested|signed up)|"
    r"之前留|留了信息|留过信息|留的信息|之前(?:领|填|提交|咨询|预约)"
)
_OTHER_PERSON_CUE = re.compile(
    r"who else|anyone else|everyone who|spouse|decision[- ]?makers?|other (?:people|person|decision)|"
    r"还有谁|其他人|家里人|决策人"
)
_CONTACT_CUE = re.compile(
    r"\b(?:confirms?|asks? for|gets?|checks?) (?:the |their |an? )?(?:e-?mail|phone|number|contact|address)|"
    r"(?:确认|核对|询问|问).{0,10}(?:微信|手机号|(?<![接打回个通])电话|邮箱|地址|车牌|称呼)"
)


_EN_PROBLEM_ASK = re.compile(
    r"\b(?:cost(?:ing|s)?|wrong|breaks? down|broke down|not work|doesn't work|don't work|"
    r"fall(?:s)? apart|problems?|issues?|headaches?|frustrat\w*|how often|how much (?:time|of your)|"
    r"los(?:e|ing)|lost|miss(?:ed|es|ing)?|impact|affect\w*|hurt\w*|slow\w*|delay\w*|mistakes?|"
    r"errors?|complain\w*|(?:how's|how is) it (?:going|working) (?:with|for)|actually using|struggl\w*|"
    r"pain|stuck|waste\w*|goes to that|eat(?:s)? up|take(?:s)? up)\b"
)
_ZH_PROBLEM_ASK = re.compile(
    r"问题|麻烦|不方便|不好用|影响|损失|浪费|头疼|痛点|不满意|多少时间|多久一次|经常|耽误|出错|困扰|难受|吃亏"
)


def asks_about_problem(text: str, language: str) -> bool:
    """True when the rep asks what goes wrong today, how often, or what it costs the customer."""
    pattern = _ZH_PROBLEM_ASK if language == "zh" else _EN_PROBLEM_ASK
    return any(
        is_question(s, language)
        and not is_invitation(s, language)
        and bool(pattern.search(s if language == "zh" else compact(s, "en")))
        for s in split_sentences(text) or [text]
    )


_EN_RESULT = re.compile(
    r"\b(?:cut|cuts|halved|doubled|saved?|saves|got (?:\w+ ){0,4}back|went from|dropped|reduced|"
    r"increased|grew|stopped|no longer|in half|fewer|more|less)\b"
)
_ZH_RESULT = re.compile(r"减少|降低|提高|提升|省了|节省|翻倍|一半|从.{1,12}到|不再|少了|多了")
_EN_NAME_RUN = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z'&-]+(?:\s+(?:&\s+)?[A-Z][a-z'&-]+)*")
_EN_NOT_ORG = set(
    """I I'm I'll Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Mr Mrs Ms Dr""".split()
)


def names_reference(text: str, language: str) -> bool:
    """True when the rep names another customer and what changed for them (a figure or result).

    "A lot of shops your size love it" names nobody; "Keller Brothers in Dayton cut those calls
    in half" does.
    """
    if language == "zh":
        named = bool(
            re.search(r"[A-Za-z\u4e00-\u9fff]{2,}(?:" + _ZH_ORG_SUFFIX.pattern + ")", text)
        )
        named = named or bool(re.search(r"[“「《\"][^”」》\"]{2,12}[”」》\"]", text))
        return named and bool(_ZH_RESULT.search(text) or has_number(text, "zh"))
    for sentence in split_sentences(text) or [text]:
        low = compact(sentence, "en")
        if is_question(sentence, "en"):
            continue  # "Is this the owner of A1 Plumbing?" names the customer's own business
        result = _EN_RESULT.search(low) or (
            has_number(sentence, "en") and time_specificity(sentence, "en") == "none"
        )
        if not result:
            continue
        names = [
            m.group(0)
            for m in _EN_NAME_RUN.finditer(sentence)
            if m.group(0).split()[0] not in _EN_NOT_ORG
        ]
        called = re.search(r"\b(?:called|named|company|outfit|shop|firm) ([a-z][\w&'-]+)", low)
        if any(len(n.split()) >= 2 or n.lower() not in low.split()[:1] for n in names) or (
            called
            and called.group(1) not in _EN_NOT_A_COMPANY
            and called.group(1) not in _EN_NOT_A_NAME
        ):
            return True
    return False


_PROBLEM_CUE = re.compile(
    r"\bwhat (?:goes|went|is going) wrong|\bwhat (?:it|that|the problem|this) costs?|"
    r"\b(?:cost|impact) (?:of|on) (?:the|their|that)|\bwhere (?:it|things) break|"
    r"\b(?:problems?|pain|issues?) (?:with|of) (?:the|their) current|"
    r"痛点|带来的(?:影响|损失)|哪里不方便|有什么问题|遇到(?:的|什么)问题"
)
_REFERENCE_CUE = re.compile(
    r"\bnamed (?:example|customer|client|company|reference)|\breference (?:customer|client)|"
    r"\b(?:similar|comparable) (?:company|customer|client|business)|\bcustomer like them|"
    r"(?:类似|同类|相似)的?(?:客户|公司|门店|家庭|学员)|具体的?(?:客户)?案例"
)


_OWN_TIME_CHECK_CUE = re.compile(
    r"\b(?:has|have|got) (?:a |the )?(?:moment|minute|few minutes|couple of minutes|second|time) "
    r"(?:to|for) (?:talk|speak|chat)|\bgood time to (?:talk|call|speak)|\bbad time\b|"
    r"\btime to talk\b|\btalk (?:right )?now\b|现在(?:是否|是不是)?方便(?:接|通|说|聊)|方便(?:接听|通话|说话|聊)"
)


_REASON_CUE = re.compile(
    r"\bwhy (?:they|he|she|the rep|we|i)(?: are|'re| is|'s| am|'m)? (?:calling|reaching out|"
    r"getting in touch)|\breason for (?:the|this|their|my) call|\b(?:reason|purpose) (?:of|for) "
    r"(?:the |this )?call(?:ing)?\b|来电(?:的)?(?:原因|目的|意图)|打(?:这个|这通)?电话的(?:原因|目的)|"
    r"致电(?:的)?(?:原因|目的)|说明来意"
)
_EN_CALL_REASON = re.compile(
    r"\b(?:i'm|im|i am|i was|we're|were|just) (?:calling|reaching out|ringing|phoning|getting in touch)"
    r"(?: you)? (?:about|because|since|to|regarding|re|after|on behalf)\b|"
    r"\b(?:the )?reason (?:i'm|im|i am|for) (?:calling|my call|the call|reaching out)\b|"
    r"\b(?:following|follow) up (?:on|about|after|from)\b|\bfollowing up\b|"
    r"\b(?:i|we) (?:just )?(?:wanted|want|thought i'd|thought id|figured i'd|figured id) (?:to )?"
    r"(?:tell|let|see|check|ask|share|give|reach|talk|touch|follow|introduce|run|walk)\b"
)
_ZH_CALL_REASON = re.compile(
    r"(?<!再)(?<!回头)(?<!到时)(?<!到时候)(?:所以|就|特意|专门|这边|今天)?给(?:您|你)打(?:个|这个|一个)?电话"
    r"(?!确认时间)|"
    r"打电话(?:是|就是)?(?:想|来|为了|给您|跟您)|来电(?:是|就是)?(?:想|为了)|回访|"
    r"想(?:跟|和|给|向)(?:您|你)(?:确认|说|介绍|通知|提醒|聊|了解|汇报|推荐)|"
    r"(?:跟|给)(?:您|你)(?:提醒|通知)(?:一下)?|提醒(?:您|你)|"
    r"该[\u4e00-\u9fff]{1,3}了|快(?:要)?到期|(?:就|快|要)过期|到期了|"
    r"(?:^|(?<=[。！？!?\s]))(?:嗯|那个|就是)?是这样(?:的|子)?(?=[，,\s]|[姐哥啊呀])"
)


def asks_call_reason(point: KeyPoint) -> bool:
    """True for a plain point that asks the rep to say why they are calling."""
    desc = point.description.lower()
    return is_plain(point) and bool(_REASON_CUE.search(desc)) and not _NAME_CUE.search(desc)


def _join_han(text: str) -> str:
    """Chinese text without the recogniser's spaces between characters ("给您 打个电话")."""
    return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)


def states_call_reason(text: str, language: str) -> bool:
    """True when the rep says why they are calling ("I'm calling about...", "给您打个电话提醒一下")."""
    if language == "zh":
        return bool(_ZH_CALL_REASON.search(_join_han(text)))
    return bool(_EN_CALL_REASON.search(text.lower().replace("\u2019", "'")))


_DEPENDS_CUE = re.compile(r"\bdepends?\b|\bdepending on\b|取决于|因人而异|视情况|看情况而定")
_EN_HEDGE = re.compile(
    r"\b(?:depends on|depending on|comes down to|varies (?:by|with)|based on your)\b|"
    r"\b(?:can't|cannot|can not|won't|couldn't) (?:honestly |really )?(?:promise|guarantee|quote|"
    r"say (?:exactly|for sure)|give you (?:a |an )?(?:real |firm |exact |accurate )?(?:number|price|figure|quote))\b"
)
_ZH_HEDGE = re.compile(
    r"取决于|要看|得看|因人而异|看情况|不好说|说不准|不能(?:保证|打包票|承诺)|没法(?:保证|承诺|说准)"
)


def says_it_depends(text: str, language: str) -> bool:
    """True when the rep says a result or price depends on the case instead of promising one."""
    if language == "zh":
        return bool(_ZH_HEDGE.search(text))
    return bool(_EN_HEDGE.search(compact(text, "en")))


def _act_parts(desc: str) -> list[ImpliedPart]:
    """Parts for acts other than the self-introduction; "X or Y" in the description is one part."""
    found: list[ImpliedPart] = []
    if _OWN_TIME_CHECK_CUE.search(desc) and not _NAME_CUE.search(desc):
        # A point of its own ("asks whether the customer has a moment to talk right now").
        found.append(ImpliedPart("time_check", "a check that now is a good time", _time_check))
    if _PERSON_CHECK_CUE.search(desc):
        found.append(
            ImpliedPart("person_check", "a check that it is the right person", checks_person)
        )
    if _PRIOR_REQUEST_CUE.search(desc):
        found.append(
            ImpliedPart(
                "prior_request",
                "a mention of what the customer sent or asked for",
                refers_to_request,
            )
        )
    if _PROBLEM_CUE.search(desc):
        found.append(
            ImpliedPart(
                "problem_question",
                "a question about what goes wrong or what it costs",
                asks_about_problem,
            )
        )
    if _DEPENDS_CUE.search(desc) and not _NAME_CUE.search(desc):
        found.append(
            ImpliedPart(
                "depends",
                "that it depends on the customer's case, not a promised number",
                says_it_depends,
            )
        )
    if _REFERENCE_CUE.search(desc):
        found.append(
            ImpliedPart(
                "named_reference", "a named customer and what changed for them", names_reference
            )
        )
    either: list[ImpliedPart] = []
    if _CONTACT_CUE.search(desc):
        either.append(ImpliedPart("contact", "the customer's contact details", confirms_contact))
    if _OTHER_PERSON_CUE.search(desc):
        either.append(ImpliedPart("other_person", "who else takes part", asks_other_person))
    if len(either) == 2 and re.search(r"\bor\b|或|还是", desc):
        first, second = either
        found.append(
            ImpliedPart(
                f"{first.id}_or_{second.id}",
                f"{first.description} or {second.description}",
                lambda text, language: first.check(text, language) or second.check(text, language),
            )
        )
    else:
        found.extend(either)
    return found


def implied_parts(point: KeyPoint) -> list[ImpliedPart]:
    """The elements a plain point's description asks for (empty for other points)."""
    if not is_plain(point):
        return []
    desc = point.description.lower()
    parts: list[ImpliedPart] = _act_parts(desc)
    if _NAME_CUE.search(desc):
        parts.append(ImpliedPart("own_name", "the rep's own name", _own_name))
        if _COMPANY_CUE.search(desc):
            parts.append(ImpliedPart("company", "the company's name", _company))
        if _TIME_CHECK_CUE.search(desc):
            parts.append(ImpliedPart("time_check", "a check that now is a good time", _time_check))
    return parts


def missing_implied(parts: list[ImpliedPart], text: str, language: str) -> list[str]:
    """The implied parts absent from ``text``."""
    return [part.description for part in parts if not part.check(text, language)]


# --- concerns answered, benefits tied to the customer --------------------------------------------

_EN_CONCERN = re.compile(
    r"\b(?:worr(?:y|ied|ies)|concern(?:ed|s)?|afraid|scared|nervous|risk(?:y)?|doubt|skeptic\w*|"
    r"sceptic\w*|not sure|unsure|hesitant|expensive|pricey|too much|cost(?:s|ly)?|price|budget|"
    r"afford|cheaper|no time|too busy|busy|months?|disrupt\w*|hassle|complicated|difficult|hard|"
    r"learning curve|already (?:use|have|got|work|pay)|why (?:would|should) (?:i|we)|what's the point|happy with|locked in|contract|switch\w*|"
    r"security|safe|privacy|trust|burned|failed|problem is|issue is|the thing is|catch|"
    r"what if|what happens if|how long|how much|does it (?:really|actually)|will it|"
    r"i don't know|not convinced|sounds like a lot|don't want|do not want|not comfortable|"
    r"uncomfortable|nightmare|headache|mess|even work|does (?:it|your|that)|can (?:it|your|you)|"
    r"is (?:it|there)|will (?:it|that|i)|what (?:does|would|will) (?:[\w']+ ){0,4}(?:run|cost)|"
    r"not looking to|more than (?:what )?(?:we|i) (?:pay|spend)|(?:double|triple) what (?:we|i))\b"
)
_ZH_CONCERN = re.compile(
    r"担心|怕|顾虑|疑虑|犹豫|贵|价格|多少钱|预算|便宜|没时间|忙|麻烦|复杂|风险|靠谱|骗|效果|有用吗|"
    r"疼|痛|安全|副作用|恢复期|别家|其他|已经|考虑|商量|不确定|不放心|万一|会不会|能不能|要多久|"
    r"多长时间|失败|后悔|不自然|假|看出来"
)


def voices_concern(text: str, language: str) -> bool:
    """True when a customer turn voices a worry or a doubt (also as a question)."""
    if language == "zh":
        return bool(_ZH_CONCERN.search(text))
    return bool(_EN_CONCERN.search(compact(text, "en")))


_EN_SUBSTANCE = re.compile(
    r"\b(?:we|our|you|your|it|that|this|there|most|many|every|typical\w*|usually|only|just|"
    r"no|don't|won't|isn't|never|can|will|would|so)\b"
)


def addresses(text: str, concern: str, language: str) -> bool:
    """True when the rep's ``text`` answers ``concern`` rather than changing the subject.

    It must say something of substance (not only "I see"), and pick up the concern's words,
    or acknowledge it, or answer with a figure or a time.
    """
    norm = compact(text, language)
    size = len(norm.replace(" ", "")) if language == "zh" else len(norm.split())
    if size < (8 if language == "zh" else 6):
        return False
    if language == "en" and not _EN_SUBSTANCE.search(norm):
        return False
    if is_invitation(text, language):
        return False
    shared = len(content_terms(text, language) & content_terms(concern, language))
    if shared >= 2:
        return True
    reassures = acknowledges(text, language) or bool(
        (_ZH_REASSURE if language == "zh" else _EN_REASSURE).search(
            text if language == "zh" else norm
        )
    )
    if (_ZH_REFERENCE if language == "zh" else _EN_REFERENCE).search(
        text if language == "zh" else norm
    ):
        return True  # "您刚才问会不会假，…" / "On the tips you mentioned, …"
    proposes = time_specificity(text, language) in ("concrete", "day")
    if (
        has_number(text, language)
        and not proposes
        and (_ZH_QUANTITY if language == "zh" else _EN_QUANTITY).search(
            concern if language == "zh" else compact(concern, "en")
        )
    ):
        return True  # "how much is it?" answered with the price
    if (_ZH_DEPENDS if language == "zh" else _EN_DEPENDS).search(
        text if language == "zh" else norm
    ) and (_ZH_QUANTITY if language == "zh" else _EN_QUANTITY).search(
        concern if language == "zh" else compact(concern, "en")
    ):
        return True  # "what does it run?" answered with what the price depends on
    # A next step or a figure alone does not answer the worry; with its words or an
    # acknowledgement and a figure, it does.
    return (shared >= 1 and (reassures or has_number(text, language))) or (
        reassures and has_number(text, language) and time_specificity(text, language) == "none"
    )


_EN_QUANTITY = re.compile(
    r"\b(?:how (?:much|long|many|soon)|expensive|pricey|cost|price|afford|budget|months?|weeks?|"
    r"what (?:does|would|will) (?:[\w']+ ){0,4}run|pay)\b"
)
_ZH_QUANTITY = re.compile(r"多少|多久|多长|贵|价格|费用|预算|几个月|几天|多大")
# "It depends on the square footage": what a figure depends on answers "how much is it?".
_EN_DEPENDS = re.compile(r"\b(?:depends on|comes down to|based on|varies (?:by|with)|works out)\b")
_ZH_DEPENDS = re.compile(r"取决于|要看|得看|主要看|根据.{0,8}(?:定|算)|按.{0,6}(?:算|收)")
_EN_REASSURE = re.compile(
    r"^(?:no|nope|sure)\b|\b(?:yes|yeah|yep|absolutely|definitely|of course|don't worry|no need to worry|"
    r"good news|actually|in fact|the truth is|to be clear|rest assured|not at all|never)\b"
)
_ZH_REASSURE = re.compile(
    r"放心|不用担心|别担心|其实|实际上|完全不会|不会的|当然|没问题|可以的|是的"
)


def answers_recent_concern(text: str, recent: list[tuple[int, str]], language: str) -> bool:
    """True when ``text`` answers a worry voiced in one of the customer's ``recent`` turns."""
    return any(
        voices_concern(said, language) and addresses(text, said, language) for _, said in recent
    )


_EN_REFERENCE = re.compile(
    r"\byou (?:said|mentioned|told me|were saying|brought up|described|noted|asked)\b|"
    r"\b(?:since|because|given (?:that)?|as) (?:you|your)\b|\bfor (?:a team|someone|people) like yours?\b|"
    r"\b(?:going |coming |getting )?back to (?:your|what you)\b|"
    r"\b(?:on|to|about) your (?:question|concern|worry|point)\b|\byour (?:question|concern|worry) about\b|"
    # "On the moving question: ...", "As for the price worry, ..."
    r"\b(?:on|to|about|as for|regarding|back to) the (?:[\w-]+ ){1,2}(?:question|concern|worry|point)\b"
)
_ZH_REFERENCE = re.compile(
    r"您(?:刚才|刚刚|之前|前面)?(?:说|提到|讲|聊到|也说|问|担心|顾虑)|像您这种|针对您|结合您|您这种情况|"
    r"回到(?:您|刚才)|您(?:的|那个)(?:问题|顾虑|担心)|(?:至于|关于)[^，。！？]{0,8}(?:问题|顾虑|担心)"
)
_EN_BENEFIT = re.compile(
    r"\b(?:we|we'd|we'll|we've|we're|our|us|so (?:you|your)|which means|that means|that way|would|will|could|can|lets? (?:you|your)|saves?|"
    r"cut(?:s|ting)?|stops?|free(?:s)? up|help(?:s)?|for you|you(?:'ll| will| would| could| can)|"
    r"no more|no longer|instead of|back)\b"
)
_ZH_BENEFIT = re.compile(
    r"可以|能|就能|帮您|帮你|正好|让[^，。]{0,6}(?:给您|给你|帮您|帮你)|省|减少|提高|避免|不用|这样|解决|改善|效果|好处|自然|不会|更|看不出|放心|方便"
)


_GENERIC_TERMS = frozenset(
    "send sure okay call talk thing stuff week month year email something anything everything "
    "people team thank thanks maybe little kind sort".split()
)


def ties_to_recent(text: str, recent: list[tuple[int, str]], language: str) -> bool:
    """True when ``text`` presents a benefit linked to what the customer said recently.

    A question presents nothing ("should I try you back after lunch?") and a proposed time is
    a next step: the benefit must be in a sentence that states something else.
    """
    pattern = _ZH_BENEFIT if language == "zh" else _EN_BENEFIT
    benefit = any(
        pattern.search(s if language == "zh" else compact(s, "en"))
        and not _asks_outright(s, language)
        and not concrete_time(s, language)  # "I could come at 12:30": a next step
        for s in split_sentences(text) or [text]
    )
    if not benefit:
        return False
    reference = (_ZH_REFERENCE if language == "zh" else _EN_REFERENCE).search(
        text if language == "zh" else compact(text, "en")
    )
    said = content_terms(text, language) - _GENERIC_TERMS
    shared = len(said & set().union(*(content_terms(turn, language) for _, turn in recent)))
    return shared >= 2 or (bool(reference) and bool(recent))


def _asks_outright(sentence: str, language: str) -> bool:
    """A question by its ending; in Chinese a quoted "会不会假" inside a statement is not one."""
    if language != "zh":
        return is_question(sentence, language)
    return bool(re.search(r"(?:[?？]|[吗呢嘛][。.!！]*)\s*$", sentence.strip()))


_EN_SMALL_TALK = re.compile(
    r"\bhow(?:'s| is| are| was| have)? (?:you|it going|your (?:day|week|weekend|morning)|things|"
    r"everything|life|the weather|you doing|you been)\b|\bwhat's up\b|\bhow do you do\b|"
    # answering the phone: "SunPath, how can I help?" offers help, it discovers nothing
    r"\bhow (?:can|may|could) (?:i|we) help\b|\bwhat can (?:i|we) do for you\b"
)
_ZH_SMALL_TALK = re.compile(
    r"你好吗|您好吗|最近怎么样|最近好吗|吃了吗|今天怎么样|天气|有什么(?:可以|能|需要)(?:帮|为)(?:您|你)"
)


def is_small_talk(sentence: str, language: str) -> bool:
    """True for a social question ("How are you?", "最近怎么样？"), not a discovery question."""
    if language == "zh":
        return bool(_ZH_SMALL_TALK.search(sentence))
    return bool(_EN_SMALL_TALK.search(compact(sentence, "en")))


def asks_open(sentence: str, language: str) -> bool:
    """An open question that is not an invitation ("why don't we look at it together?")."""
    from coach.text.acts import is_open_question

    return is_open_question(sentence, language) and not is_invitation(sentence, language)


def asks(sentence: str, language: str) -> bool:
    """A question of either kind that is not an invitation."""
    return is_question(sentence, language) and not is_invitation(sentence, language)


# --- open questions, strictly ------------------------------------------------------------------

_EN_YES_NO_LEAD = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|now|just|right|sure|great|hi|hello|hey)\s+)*"
    r"(?:do|does|did|is|are|was|were|am|can|could|would|will|shall|should|have|has|had|may|might|"
    r"isn't|aren't|don't|doesn't|didn't|won't|wouldn't|can't|couldn't)\b"
)
# A wh-word after one of these verbs asks something inside a yes/no frame ("Can I ask what you
# use today?", "Do you know how many loads ..."); after a noun it is a relative pronoun ("May I
# speak with the person who handles ...?").
_EN_EMBEDDED_ASK = re.compile(
    r"\b(?:ask(?:ing)?|know|tell(?:ing)? (?:me|us)|shar(?:e|ing)|explain(?:ing)?|say(?:ing)?|"
    r"wonder(?:ing)?|curious|understand|describ(?:e|ing)|walk(?:ing)? me through|mind telling)\s+"
    r"(?:[\w']+\s+){0,2}?(?:what|how|why|which|where|when|who)\b"
)
# "so what I could do is swing by": a statement built around "what", not a question.
_EN_PSEUDO_CLEFT = re.compile(
    r"\bwhat (?:i|we|you|they)(?: [\w']+){0,3} (?:is|was)\b|"
    r"\bwhat (?:i|we)(?:'d| would| could| can| will|'ll)? (?:do|suggest|recommend|propose)\b"
)
# "有没有什么异响": 什么 / 哪 inside 有没有 are indefinite ("any"), a yes/no question.
_ZH_INDEFINITE = re.compile(
    r"有没有[^，,。？?！!]{0,6}?(?:什么|哪)|是不是[^，,。？?！!]{0,6}?(?:什么|哪)"
)


def is_open_strict(text: str, language: str) -> bool:
    """An open question, without the yes/no questions a wh-word makes look open.

    Not open: a yes/no question with a relative "who" ("May I speak with the person who
    handles shipping?"), a statement around "what" ("what I could do is come by"), Chinese
    "有没有什么…" (什么 meaning "any"), an invitation ("Why don't we look together?").
    """
    if not is_open_question(text, language) or is_invitation(text, language):
        return False
    if language == "zh":
        return not (_ZH_INDEFINITE.search(text) and not _ZH_OPEN_PROPER.search(text))
    raw = _EN_GREETING_LEAD.sub("", text.lower().replace("\u2019", "'"))
    low = compact(raw, "en")
    if _EN_PSEUDO_CLEFT.search(low):
        return False
    if (
        not raw.rstrip().endswith("?")
        and not _EN_TELL_ME.search(low)
        and not _EN_WH_CLAUSE.search(raw)
    ):
        # Unpunctuated: "a platform where you can see your loads" uses "where" after a noun.
        return False
    if (
        _EN_YES_NO_LEAD.match(low)
        and not _EN_REQUEST_OPEN.match(low)
        and not _EN_EMBEDDED_ASK.search(low)
    ):
        # A later sentence of the same passage may still ask an open question.
        return any(
            not _EN_YES_NO_LEAD.match(compact(s, "en")) and is_open_question(s, "en")
            for s in (split_sentences(text) or [text])[1:]
        )
    return True


_EN_TELL_ME = re.compile(
    r"\b(?:tell me|walk me through|talk me through|help me understand|describe|explain)\b"
)
_EN_WH_CLAUSE = re.compile(
    r"(?:^\s*|\b(?:so|and|but|okay|ok|well|um|uh|like|then|now|right|yeah|great|alright|"
    r"also|curious|wondering)\s+)(?:what|what's|whats|how|how's|hows|why|which|where|when|who)\b|"
    # after a comma only what / how / why: ", which a lot of our customers love" is relative
    r"[,;:]\s*(?:what|what's|whats|how|how's|hows|why)\b|"
    r"\b(?:understand|know|learn|hear|ask|see)(?: a (?:bit|little))?(?: more)? "
    r"(?:what|how|why|which|where|when|who)\b"
)
_EN_GREETING_LEAD = re.compile(
    r"^\s*(?:hi|hello|hey|good (?:morning|afternoon|evening)|morning|afternoon)\b[^,.!?]{0,24}[,.!]\s*"
)
_EN_REQUEST_OPEN = re.compile(
    r"^(?:(?:so|and|but|okay|ok|well|now|just|right|sure|great)\s+)*"
    r"(?:could|can|would|will) you (?:please )?(?:tell|walk|talk|describe|explain|share|help|say)\b"
)


_ZH_OPEN_PROPER = re.compile(r"怎么|怎样|如何|为什么|为啥|多少|多久|多长|说说|聊聊|讲讲|谈谈")


# --- a concrete day and time --------------------------------------------------------------------

_EN_SPECIFIC_DAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu|thurs|fri|"
    r"tomorrow|today|tonight|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? "
    r"\d{1,2}(?:st|nd|rd|th)?|the \d{1,2}(?:st|nd|rd|th)|\d{1,2}(?:st|nd|rd|th) of|\d{1,2}/\d{1,2})\b"
)
_ZH_SPECIFIC_DAY = re.compile(
    r"今天|明天|后天|今晚|明晚|周[一二三四五六日天](?!末)|星期[一二三四五六日天]|礼拜[一二三四五六日天]|"
    r"[一二三四五六七八九十\d]+[号日](?!子)|[一二三四五六七八九十\d]+月[一二三四五六七八九十\d]+"
)
# "Whenever suits you", "下周你有空就过来": the time is left open.
_EN_OPEN_TIME = re.compile(
    r"\b(?:whenever|any ?time|sometime|some time|when(?:ever)? (?:you're|you are) free|"
    r"when it suits)\b"
)
_ZH_OPEN_TIME = re.compile(
    r"有空(?:就|的话|再|了)|有时间(?:就|的话|再|了)|方便的时候|随时|什么时候都"
)


def concrete_time(text: str, language: str) -> bool:
    """True when ``text`` names a clock time ("便宜一点" and "around four percent" are not)."""
    return time_specificity(text, language) == "concrete"


def day_and_time(text: str, context: str, language: str) -> bool:
    """A clock time in ``text`` and a specific day in it or in the nearby turns (``context``).

    The day and the time may come in different turns ("Saturday or Sunday?" / "Sunday
    afternoon." / "Sunday at 2:30 then?"); a time left to the customer ("有空就过来",
    "whenever suits you") or a week without a day is not concrete.
    """
    if not concrete_time(text, language):
        return False
    zh = language == "zh"
    low = text if zh else text.lower()
    if (_ZH_OPEN_TIME if zh else _EN_OPEN_TIME).search(low):
        return False
    day = _ZH_SPECIFIC_DAY if zh else _EN_SPECIFIC_DAY
    return bool(day.search(low) or day.search(context if zh else context.lower()))


# --- plain acknowledgements --------------------------------------------------------------------

_EN_PLAIN_ACK = re.compile(
    r"\b(?:(?:that's|thats|that is) good to hear|glad to hear (?:it|that)|good to know|i bet|"
    r"you're right|youre right|that's true|thats true|true enough|understood|fair enough|"
    r"no doubt|of course)\b"
)
_ZH_PLAIN_ACK = re.compile(r"可以理解|没错|是这样的|挺好的|这个我懂|很正常|那挺好|是，|对，")


def acknowledges_plainly(text: str, language: str) -> bool:
    """:func:`acknowledges`, plus the plainer ways a rep takes in what the customer said.

    "That's good to hear." after "we're happy with our provider", "没错，…": not empathy
    words, but they take the point in before answering it.
    """
    if acknowledges(text, language):
        return True
    if language == "zh":
        return bool(_ZH_PLAIN_ACK.search(text))
    return bool(_EN_PLAIN_ACK.search(text.lower().replace("\u2019", "'")))


# --- contact details settled ------------------------------------------------------------------

_EN_CONTACT_VALUE = re.compile(
    r"@|\bdot (?:com|net|org|co)\b|\.(?:com|net|org)\b|\d{3}|"
    r"\b\d+ [a-z]+ (?:street|st|road|rd|avenue|ave|drive|dr|lane|ln|way|blvd|boulevard)\b|"
    r"\b(?:same|this|that) (?:number|email|address)\b"
)
_EN_CONFIRMS = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|correct|right|that's (?:right|it|correct|the one)|sure|perfect|exactly|"
    r"use|send it|just use|go with)\b|"
    r"(?:\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b[\s,-]*){3,}|"
    r"\b[a-z]+ at [a-z]+(?: dot [a-z]+)?\b"
)
_EN_WH_NEAR_START = re.compile(r"^\W*(?:[\w']+\s+){0,3}(?:what|whats|what's|which|where)\b")
_ZH_CONTACT_VALUE = re.compile(
    r"\d{3}|[零一二三四五六七八九幺]{3}|@|这个(?:手机号|号码|电话|微信)|尾号|同一个号"
)
_ZH_CONFIRMS = re.compile(
    r"^\W*(?:对|是的|是|没错|嗯|好|可以|就这个|就用|就打|就是|行|发这个|加这个)"
)


def contact_settled(rep_text: str, reply: str, language: str) -> bool:
    """True when the customer's details are established, not only asked for.

    The rep reads them back or names them ("还是这个手机号对吧？", "that's 4410 Garland
    Road?"), or says where they will be sent, or asks and the customer's ``reply`` gives them or
    agrees. "What's the best email?" answered "It's on our website" settles nothing.
    """
    zh = language == "zh"
    text = rep_text if zh else compact(rep_text, "en")
    if (_ZH_CONTACT_VALUE if zh else _EN_CONTACT_VALUE).search(text if zh else rep_text.lower()):
        return True
    if not any(
        _asks_outright(s, language) or (not zh and _EN_WH_NEAR_START.search(s.lower()))
        for s in split_sentences(rep_text) or [rep_text]
    ):
        return True  # a statement: "I'll send the invite to your email"
    answer = reply if zh else reply.lower().replace("\u2019", "'")
    return bool(
        (_ZH_CONTACT_VALUE if zh else _EN_CONTACT_VALUE).search(answer)
        or (_ZH_CONFIRMS if zh else _EN_CONFIRMS).search(answer)
    )
