"""Dialogue state: what both sides have said so far, so the customer only reacts to the call.

The built-in customer used to pick a line for the rep's *kind* of move, whatever the rep
actually said. This module reads each rep turn for what it does (greets, gives a name, a
company, a reason; asks about the budget or the timeline; names a price, a slot, a video
call) and whether it could be understood at all (silence, gibberish, the other language, a
turn cut off). It also reads each candidate customer line for what it presupposes: a line
that reacts to a price, a day, a video call or a figure is only fit to say once the rep has
said it; a line asking who is calling is not fit once the rep has said who they are.

Everything here is small rules, per language, with no model: fast and tested.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from coach.text.acts import is_question, time_slots
from coach.text.normalize import HAN
from coach.text.sentences import split_sentences

# --- what a rep's question is about -------------------------------------------------------

TOPICS = (
    "budget",
    "authority",
    "timeline",
    "team",
    "current",
    "problem",
    "worry",
    "trigger",
    "goal",
    "schedule",
    "identity",
    "good_time",
)
"""Question topics in the order that matters most when a turn asks several at once."""

_TOPIC_PATTERNS: dict[str, dict[str, re.Pattern[str]]] = {
    "budget": {
        "en": re.compile(
            r"\bbudget(?! cycle| prep| review| year)|(?<!new )\bspend\b|afford|price range|ballpark|how much (?:would|could|can|are) you|"
            r"what (?:kind|sort) of (?:money|investment)|set aside|comfortable (?:paying|spending)|"
            r"number in your head|(?:price|figure|number) in mind|what would (?:this|it) have to cost|"
            r"what (?:would|could) you (?:pay|spend)",
            re.I,
        ),
        "zh": re.compile(r"预算|花多少|价位|心理价|准备了多少|能接受多少|打算花"),
    },
    "authority": {
        "en": re.compile(
            r"who (?:else|signs|decides|makes|approves|would (?:be|need|want)|has the final)|"
            r"\bdecision|sign(?:s|ing)? off|approv|on your own|deciding|final say|talk (?:it )?(?:over|through) with|"
            r"who (?:besides|apart from|other than)|bring (?:along|in)|sponsor|(?:back|champion) (?:a|the|this)|be involved",
            re.I,
        ),
        "zh": re.compile(
            r"谁(?:来)?(?:定|决定|拍板|说了算|做主|拿主意)|拍板|商量|做决定|做主|拿主意|一起定|自己定|自己决定"
        ),
    },
    "timeline": {
        "en": re.compile(
            r"when (?:do|would|are|were) you (?:need|want|hoping|looking|planning|thinking)|timeline|"
            r"deadline|by when|how soon|time of year|when would (?:you|it)|when do you need|in place by|"
            r"(?:date|time|season|event)s? (?:that|which|we|you|any change)|budget cycle|is there a date",
            re.I,
        ),
        "zh": re.compile(
            r"什么时候(?:想|要|需要|打算|考|入学|做|交|申请|开始上)|截止|最晚|时间节点|哪次考试|哪一年|"
            r"大概什么时候(?:考|入学|申请|开始|要|出)|计划.{0,4}时候|时间点|节点|什么时候入学|几月"
        ),
    },
    "team": {
        "en": re.compile(
            r"how many (?:people|reps|users|staff|employees|seats|salespeople|account|of you)|team size|"
            r"size of (?:your|the) team|headcount|how big is",
            re.I,
        ),
        "zh": re.compile(r"几个人|多少人|团队多大|团队规模"),
    },
    "current": {
        "en": re.compile(
            r"(?:use|using|do|handle|track|manage) (?:it )?(?:today|now|currently|at the moment)|"
            r"current(?:ly)? (?:use|tool|system|process|setup|doing)|how do (?:you|your \w+) (?:handle|track|manage|keep|do|follow)|"
            r"what do you use|what (?:have|did) you (?:tried|try)|tried so far|walk me through|\bright now\b|"
            r"how are you (?:handling|managing|tracking)|\bdo you (?:currently )?(?:use|have) (?:a|an|any)\b(?! (?:few|minute|moment|sec|couple|quick|second))|"
            r"have you (?:tried|looked|used|taken|been (?:to|using|taking))|where does .{0,40} live|how do you find (?:that|it|this) out|"
            r"how do you (?:prepare|study|know)|before (?:now|this)\b|"
            r"how (?:your|you|the) (?:\w+ ){0,2}(?:handles?|tracks?|manages?|deals? with|keeps? track)|"
            r"what happens (?:to|with) (?:it|them|that|the)",
            re.I,
        ),
        "zh": re.compile(
            r"现在(?:用|是怎么|怎么|在用)|目前.{0,6}(?:用|怎么)|试过|之前.{0,8}(?:用|学|办法|方法|上过|报过)|"
            r"怎么处理|怎么学|怎么管|有没有(?:上过|学过|报过|用过)|用过|了解过|别家|怎么备考|怎么准备|吃过药|在哪里|上过课|"
            r"做过什么|问过别|处理过|别的机构|别的医院|别的诊所"
        ),
    },
    "problem": {
        "en": re.compile(
            r"what(?:'s| is| has) (?:been )?happening|when did (?:it|you|this|things|the \w+) (?:start|first|begin)|"
            r"what happens when|\bnotic|biggest (?:challenge|problem|issue|headache)|what went wrong|what made you|"
            r"tell me (?:a bit |more )?about|\bpain|struggl|fall(?:s|ing)? through|bother|"
            r"what(?:'s| is) the (?:problem|issue|challenge)|how (?:bad|often|long(?! (?:have|do) (?:i|we|you) (?:actually |really )?(?:got|have)))|what does (?:that|it|this) (?:cost|mean)|worth to you|"
            r"how many .* (?:lost|slip|miss)|for a while|how many hours|what happened|what did (?:it|that) cost|"
            r"(?:cost|costs|costing) you|where is it|how ha(?:s|ve) (?:\w+ ){0,3}changed|going on with|what(?:'s| is) it like|affect|"
            r"\blosing\b|\bthinning\b|getting to you|working (?:okay|ok|well|for you)|happy with|get(?:s)? stuck|"
            r"break(?:s)? down|go(?:es)? wrong|day to day|how many (?:\w+ ){0,3}(?:slip|fall|get lost|go missing)|"
            r"what (?:does|did|would) (?:that|it|a \w+(?: \w+)?) (?:usually )?cost|worth (?:to you|over a year)|how often|"
            r"how far (?:off|out)|(?:dollar|pound|rough) (?:figure|number)|put a (?:number|figure|price) on|"
            r"(?:trust|believe) (?:\w+ )?least|least (?:reliable|trusted)",
            re.I,
        ),
        "zh": re.compile(
            r"什么时候开始|怎么回事|什么情况|情况怎么样|说说.{0,6}情况|问题|困难|变化|哪一项|最吃力|最头疼|短板|"
            r"(?:考|测)(?:了|出来|的)?多少分|现在多少分|几分(?!钟)|考过|考了|单项|哪一科|哪科|多久|多长时间|哪块|哪里.{0,4}(?:不满意|在意)|不满意|"
            r"怎么变|影响|多吗|敢不敢|哪一项|哪里没帮|什么原因|差多少|还差|差几分|差了多少|"
            r"发际线|头顶|后移|掉发|脱发|掉头发"
        ),
    },
    "worry": {
        "en": re.compile(
            r"\bworr(?:y|ies|ied|ying)\b|\bconcern|put(?:s|ting)? you off|hesitat|nervous|scared|afraid|"
            r"holding you back|what(?:'s| is) stopping|reservation|\bwary\b|risk (?:for|to) you|"
            r"what(?:'s| is) behind (?:it|that|this)",
            re.I,
        ),
        "zh": re.compile(r"担心|顾虑|放不下|怕什么|最怕|犹豫|不放心|纠结"),
    },
    "trigger": {
        "en": re.compile(
            r"what made you|what prompted|\btipped\b|why now|made you (?:think|look|start|get)|"
            r"why (?:did|are|have) you (?:\w+ ){0,2}(?:fill|look|call|get in touch|reach|enquir|inquir)|"
            r"what(?:'s| has) changed (?:lately|recently)|(?:lately|recently)\?",
            re.I,
        ),
        "zh": re.compile(
            r"为什么(?:想|会|现在|要)|什么让|怎么想到|契机|为啥(?:想|要|现在)|怎么突然"
        ),
    },
    "goal": {
        "en": re.compile(
            r"what would matter|what matters|what would you like|hoping (?:for|to)|\bgoal|ideal|"
            r"look(?:ing)? for in|what would (?:good|success)|what do you want|what would make|"
            r"(?:most )?want (?:to get )?out of|what (?:would|do) you (?:most )?(?:want|need) to (?:know|see|hear)|"
            r"(?:want|like|need) (?:\w+ )?answered|anything in particular|"
            r"what would (?:it|you) (?:most )?(?:take|need)|what would you (?:want|like) to ask|"
            r"improve|like to change|what would help|\bpriority\b|important to you|be interested|be helpful",
            re.I,
        ),
        "zh": re.compile(
            r"目标|希望|想要|想达到|在意|最看重|想考到|考到多少|哪几所|哪个学校|哪所|哪个国家|申请哪|要求多少|什么要求|"
            r"规划|最想|想了解|想知道|想改善|想提高|用在什么|用来申请|申请什么|(?:需要|要)(?:考)?多少分|几分才"
        ),
    },
    "schedule": {
        "en": re.compile(
            r"(?:what|which) (?:days?|times?|evenings?|mornings?) (?:suit|work|are best|would)|"
            r"when are you (?:free|available)|availability|how much time (?:do|can|could) you|when.{0,20}free|"
            r"fit (?:it )?around|routine|what time do you (?:finish|get)|timing (?:that )?(?:matters|works|suits)",
            re.I,
        ),
        "zh": re.compile(
            r"有空|哪天|时间.{0,4}(?:方便|合适)|每周.{0,8}(?:时间|几个)|抽出|拿出.{0,6}时间|几点以后|几点下|哪段时间|空一些|空闲|"
            r"哪些时间|什么时间能|时段|时间怎么安排|比较空|晚自习.{0,4}几点|空一点|作息|哪几段时间|哪几天|"
            r"什么时候有(?:时间|空)|平时.{0,4}有时间|哪天方便|几点方便|什么时候方便|"
            r"几个晚上|几个(?:周末|下午|上午|晚上)|(?:一周|每周)(?:能|可以|大概)"
        ),
    },
    "good_time": {
        "en": re.compile(
            r"(?:good|okay|ok|bad|convenient|right) (?:time|moment)|got (?:a|five|a few|two|ten|a couple of) (?:minute|min|sec|moment)|"
            r"have you got a (?:minute|moment|sec)|is now|catch you|a few minutes|spare a|"
            r"(?:could|can|may) i ask (?:you )?(?:a few|some|a couple)|mind if i ask|"
            r"how long (?:have|do) (?:i|we|you) (?:actually |really )?(?:got|have)",
            re.I,
        ),
        "zh": re.compile(
            r"方便|打扰|耽误|有空吗|说话吗|问您几个问题|问你几个问题|问几个问题|长话短说|"
            r"(?:晚点|晚一点|晚些|改天|回头)再(?:打|给您打|给你打|联系)"
        ),
    },
    "identity": {
        "en": re.compile(
            r"^(?:hi|hello|hey|good (?:morning|afternoon|evening))?[ ,!.]*(?:is (?:that|this) |am i (?:speaking|talking) (?:to|with) |is it )",
            re.I,
        ),
        "zh": re.compile(
            r"请问(?:是|您是)|是.{0,3}(?:先生|女士|同学|总|老师|妈妈|家长)(?:吗|吧)|是不是.{1,4}(?:先生|女士|同学)"
        ),
    },
}

# --- the rep's introduction ------------------------------------------------------------------

_GREETING = {
    "en": re.compile(
        r"^\W*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|morning|afternoon)\b", re.I
    ),
    "zh": re.compile(r"^\W*(?:.{0,4}您好|你好|喂|早上好|下午好|晚上好|哈喽)"),
}
_NAME = {
    "en": re.compile(
        r"\b(?:this is|it's|it is|my name is|my name's|i'm|i am)\s+[A-Z][a-z]+|"
        r"\b[A-Z][a-z]+ (?:here|from|with|calling)\b",
    ),
    "zh": re.compile(r"我是|我叫|我这边是|我姓"),
}
_REASON = {
    "en": re.compile(
        r"calling (?:about|because|back|to|regarding)|reason (?:for|I'm)|you (?:filled|requested|asked|signed|downloaded|booked|left)|"
        r"following up|follow up on|your (?:form|enquiry|inquiry|request)|we help|we work with",
        re.I,
    ),
    "zh": re.compile(
        r"留了|留过|留的|填了|填过|填的|做了|做过|做的|听了|听过|打电话|来电|回访|联系您|联系你|想跟您|想跟你|"
        r"想了解|测试|测评|公开课|咨询|表"
    ),
}

_YIELD = {
    "en": re.compile(
        r"^(?:oh,? )?(?:sorry|apologies|my (?:fault|bad)|no,? )?[ ,.!-]*(?:please )?(?:go on|go ahead|you go|you first|after you|please finish|finish|carry on)"
        r"(?: first)?(?:,? please| then| sorry)?[.!]?$",
        re.I,
    ),
    "zh": re.compile(
        r"^(?:不好意思|抱歉|哦|嗯)?[，,]?(?:您|你)(?:先)?(?:说|讲|继续|请说|先讲)(?:吧|完)?[。！.!]?$"
    ),
}
# A short turn that hands the floor back ("Oh, no, no, you first", "Sorry, I cut you off
# there. Keep going.", "嗯嗯，您说，您说。"), wherever the phrase sits in it.
_YIELD_ANYWHERE = {
    "en": re.compile(
        r"\b(?:you first|after you|go on|go ahead(?! and| with)|keep going|carry on|"
        r"(?:please )?finish (?:your|what you)|you were saying|i cut you off|i interrupted|"
        r"(?:didn't|did not) mean to (?:cut|interrupt)|sorry to interrupt|talked over you|"
        r"what were you (?:going|about) to say)\b",
        re.I,
    ),
    "zh": re.compile(
        r"(?<![跟和给对听])(?:您|你)(?:先|接着|继续)?(?:说|讲)(?:吧|完)?(?=$|[，。！,.!…]|您|你)|(?:您|你)继续|打断(?:您|你)|"
        r"(?:您|你)(?:刚才|刚刚)(?:想|要)说|抢了?(?:您|你)的话"
    ),
}
_YIELD_MAX = {"en": 14, "zh": 16}
_GO_AHEAD_PROPOSAL = re.compile(
    r"\b(?:let's|let us|we(?:'ll| will| can| could)|i(?:'ll| will| can)|shall (?:i|we)|should (?:i|we)) go ahead",
    re.I,
)


def yields_floor(text: str, language: str) -> bool:
    """True when a short rep turn only hands the floor back to the customer."""
    stripped = text.strip()
    if _YIELD[language].search(stripped):
        return True
    size = (
        len(re.findall(r"[A-Za-z']+", stripped))
        if language == "en"
        else len(re.sub(r"[\s，。？！,.?!…、~～]+", "", stripped))
    )
    if size > _YIELD_MAX[language] or not _YIELD_ANYWHERE[language].search(stripped):
        return False
    if _GO_AHEAD_PROPOSAL.search(stripped):
        return False  # "Let's go ahead, then." moves the call on; it does not yield
    return not (days_in(stripped, language) or time_slots(stripped, language))


_CLOSING = {
    "en": re.compile(
        r"\b(?:i'll|i will|i'm going to|let me) (?:just )?(?:email|text|send|message|pop|drop|whatsapp)\b|"
        r"see you (?:then|on|there|soon)|speak (?:to you )?soon|talk soon|take care\W*$|\bbye\b|"
        r"i'll (?:check|follow|call|ring|get) (?:back|up|in|you)|i'll be in touch|"
        r"(?:i've|i have) (?:booked|put) you|i'll put you down|"
        r"follow up (?:next \w+|in (?:a|an|two|three|\d)|on (?:mon|tue|wed|thu|fri|sat|sun|the))",
        re.I,
    ),
    "zh": re.compile(
        r"发您|发你|加您微信|加你微信|登记上|给您登记|给你登记|再联系|再给您打|再给你打|再打给|到时候过来|到了给我|"
        r"再见|拜拜|再跟您确认|再跟你确认|定了时间.{0,6}说一声"
    ),
}

_CONFIRM = {
    "en": re.compile(
        r"^(?:so,? |and,? |okay,? |right,? )*(?:you're|you are|you've|you have|you run|you look after|"
        r"it's|that's|this is|your)\b[^?]{0,80}\?$|,? (?:right|yeah|is that right|correct|isn't it|aren't you)\?$",
        re.I,
    ),
    "zh": re.compile(r"(?:对吧|是吧|对吗|是吗|对不对|是不是)[？?]?$"),
}
_PROPOSES = {
    "en": re.compile(
        r"\b(?:would|could|does|will|can) (?:a |an |the )?(?:[\w-]+ ){0,4}(?:work|suit|be (?:worth|better|easier|okay|ok|good))\b|"
        r"\bshall (?:we|i)\b|\bhow about\b|\bwhy don't (?:we|i)\b|\bwhat about (?:a|an|the|\w+day)\b|"
        r"\b(?:would|do) you (?:like|want) (?:to|me to) (?:book|come|pop|try|set|start|do|go|see)|"
        r"\b(?:could|can) (?:we|i) (?:at least )?(?:book|set|pencil|put|schedule|get|take|meet|arrange)|"
        r"\blet's (?:book|set|pencil|get|schedule|do)|\bwhich (?:one|of those|sounds|works|suits|would)\b|"
        r"\b(?:want|like) to (?:book|come in)\b|\b(?:book|put) you (?:in|down)\b\?|"
        r"\bcould you (?:come|pop|make it|do)\b|\bif i send\b|\bi can (?:put you|set up|get you)|"
        r"\bwould (?:a |an |the )?(?:[\w-]+ ){0,4}make sense (?:as|for)\b|"
        r"\b(?:maybe |perhaps )?(?:we|i) (?:could |can |might )?(?:set|book|grab|line) (?:something|a \w+|some time|up)\b|"
        r"\b(?:do|would) you want to (?:just )?(?:pop|come|book|set|try|start|swing)\b",
        re.I,
    ),
    "zh": re.compile(
        r"要不(?!要(?:我|做|植|报|考|花|买))|过来看看|来看看|来听听|听听课|来面诊|约一?个|帮您约|给您约|帮你约|给你约|给您安排|给你安排|"
        r"您看(?:哪|行|可以)|你看(?:哪|行|可以)|挑一个|哪个时间|选一个|可以吗|行吗"
    ),
}
_OFFER_TO_TELL = {  # "Would it help if I explained...?", "要不要我给您讲讲？": asks leave to talk
    "en": re.compile(
        r"\b(?:would it help if i|shall i|should i|do you want me to|would you like me to|want me to|"
        r"can i (?:quickly )?(?:explain|tell|walk|run|take)|could i (?:explain|tell|walk|run|take)|"
        r"mind if i)\b(?!.{0,30}\b(?:book|put you|pencil|schedule|send|email|text|call you))",
        re.I,
    ),
    "zh": re.compile(
        r"要不要我|我给您(?:讲讲|介绍|说说)|我跟您(?:讲讲|介绍一下|说说)|我先(?:给您|跟您)(?:介绍|讲|说)"
    ),
}
_BOOKS = {
    "en": re.compile(
        r"\bbook|come in|pop in|consultation|appointment|\bcall\b|demo|meeting|session|pilot|video|scan",
        re.I,
    ),
    "zh": re.compile(r"约|面诊|试听|来院|过来|视频|体验课|测评|见面"),
}
_INDIRECT_QUESTION = {
    "en": re.compile(
        r"\b(?:see|know|ask|wondering|check|find out) (?:if|whether) you(?:'d)?\b", re.I
    ),
    "zh": re.compile(r"想问(?:一下)?(?:您|你)(?!几个)|想了解(?:一下)?(?:您|你)(?:的|那边|现在)"),
}
_PROPOSES_ANY = {
    "en": re.compile(
        r"\byou could (?:come|pop|drop) in\b|\bwhy don't you (?:come|pop|book|try)\b|\byou should (?:come|book)\b|"
        r"\b(?:i've got|i have|i can do|there's|we've got|we have) (?:a slot |slots |space )?(?:on |this |next )?"
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\b(?=.*\?)",
        re.I,
    ),
    "zh": re.compile(
        r"要不(?!要(?:我|做|植|报|考|花|买))(?:您|你)?|过来看看|过来坐坐|来听听|来试听|来面诊一下|过来面诊|过来一趟"
    ),
}
_APOLOGY = {
    "en": re.compile(
        r"pushed too hard|that's on me|that was (?:rude|out of line|uncalled for)|i apologi[sz]e|"
        r"(?:sorry|apologies) (?:for|about) (?:that|being|my|the tone)|i was out of line|step back",
        re.I,
    ),
    "zh": re.compile(r"语气太冲|道个歉|道歉|是我不对|是我着急|别往心里去|说话太直|态度不好"),
}
_ASKS_REPEAT = {
    "en": re.compile(
        r"say (?:that|it)(?: last bit| again| one more time)* again|say that last bit|repeat that|"
        r"come again\?|what did you say|didn't (?:catch|hear) (?:that|what you said|you)",
        re.I,
    ),
    "zh": re.compile(
        r"再说一遍|再说一下|没听清|刚才说什么|刚才说的什么|(?:您|你)刚才说(?:什么|的是|啥)|(?:您|你)刚才说.{0,4}[？?]"
    ),
}
_OFFERS_SEND = {
    "en": re.compile(
        r"\b(?:i'll|i will|i can|let me|shall i|i could|i'd) (?:just )?(?:email|text|send|message|drop|pop|forward)|"
        r"\bsend (?:you|it|over|them)\b",
        re.I,
    ),
    "zh": re.compile(r"发(?:您|你|给您|给你|过去|过来)|加(?:您|你)?微信|资料发|短信"),
}
_CLAIMS_BOOKED = {
    "en": re.compile(
        r"\b(?:i've|i have) (?:booked|put) you|\bput you down\b(?!.*\?)|\bsee you (?:then|on|there|saturday|thursday)|"
        r"\byou're booked|\bbooked you|\bconfirm(?:ing)? (?:your|the) (?:booking|appointment|slot)",
        re.I,
    ),
    "zh": re.compile(r"登记上|给您约好|给你约好|约好了|帮您定了|帮你定了|定下来了|到时候见|那天见"),
}

# --- what a customer line presupposes, and what a rep turn offers -----------------------------

MENTIONS: dict[str, dict[str, re.Pattern[str]]] = {
    "video": {
        "en": re.compile(r"\bvideo|\bzoom\b|\bonline (?:call|consult|assessment)|\bvirtual", re.I),
        "zh": re.compile(r"视频|线上|远程"),
    },
    "trial": {
        "en": re.compile(r"\btrial\b|\bpilot\b|free (?:class|lesson|session|assessment)", re.I),
        "zh": re.compile(r"试听|测评|试一下|试课|体验课"),
    },
    "free": {
        "en": re.compile(
            r"\bfree\b|no charge|nothing (?:to pay|paid)|costs? nothing|at no cost", re.I
        ),
        "zh": re.compile(r"免费|不收费|不收钱|不要钱|不花钱"),
    },
    "finance": {
        "en": re.compile(r"\bfinanc|per month|instal|spread (?:it|the cost)", re.I),
        "zh": re.compile(r"分期|每个月|每月"),
    },
    "refund": {
        "en": re.compile(r"refund|money back|exit clause|walk away", re.I),
        "zh": re.compile(r"退款|退费|全额退|能退|可以退"),
    },
    "price": {
        "en": re.compile(
            r"[£$€]\s?\d|\d\s?(?:dollars?|pounds?|bucks|grand|k\b)|\bper[- ](?:user|graft|month|seat|session)|"
            r"\ba (?:graft|user|seat)\b|\bprice is|\bcosts? (?:is|are|about|around|\d|£|\$)",
            re.I,
        ),
        "zh": re.compile(
            r"\d+\s?(?:元|块|万)|[一二三四五六七八九十两百千万]+元|"
            r"(?:[二三四五六七八九十两百千万][一二三四五六七八九十两百千万]*|一[十百千万][一二三四五六七八九十两百千万]*)块|每(?:个)?单位|每课时|价格是|费用是|收费是"
        ),
    },
}
_ZH_SLOT_WORDS = re.compile(
    r"今天|明天|后天|今晚|明晚|周[一二三四五六日天末]|星期[一二三四五六日天]|礼拜[一二三四五六日天]|工作日|周末"
)
_EN_DAYS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|tomorrow|tonight)s?\b",
    re.I,
)
_IDENTITY_ASK = {
    "en": re.compile(
        r"who(?:'s| is) (?:this|calling|that|speaking)|who are you|who did you say|where are you calling from",
        re.I,
    ),
    "zh": re.compile(r"哪位|哪里[？?]|是哪里|谁啊|你是(?:谁|哪)|你是……|请问你是|您是……"),
}
_PURPOSE_ASK = {
    "en": re.compile(
        r"what can i do for you|what(?:'s| is) this (?:about|regarding)|what's on your mind", re.I
    ),
    "zh": re.compile(r"什么事|有事快说|有什么事"),
}
_CUSTOMER_GREETING = {
    "en": re.compile(r"^\W*(?:hi|hello|hey|hiya|morning|good (?:morning|afternoon))\b", re.I),
    "zh": re.compile(r"^\W*(?:喂|嗯，你好|你好|您好|哎，你好)"),
}
_REPEAT_REQUEST = {
    "en": re.compile(
        r"again|didn't (?:quite )?(?:catch|follow|get|understand)|lost me|what do you mean|what you mean|signal|broke up|"
        r"plain english|not sure what|still there|can't hear|cut out|lost the end|english|can't understand|make out|"
        r"you were saying|what was that|sorry\?|gone quiet|are you there",
        re.I,
    ),
    "zh": re.compile(
        r"再说|没听|什么意思|说清楚|听不懂|信号|你说什么|没太|听不到|还在吗|说中文|没听全|断了|不说话|说的什么|听不清"
    ),
}

_PRICE_REACTION = {
    "en": re.compile(
        r"\b(?:expensive|cheaper|pricey|lower than your|times that|that price|your price|the price you|"
        r"per-graft price|affordable|worth the money|what you're charging)\b",
        re.I,
    ),
    "zh": re.compile(r"贵|便宜|这个价|价格我|价钱|心里有个数|报价|收费标准"),
}
_SLOTS_REACTION = {
    "en": re.compile(
        r"\b(?:a (?:couple|bunch|list|load) of (?:times|slots)|those times|these times|times to choose|"
        r"that slot|that time works|the times you)\b",
        re.I,
    ),
    "zh": re.compile(r"一堆时间|时间让我挑|这几个时间|你说的时间|那个时间段|这个时间可以"),
}
_PITCH_REACTION = {
    "en": re.compile(
        r"\b(?:this|that|your) (?:exact |same )?pitch\b|\bi like it\b|\bthat changes things\b|\bthat's different\b|"
        r"better than i expected|that addresses it|\b(?:a |that's a )?(?:fair|better|straight) answer\b|"
        r"sound(?:s)? (?:more )?doable|every (?:vendor|clinic|company|salesman|rep) says|standard \w+ description|"
        r"thanks for not giving me",
        re.I,
    ),
    "zh": re.compile(
        r"说得(?:还挺|挺|很)实在|没跟我打包票|你这么说我|这么一说|听你这么说|说得天花乱坠"
    ),
}
_QUOTED = re.compile(r"(?:^|(?<=\s))['‘“\"]([^'’”\"]{6,60})['’”\"](?=[\s.,!?]|$)")

# --- not understood -------------------------------------------------------------------------

_EN_COMMON = set(
    """a about above after again all also am an and any anyone are aren't around as ask asked at away
