"""What the rep just did: classify a rep turn into a move, for the persona engine.

The embedder compares the turn with labelled examples of each move (built in, both
languages, plus the scenario's own key point examples mapped by stage); small rules catch
what similarity misses: rudeness, attempts to re-instruct the customer, price talk, and a
next step with a time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from coach.backends.ports import Embedder
from coach.evaluator.scoring import ability_of
from coach.scenarios.model import Scenario
from coach.text.acts import is_open_question, is_question, strip_fillers, time_specificity

_EXAMPLES: dict[str, dict[str, list[str]]] = {
    "greeting": {
        "en": ["Hi, good morning!", "Hello, is this a good time?", "Hey, thanks for picking up."],
        "zh": ["您好！", "喂，您好，现在方便说话吗？", "早上好，打扰您一下。"],
    },
    "self_intro": {
        "en": [
            "This is Alex from FleetFlow.",
            "My name is Sam, I'm calling from the clinic.",
            "I'm the account manager at our company.",
        ],
        "zh": ["我是启航留学的陈老师。", "我这边是诊所的顾问小王。", "我是公司的客户经理。"],
    },
    "needs_question": {
        "en": [
            "How do you handle that today?",
            "What's the biggest challenge for your team?",
            "Tell me about your current process.",
            "What would you like to change?",
        ],
        "zh": [
            "您现在是怎么处理的？",
            "目前最大的困难是什么？",
            "能说说您的情况吗？",
            "您希望达到什么效果？",
        ],
    },
    "pitch": {
        "en": [
            "Our product lets you track every quote in one place.",
            "We help teams like yours save hours every week.",
            "With our solution you get a dashboard for everything.",
        ],
        "zh": [
            "我们的课程可以帮您系统提升。",
            "我们的方案能帮您解决这个问题。",
            "我们这边有专门的老师一对一辅导。",
        ],
    },
    "price": {
        "en": [
            "It costs forty nine dollars per user per month.",
            "The price is quite reasonable.",
            "Let's talk about pricing.",
        ],
        "zh": ["价格是每期六千八。", "费用方面您不用担心。", "我们的收费是这样的。"],
    },
    "proof": {
        "en": [
            "One of our customers cut their turnaround from two days to four hours.",
            "Here's a case study from a similar company.",
            "Seventy percent of our clients see results in three months.",
        ],
        "zh": [
            "我们去年有很多学员提分一分以上。",
            "给您看一个真实案例。",
            "跟您情况差不多的客户用了以后效果很好。",
        ],
    },
    "objection_answer": {
        "en": [
            "I understand the concern, that's fair.",
            "That makes sense, many people worry about that.",
            "Good question, let me address that.",
        ],
        "zh": [
            "我理解您的顾虑。",
            "您说得对，很多家长也担心这个。",
            "这个问题问得好，我跟您解释一下。",
        ],
    },
    "next_step": {
        "en": [
            "Could we schedule a demo on Tuesday at ten?",
            "Shall I book you in for Thursday afternoon?",
            "Let's set up a follow-up call next week.",
        ],
        "zh": [
            "我给您约明天下午三点的试听课可以吗？",
            "那我们周六上午见面聊？",
            "我先帮您预约一个时间。",
        ],
    },
    "small_talk": {
        "en": ["How's the weather over there?", "How was your weekend?", "Busy week?"],
        "zh": ["最近天气怎么样？", "周末过得好吗？", "最近忙吗？"],
    },
    "off_topic": {
        "en": [
            "Did you watch the game last night?",
            "What's your favourite movie?",
            "Can you help me with my homework?",
        ],
        "zh": ["你昨晚看球赛了吗？", "你喜欢什么电影？", "能帮我写个作业吗？"],
    },
}

_STAGE_MOVE = {
    "opening": "greeting",
    "discovery": "needs_question",
    "pitch": "pitch",
    "objection": "objection_answer",
    "closing": "next_step",
}

_RUDE = re.compile(
    r"\b(?:stupid|idiot|dumb|shut up|whatever(?= *[.!?,]| *$)|damn|hell|waste of my time|wasting my time|you people|"
    r"listen to me|just buy|are you deaf|are you stupid|useless|moron|clueless|pathetic|get a grip|"
    r"what's wrong with you|do you want hair or not|you (?:clearly |obviously |just )?don't (?:understand|get it|know what)|"
    r"kind of thinking that|are you (?:even )?listening|with respect, you|reading too many|"
    r"leave (?:the \w+|it) to the professionals|just an excuse|(?:stop|quit) (?:dithering|dithering about|messing about|wasting)|"
    r"you(?:'re| are) (?:the )?wrong person|can't make a (?:simple )?decision|man up|grow up|get over it|"
    r"(?:you're|you are) overthinking|you're not the (?:doctor|expert|professional)|never end up doing anything|"
    r"drag(?:s|ging)? (?:their|your) feet|people like you|(?:i )?(?:honestly )?don't get why (?:\w+ ){0,3}(?:people|you) always|"
    r"no[- ]brainer|what's (?:actually )?stopping you|you (?:people|lot) (?:always|never)|"
    r"(?:that|this) sounds like a (?:mess|joke|shambles|disaster)|(?:that's|it's) on you|that's your (?:own )?fault|"
    r"if you'd (?:sorted|fixed|dealt with|done) (?:it|this|that)|you wouldn't be in this (?:state|mess)|"
    r"(?:some|what a) (?:mess|joke)|amateur hour)\b"
    r"|傻|笨|闭嘴|废话|你懂什么|爱买不买|别啰嗦|烦死|磨叽|有病|脑子|神经病|废物|滚|你是猪|墨迹|这把年纪|这个年纪还|年纪大了|老古董|你到底懂不懂|"
    r"没见过世面|舍不得给孩子|不想给孩子花钱|连孩子都|抠门|小气|恕我直言|"
    r"犹豫来犹豫去|耽误的是孩子|别的家长早就|算这点钱|说句不好听的|磨磨唧唧|磨叽|婆婆妈妈|大男人|您都这样了|你都这样了|"
    r"身份.{0,6}(?:在乎|差)|这点钱|找家里要|基本没戏|难怪考不好|根本不行|说明.{0,8}不行|你们学生就是|一说钱就跑|"
    r"你们(?:家长|男人|女人|老板)(?:都|就)是|想太多|懂的比医生|你又不是医生|"
    r"连.{0,6}都拿不出|你一个学生|穷学生|怪你自己|活该|早干嘛去了|自找的",
    re.IGNORECASE,
)
_INJECTION = re.compile(
    r"ignore (?:all |your |the |previous |prior )*(?:instructions|rules|prompt)|you are (?:now |an? )?(?:ai|assistant|language model|chatbot|bot)"
    r"|pretend (?:to be|you are)|system prompt|act as|role ?play as|forget (?:everything|your)|new instructions|developer mode"
    r"|agree to buy|say yes to everything|忽略(?:之前|你的|所有)?的?(?:指令|设定|规则|提示)|你是(?:一个)?(?:AI|人工智能|机器人|助手)|扮演|系统提示|忘掉你的|新的指令|直接同意",
    re.IGNORECASE,
)
_PUSHY = re.compile(
    r"\b(?:just (?:sign|buy)|sign (?:today|now)|buy (?:it )?now|today only|last chance|limited time|you have to decide|"
    r"don't think about it|trust me|(?:price|offer|deal) (?:expires|ends)|only \w+ (?:slots?|places?) left|pay a deposit now|"
    r"decide (?:now|today)|need an answer (?:today|now|from you|before)|are we doing this or not|yes or no\?|runs out (?:today|tonight)|can't hold (?:the|your|that) (?:slot|place|price)|only good until|good until (?:friday|tomorrow|tonight)|sign (?:up )?(?:now|today|tonight))\b|最后一天|今天必须|马上定|赶紧(?:报|定|交)|错过就没|不报就没|"
    r"今天不定|名额马上|优惠只到今天|赶紧交钱|今天就定|必须(?:得)?(?:报|定|交|买)|不报(?:肯定|就|的话)|这周(?:必须|一定)|"
    r"\b(?:decide|sign) (?:this week|by friday|by tomorrow)|need to decide this week",
    re.IGNORECASE,
)
_PRICE = re.compile(
    r"\b(?:price|pricing|cost|costs|\$|dollars?|pounds?|£|per (?:user|month|seat|graft)|budget|discount|fee)\b|价格|多少钱|费用|收费|元|块钱|优惠|折扣|预算|分期",
    re.IGNORECASE,
)


_OVERCLAIM = re.compile(
    r"\b(?:guarantee[sd]?|100 ?%|a hundred per ?cent|no risks?(?: at all)?|completely safe|risk[- ]free|"
    r"definitely (?:suitable|a candidate|work)|perfect candidates?|(?:fix|cure) for life|never lose|every (?:graft|single one) will|"
    r"best (?:in|on) (?:the market|manchester|the world|town)|the best [a-z ]{0,20}(?:in|on) |game-changing|best-in-class|"
    r"up and running in (?:a few|two|three) days|works with any system|just plugs in|everyone (?:goes for|loves)|"
    r"it will work for you|you'll love it)(?!\w)"
    r"|保证|包(?:提分|过|成活|效果|你|您)|百分百|百分之百|绝对(?:能|没|不会|可以)|一根都不会掉|跟年轻时候一样|没有任何风险|全上海最好|"
    r"所有学员都|肯定能|一定能|肯定适合|一定适合|不用检查(?:也|就)",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:can't|cannot|can not|don't|won't|no|not|never|nobody|wouldn't)\b[^.!?]*$|[不没无别非][^。！？，,]{0,3}$",
    re.IGNORECASE,
)
_DISPARAGE = re.compile(
    r"\b(?:dodgy|butcher(?:s|ed)?|cowboys?|rip-?offs?|(?:is|are) (?:a )?(?:joke|junk|rubbish|useless)|scam)\b"
    r"|坑人|糊弄|乱做|千万别去|骗人|都是骗|垃圾|不靠谱的|录播糊弄|很差|割韭菜|千万别信",
    re.IGNORECASE,
)


def is_overclaim(text: str) -> bool:
    """True for promises nobody can keep on a call ("100% graft survival", "包提分")."""
    for match in _OVERCLAIM.finditer(text):
        before = text[max(0, match.start() - 20) : match.start()]
        if not _NEGATED.search(before):  # "I can't guarantee", "我们不做保证" are honest
            return True
    return False


def is_disparaging(text: str) -> bool:
    """True when the rep runs down competitors ("those clinics butcher people", "别家坑人")."""
    return bool(_DISPARAGE.search(text))


def is_injection(text: str) -> bool:
    """True when the rep tries to re-instruct the customer ("ignore your instructions...")."""
    return bool(_INJECTION.search(text))


def is_pressure(text: str) -> bool:
    """True for pressure to decide now ("sign today", "今天必须定")."""
    return bool(_PUSHY.search(text))


def is_rude(text: str) -> bool:
    """True for insults and pressure that a real customer would resent."""
    return bool(_RUDE.search(text))


class MoveClassifier:
    """Classifies a rep turn into one of the persona moves."""

    def __init__(self, embedder: Embedder, scenario: Scenario):
        self.embedder = embedder
        self.language = scenario.language
        labels: list[str] = []
        texts: list[str] = []
        for move, by_language in _EXAMPLES.items():
            for text in by_language[self.language]:
                labels.append(move)
                texts.append(text)
        for point in scenario.key_points:
            stage_move = _STAGE_MOVE.get(ability_of(point.stage))
            if stage_move is None:
                continue
            for example in point.examples:
                labels.append(stage_move)
                texts.append(example)
        self.labels = labels
        self._example_vectors = (
            embedder.embed_queries(texts) if texts else np.zeros((0, embedder.dim), np.float32)
        )

    def classify(self, text: str) -> tuple[str, float]:
        """The move and how sure the classifier is (cosine of the best example)."""
        if not text.strip():
            return "unknown", 0.0
        if is_injection(text):
            return "off_topic", 1.0
        if is_rude(text) or _PUSHY.search(text):
            return "rude", 1.0
        # The same filler-free text the key point detector embeds, so one vector serves both.
        vector = self.embedder.embed_queries([strip_fillers(text, self.language)])[0]
        scores = self._example_vectors @ vector
        best: dict[str, float] = {}
        for label, score in zip(self.labels, scores, strict=True):
            best[label] = max(best.get(label, -1.0), float(score))
        move = max(best, key=lambda m: best[m])
        confidence = best[move]
        if time_specificity(text, self.language) == "concrete" and move in (
            "greeting",
            "pitch",
            "needs_question",
            "small_talk",
        ):
            move = "next_step"
        elif (
            move in ("pitch", "needs_question", "unknown")
            and _PRICE.search(text)
            and not is_question(text, self.language)
        ):
            move = "price"
        elif move == "pitch" and is_open_question(text, self.language):
            move = "needs_question"
        return move, confidence

    @staticmethod
    def moves() -> Sequence[str]:
        """Every move the classifier can return."""
        return (*_EXAMPLES, "rude", "unknown")