back bad be because been before being best better between big bit book both but by call called calling
calls can can't check clinic come company could couldn't course cost costs day days did didn't do does
doesn't doing don't done down each early easy else email even evening every few find first five for form
four free friday from get give go going good got great had has have haven't having he hear hello help her
here hey hi him his hold honest honestly hope how i i'd i'll i'm i've if in into is isn't it it's its just
know last later let let's like line little look looking lot love make many may maybe me mean meet mind
minute minutes mistake monday month more morning most much my name need new next nice no not now number
of off ok okay on once one only open or other our out over own part people per plan please price quick
quite rather really right said saturday say see send she should since so some someone something sorry
sound sounds speak speaking start still such sunday sure talk team tell than thank thanks that that's the
their them then there these they thing things think this those three through thursday time times to today
together tomorrow too tuesday two up us use used very want wanted was way we we're we've wednesday week
well were what what's when where which while who why will with without work works would wrong yeah year
years yes yet you you'd you'll you're you've your yours hair loss quote quotes shipper lane lanes demo
pilot consultation appointment doctor graft grafts software tool tools sales rep reps hi budget decision
sign signs who's sorry bye yep nope sir madam mate okay alright oh uh um hmm right wow cool great
""".split()
)
_ZH_NOISE = set("啊吧呀哦嗯呃额哈嘿喂唔哎诶啦嘛呢哇咿吖噢喔哼呜哩咕噜嘟叽呱乌拉")
_DANGLING_EN = {
    "a", "an", "the", "to", "and", "or", "but", "with", "from", "of", "for", "at", "your", "my", "our",
    "is", "are", "was", "did", "do", "we", "i", "so", "because", "that", "if", "about", "in", "on",
    "um", "uh", "like", "how", "what", "when", "which", "few", "some", "very", "into", "than",
    "their",
}  # fmt: skip
_COMPLETE_EN_END = re.compile(
    r"\b(?:go|carry|hold|come|going|keep) on$|\bgo ahead$|\byou first$|\bplease$", re.I
)
_COMPLETE_ZH_END = re.compile(r"[吗吧呢啊呀嘛哈啦了]$")
_DANGLING_YOU = re.compile(
    r"\b(?:form|that|what|if|when|which|because|and|so|do|did|would|could|can|will|have|are) you$",
    re.I,
)
_DANGLING_ZH = (
    "我的",
    "您的",
    "你的",
    "他的",
    "是",
    "在",
    "和",
    "跟",
    "给",
    "从",
    "把",
    "就是",
    "然后",
    "那个",
    "这个",
    "我们",
    "您的",
    "你的",
    "想问",
    "打算",
)


def heard(text: str, language: str, vocabulary: set[str] | frozenset[str] = frozenset()) -> str:
    """Whether a rep turn can be understood.

    One of ``ok``, ``silence``, ``gibberish``, ``other_language`` or ``cut_off``.
    ``vocabulary`` adds the scenario's own words to the built-in common ones.
    """
    stripped = text.strip()
    if not re.search(r"[\w\u4e00-\u9fff]", stripped):
        return "silence"
    if re.search(r"(.)\1{11,}", stripped) or (len(stripped) > 400 and len(set(stripped)) < 12):
        return "gibberish"
    han = len(HAN.findall(stripped))
    latin_words = re.findall(r"[A-Za-z][A-Za-z']*", stripped)
    known = _EN_COMMON | vocabulary
    if language == "zh":
        if han == 0:
            english = [w for w in latin_words if w.lower() in _EN_COMMON]
            if len(latin_words) >= 2 and len(english) >= max(2, len(latin_words) // 2):
                return "other_language"
            return "gibberish"
        chars = [c for c in stripped if HAN.match(c)]
        if all(c in _ZH_NOISE for c in chars) and len(chars) >= 3:
            return "gibberish"
        body = re.sub(r"[\s，。？！,.?!…、~～]+", "", stripped)
        if len(body) >= 6 and len(set(body)) <= 2:
            return "gibberish"
    else:
        if han >= 2 and han * 2 > len("".join(latin_words)):
            return "other_language"
        words = [w.lower() for w in latin_words]
        if not words:
            return "gibberish" if han else "silence"
        share = sum(w.strip("'") in known for w in words) / len(words)
        if share < 0.4 or (len(words) >= 4 and len(set(words)) == 1):
            return "gibberish"
    trails_off = re.search(r"(?:\.\.\.|……)\s*$", stripped) and (
        len(HAN.findall(stripped)) >= 40
        if language == "zh"
        else len(re.findall(r"[A-Za-z']+", stripped)) >= 25
    )
    if trails_off:
        return "ok"  # a long list that trails off ("……老师都是8分以上……") was heard
    if re.search(r"(?:-|—|–|\.\.\.|…)\s*$", stripped):
        return "cut_off"
    if not re.search(r"[.?!。？！)）\"”']$", stripped):
        # A typed or transcribed turn that punctuates its sentences but stops without a
        # full stop was cut off ("This is Sophie from Linden Hair", "我想问一下您那个周末").
        complete = (
            _COMPLETE_ZH_END.search(stripped) and not stripped.endswith(_DANGLING_ZH)
            if language == "zh"
            else _COMPLETE_EN_END.search(stripped)
        )
        if (
            not complete
            and re.search(r"[,，.。?？!！;；:：]", stripped)
            and (len(re.findall(r"[A-Za-z']+", stripped)) >= 3 or len(HAN.findall(stripped)) >= 4)
        ):
            return "cut_off"
        if language == "zh":
            if stripped.endswith(_DANGLING_ZH):
                return "cut_off"
        else:
            last = re.findall(r"[A-Za-z']+", stripped)
            if (
                last
                and last[-1].lower() in _DANGLING_EN
                and len(last) > 2
                and not _COMPLETE_EN_END.search(stripped)
            ):
                return "cut_off"
            if _DANGLING_YOU.search(stripped):
                return "cut_off"
    return "ok"


def vocabulary_of(*texts: str) -> set[str]:
    """The English words in some texts (a scenario's product, script and examples)."""
    return {w.lower() for text in texts for w in re.findall(r"[A-Za-z][A-Za-z']+", text)}


# --- numbers ------------------------------------------------------------------------------

_EN_UNITS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_EN_TENS = {
    w: 10 * i
    for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split())
    if w != "_"
}
_EN_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000, "million": 1_000_000}
_ZH_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_NUMERAL = re.compile(r"[零一二两三四五六七八九十百千万]+")


def _zh_value(run: str) -> list[float]:
    """Values of a Chinese numeral run; a range like 两三万 gives both ends."""
    if len(run) >= 2 and run[0] in _ZH_DIGITS and run[1] in _ZH_DIGITS and run[0] != run[1]:
        rest = run[2:]
        return [v for head in (run[0], run[1]) for v in _zh_value(head + rest)]
    total, section, digit, last_unit = 0, 0, 0, 1
    for ch in run:
        if ch in _ZH_DIGITS:
            digit = _ZH_DIGITS[ch]
        elif ch == "十":
            section += (digit or 1) * 10
            digit, last_unit = 0, 10
        elif ch == "百":
            section += digit * 100
            digit, last_unit = 0, 100
        elif ch == "千":
            section += digit * 1000
            digit, last_unit = 0, 1000
        elif ch == "万":
            total += (section + digit) * 10000
            section, digit, last_unit = 0, 0, 10000
    if digit and last_unit >= 100:
        # 一千八 is 1800, 一万一 is 11000: a trailing digit counts in the next unit down.
        digit *= last_unit // 10
    return [float(total + section + digit)]


def numbers(text: str, language: str) -> list[float]:
    """The figures in a text: digits, English number words, Chinese numerals."""
    found: list[float] = []
    for match in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(k\b|grand|万|千)?", text, re.I):
        raw = match.group(1).replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = {"k": 1000, "grand": 1000, "万": 10000, "千": 1000}.get(
            (match.group(2) or "").lower(), 1
        )
        found.append(value * scale)
        if "." in raw:  # "2.50" is also said "two fifty"
            whole, frac = raw.split(".", 1)
            found += [float(whole), float(frac)]
    if language == "zh":
        for run in _ZH_NUMERAL.findall(text):
            if run in ("一", "万", "千", "百"):
                continue  # 一下, 一点, 一次: not figures
            found += _zh_value(run)
    else:
        current, seen = 0, False
        for word in re.findall(r"[a-z]+", text.lower()) + ["."]:
            if word in _EN_UNITS:
                current += _EN_UNITS[word]
                seen = True
            elif word in _EN_TENS:
                if seen and 0 < current < 10:  # "two fifty" is two figures, not fifty-two
                    found.append(float(current))
                    current = 0
                current += _EN_TENS[word]
                seen = True
            elif word in _EN_SCALES and seen:
                current = max(current, 1) * _EN_SCALES[word]
            else:
                if seen and current != 1:  # "one" is mostly not a figure ("one of my reps")
                    found.append(float(current))
                current, seen = 0, False
    return found


def _matches(value: float, known: list[float]) -> bool:
    return any(abs(value - k) <= max(0.5, 0.1 * abs(k)) for k in known)


def figure_problem(line: str, language: str, rep_numbers: list[float], own: list[float]) -> bool:
    """True when the line quotes a figure (10 or more) that neither the rep nor the card gave.

    How long something takes on the call ("ten minutes", "五分钟") is not a fact to check.
    """
    line = re.sub(
        r"\b[\w-]+ (?:minutes?|mins?|seconds?)\b|[\d一二三四五六七八九十两几]+\s?分钟",
        " ",
        line,
        flags=re.I,
    )
    return any(
        value >= 10 and not _matches(value, rep_numbers) and not _matches(value, own)
        for value in numbers(line, language)
    )


# --- the analysis of a rep turn, and the state of the call -------------------------------------


@dataclass
class RepTurn:
    """What one rep turn did, as far as the customer is concerned."""

    heard: str = "ok"
    greeted: bool = False
    named: bool = False
    company: bool = False
    reason: bool = False
    topics: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    is_question: bool = False
    yields: bool = False
    closes: bool = False
    confirm: bool = False
    proposes: bool = False
    apologises: bool = False
    asks_repeat: bool = False
    offers_send: bool = False
    offers_to_tell: bool = False
    claims_booked: bool = False
    questions: list[str] = field(default_factory=list)

    @property
    def introduced(self) -> bool:
        """The rep said who they are (their name or their company)."""
        return self.named or self.company


def days_in(text: str, language: str) -> list[str]:
    """The days a text names ("Saturday", "周六"), normalised."""
    if language == "zh":
        found = _ZH_SLOT_WORDS.findall(text)
        return [
            d.replace("星期", "周").replace("礼拜", "周").replace("周天", "周日") for d in found
        ]
    return [d.lower().rstrip("s") for d in _EN_DAYS.findall(text)]


def analyse(text: str, language: str, company_names: list[str], vocabulary: set[str]) -> RepTurn:
    """Read one rep turn: understood or not, the introduction, the questions, the offers."""
    turn = RepTurn(heard=heard(text, language, vocabulary))
    if turn.heard in ("silence", "gibberish", "other_language"):
        return turn
    sentences = split_sentences(text) or [text]
    last = sentences[-1].strip() if sentences else text.strip()
    turn.yields = yields_floor(text, language) or (
        len(sentences) > 1
        and bool(_YIELD[language].search(last))
        and not any(is_question(x, language) for x in sentences[:-1])
    )
    turn.apologises = bool(_APOLOGY[language].search(text))
    turn.asks_repeat = bool(_ASKS_REPEAT[language].search(text))
    turn.offers_send = bool(_OFFERS_SEND[language].search(text))
    turn.claims_booked = bool(_CLAIMS_BOOKED[language].search(text))
    turn.closes = bool(_CLOSING[language].search(text))
    turn.greeted = bool(_GREETING[language].search(text))
    turn.named = bool(_NAME[language].search(text))
    low = text.lower()
    turn.company = any(name.lower() in low for name in company_names if name)
    turn.reason = bool(_REASON[language].search(text))
    for sentence in split_sentences(text) or [text]:
        question = is_question(sentence, language) or bool(
            _INDIRECT_QUESTION[language].search(sentence)
        )
        turn.is_question = turn.is_question or question
        if not question:
            continue
        turn.questions.append(sentence)
        if _CONFIRM[language].search(sentence.strip()):
            turn.confirm = True
        if _PROPOSES[language].search(sentence):
            turn.proposes = True
        for topic in TOPICS:
            if _TOPIC_PATTERNS[topic][language].search(sentence) and topic not in turn.topics:
                turn.topics.append(topic)
    turn.topics.sort(key=TOPICS.index)
    if "good_time" in turn.topics:
        turn.closes = False  # "Is now okay, or shall I call you back later?" asks; it ends nothing
    turn.mentions = [kind for kind, by_lang in MENTIONS.items() if by_lang[language].search(text)]
    turn.days = days_in(text, language)
    turn.slots = time_slots(text, language)
    turn.numbers = numbers(text, language)
    if _PROPOSES_ANY[language].search(text):
        turn.proposes = True  # "有空过来看看", "you could pop in": an invitation, asked or not
    turn.offers_to_tell = bool(_OFFER_TO_TELL[language].search(text))
    if (
        turn.proposes
        and not (turn.days or turn.slots)
        and _only_sounds_like_an_offer(turn, text, language)
    ):
        turn.proposes = False
    if (
        turn.is_question
        and (turn.days or turn.slots)
        and not turn.proposes
        and "schedule" not in turn.topics  # "which days suit you?" asks, it offers nothing
    ):
        # "Thursday at ten, or Saturday?" offers a time even without "would it work".
        turn.proposes = any(
            (days_in(q, language) or time_slots(q, language)) for q in turn.questions
        )
    return turn


def _only_sounds_like_an_offer(turn: RepTurn, text: str, language: str) -> bool:
    """A turn that names no time and reads like a proposal, but asks or checks instead."""
    if "good_time" in turn.topics:
        return True  # "Is now okay, or shall I call back later?" checks the time
    if {"timeline", "schedule"} & set(turn.topics) and not _BOOKS[language].search(text):
        return True  # "Is there a time of year that would suit you?" asks, offers nothing
    # "要不要我给你讲讲？" asks to explain; it books nothing (an invitation still does).
    return turn.offers_to_tell and not _PROPOSES_ANY[language].search(text)


@dataclass
class DialogueState:
    """What has been said in the call, by both sides; saved with the persona's state."""

    greeted: bool = False
    named: bool = False
    company: bool = False
    reason: bool = False
    asked: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)
    revealed: list[str] = field(default_factory=list)
    not_understood: int = 0
    intro_acknowledged: bool = False
    pitched: bool = False

    @property
    def introduced(self) -> bool:
        """The rep has said who they are."""
        return self.named or self.company

    def observe(self, turn: RepTurn) -> None:
        """Remember what a rep turn said."""
        if turn.heard in ("silence", "gibberish", "other_language"):
            self.not_understood += 1
            return
        self.not_understood = self.not_understood + 1 if turn.heard == "cut_off" else 0
        self.greeted |= turn.greeted
        self.named |= turn.named
        self.company |= turn.company
        self.reason |= turn.reason
        self.asked += [t for t in turn.topics if t not in self.asked]
        self.mentions += [m for m in turn.mentions if m not in self.mentions]
        self.days += [d for d in turn.days if d not in self.days]
        self.slots += turn.slots
        self.numbers += [n for n in turn.numbers if n not in self.numbers]

    def as_dict(self) -> dict[str, Any]:
        """Plain data to persist."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DialogueState:
        """Restore a saved state (an older session has none)."""
        return cls(**(data or {}))

    def summary(self, language: str) -> str:
        """What the rep has and has not said, in words, for an LLM's director's note."""
        said = []
        if self.introduced:
            said.append("introduced themselves (do not ask who is calling)")
        if self.greeted:
            said.append("greeted you (do not greet again)")
        if self.reason:
            said.append("said why they are calling")
        if self.slots or self.days:
            said.append("offered times: " + ", ".join([*self.days, *self.slots]))
        if "price" in self.mentions:
            said.append("named a price")
        offered = [m for m in self.mentions if m != "price"]
        if offered:
            said.append("mentioned: " + ", ".join(offered))
        never = [
            m
            for m in ("price", "video", "trial", "free", "finance", "refund")
            if m not in self.mentions
        ]
        parts = [
            "So far the salesperson has "
            + ("; ".join(said) if said else "said nothing of substance")
            + "."
        ]
        if never:
            parts.append(
                "They have NOT mentioned: "
                + ", ".join(never)
                + ". Do not react to these as if offered (you may ask about them)."
            )
        if self.slots or self.days:
            parts.append(
                "You have not accepted any time yet: if they talk as if it were booked, say so."
            )
        if not (self.slots or self.days):
            parts.append(
                "No day or time was offered: do not accept or mention a specific slot as theirs."
            )
        if not self.pitched:
            parts.append(
                "They have not pitched or claimed anything yet: do not react to a pitch or an answer."
            )
        if self.revealed:
            parts.append(
                "You already told them about: "
                + ", ".join(self.revealed)
                + "; don't present it as new."
            )
        return " ".join(parts)


def line_problem(
    line: str,
    language: str,
    state: DialogueState,
    *,
    turn: int,
    rep_text_so_far: str,
    own_numbers: list[float],
    name_tokens: list[str],
    counter_ok: bool = False,
) -> str | None:
    """Why a customer line does not fit the call so far, or None when it fits.

    ``counter_ok``: the customer may name a day of its own (a counter-proposal).
    """
    if turn > 1 and _CUSTOMER_GREETING[language].search(line):
        return "greets again mid-call"
    if state.introduced and _IDENTITY_ASK[language].search(line):
        return "asks who is calling after the rep said so"
    if state.reason and _PURPOSE_ASK[language].search(line):
        return "asks what the call is about after the rep said so"
    low_rep = rep_text_so_far.lower()
    for token in name_tokens:
        if token.lower() in line.lower() and token.lower() not in low_rep:
            return f"names {token!r}, which the rep never said"
    for sentence in split_sentences(line) or [line]:
        if is_question(sentence, language):
            continue  # asking about an offer is fine; reacting to one never made is not
        for kind, by_lang in MENTIONS.items():
            if kind == "price":
                continue
            if by_lang[language].search(sentence) and kind not in state.mentions:
                return f"reacts to a {kind} offer the rep never made"
    if MENTIONS["price"][language].search(line) and "price" not in state.mentions:
        # The customer's own figures ("I paid 4,000 elsewhere") are not a reaction to a price.
        if not all(_matches(v, own_numbers) for v in numbers(line, language) if v >= 10):
            return "reacts to a price the rep never named"
    if figure_problem(line, language, state.numbers, own_numbers):
        return "quotes a figure nobody gave"
    if "price" not in state.mentions and _PRICE_REACTION[language].search(line):
        return "reacts to a price the rep never named"
    if not (state.slots or state.days) and _SLOTS_REACTION[language].search(line):
        return "reacts to times the rep never offered"
    if not state.pitched and _PITCH_REACTION[language].search(line):
        return "reacts to a pitch or an answer the rep never gave"
    for quoted in _QUOTED.findall(line):
        words = [w for w in re.findall(r"[a-z']{4,}", quoted.lower())]
        if language == "en" and words and not all(w in low_rep for w in words):
            return f"quotes the rep ({quoted!r}) saying what they never said"
    if not counter_ok:
        for day in days_in(line, language):
            if day not in state.days and day not in ("周末", "工作日", "weekend"):
                return f"reacts to a day ({day}) the rep never offered"
    return None


def states_something(text: str, language: str) -> bool:
    """True when a rep turn says something of substance (a statement, not only questions)."""
    statements = [x for x in split_sentences(text) or [text] if not is_question(x, language)]
    return any(len(x.split()) >= 6 if language == "en" else len(x) >= 10 for x in statements)


def is_repeat_request(line: str, language: str) -> bool:
    """True for lines that ask the rep to say it again (fit for a turn not understood)."""
    return bool(_REPEAT_REQUEST[language].search(line))


def asks_identity(line: str, language: str) -> bool:
    """True when a customer line asks who is calling."""
    return bool(_IDENTITY_ASK[language].search(line))


def greets(line: str, language: str) -> bool:
    """True when a customer line opens with a greeting."""
    return bool(_CUSTOMER_GREETING[language].search(line))


__all__ = [
    "MENTIONS",
    "TOPICS",
    "DialogueState",
    "RepTurn",
    "analyse",
    "asks_identity",
    "days_in",
    "figure_problem",
    "greets",
    "heard",
    "is_repeat_request",
    "states_something",
    "line_problem",
    "numbers",
    "vocabulary_of",
]
