"""The built-in AI customer: a retrieval-driven persona engine that needs no LLM.

Each rep turn is classified into a move; the persona's state (trust, patience, needs
revealed, objections raised and resolved, key points the rep has covered) is updated; the
reply comes from the persona's response bank and from real customer lines retrieved from
the clip library, filled with the scenario's facts, never repeating a line it already used.
The call ends in agreement when trust is high enough, the points the persona needs are
covered and the rep proposes a next step; it ends in a hang-up when patience runs out.
Deterministic for a given seed and conversation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from coach.backends.ports import Embedder
from coach.evaluator.keypoints import KeyPointDetector
from coach.personas.dialogue import (
    DialogueState,
    RepTurn,
    analyse,
    is_repeat_request,
    line_problem,
    numbers,
    states_something,
    vocabulary_of,
)
from coach.personas.model import Objection, Persona
from coach.personas.moves import (
    MoveClassifier,
    is_disparaging,
    is_injection,
    is_overclaim,
    is_pressure,
    is_rude,
)
from coach.scenarios.model import Scenario
from coach.text.acts import is_question
from coach.text.normalize import compact, tokens
from coach.text.sentences import split_sentences
from coach.transcripts import Transcript, Turn


class SourcedLine(NamedTuple):
    """A real customer line from the clip library, with the clip it came from."""

    text: str
    clip_id: str


CustomerLines = Callable[[str, str], Sequence[str | SourcedLine]]
"""(scenario id, objection kind) -> real customer lines from the clip library.

Plain strings are accepted; :class:`SourcedLine` items also tell which clip a line is from, so
a customer turn built from it can say where its words came from.
"""

_GOOD = {
    "greeting": 0.05,
    "self_intro": 0.05,
    "needs_question": 0.08,
    "proof": 0.1,
    "objection_answer": 0.1,
    "pitch": 0.04,
}
_BAD = {"rude": 2, "off_topic": 1}

_CONFUSED = {
    "en": [
        "Sorry, I'm not sure what you mean. Weren't you calling about {topic}?",
        "I'm not following. What does this have to do with {topic}?",
        "Let's stick to why you called, please.",
    ],
    "zh": [
        "不好意思，我没太听懂您的意思，您不是打电话来说{topic}的吗？",
        "您这说的跟{topic}有什么关系？",
        "咱们还是说正事吧。",
    ],
}
_FILLER_REPLIES = {
    "en": ["Okay.", "Go on.", "Mm-hm, I'm listening.", "Right.", "Okay, and?", "Sure."],
    "zh": ["嗯，您说。", "好的，然后呢？", "嗯，我在听。", "嗯。", "然后呢？", "嗯，接着说。"],
}
_NOT_UNDERSTOOD = {
    "en": {
        "silence": [
            "Hello? Are you still there?",
            "Hello? I can't hear you.",
            "Sorry, you've gone quiet. Are you there?",
        ],
        "gibberish": [
            "Sorry, you broke up there. What was that?",
            "Sorry, I didn't catch a word of that. Can you say it again?",
            "Sorry? That didn't make any sense to me.",
        ],
        "cut_off": [
            "Sorry, you cut out there. You were saying?",
            "You broke up halfway through. What were you going to say?",
            "Sorry, I lost the end of that. Go on?",
        ],
        "other_language": [
            "Sorry, I don't speak Chinese. Could you say that in English?",
            "Sorry, I didn't understand that. English, please?",
            "I'm sorry, I only speak English.",
        ],
        "again": [
            "I still can't make out what you're saying. Is something wrong with your line?",
            "Look, I can't understand you at all. Maybe call back when the line's better.",
            "Sorry, this isn't working. I still can't understand you.",
        ],
    },
    "zh": {
        "silence": ["喂？喂？你还在吗？", "喂？听不到你说话。", "喂？怎么不说话了？"],
        "gibberish": ["啊？你说什么？", "啊？没听懂，你再说一遍？", "你这说的什么啊？我没听明白。"],
        "cut_off": [
            "喂？你说一半断了，刚才说什么？",
            "刚才没听全，你接着说？",
            "信号不好，你后面说的什么？",
        ],
        "other_language": [
            "啊？你说的是英语吗？我没听懂，说中文吧。",
            "不好意思，听不懂外语，你说中文好吗？",
            "你说中文行吗？我没听明白。",
        ],
        "again": [
            "你到底在说什么？我还是听不懂。",
            "你那边是不是有问题？我一句都没听懂。",
            "听不清，你要是没事我就先挂了。",
        ],
    },
}
_PRESSURE = {
    "en": [
        "I'm not going to be rushed into anything, sorry.",
        "I don't decide things on the spot. If that's the deal, it's a no.",
        "Pushing me isn't going to help.",
    ],
    "zh": [
        "你别催我，我不会今天就定的。",
        "这么催我反而不放心了。",
        "你这样逼我，我就更不想定了。",
    ],
}
_OVERPROMISE = {
    "en": [
        "Nobody can promise that. Honestly, hearing it makes me trust this less.",
        "Hang on, you can't know that over the phone.",
        "That sounds too good to be true. What's that based on, exactly?",
    ],
    "zh": [
        "这种话谁都不敢保证，你这么说我反而不信了。",
        "电话里你怎么就能打包票？",
        "说得这么绝对，我反而不太信了。",
    ],
}
_DISPARAGE_REPLY = {
    "en": [
        "I'd rather you didn't run other people down. Just tell me about your own.",
        "Slagging off the competition doesn't make me trust you more, to be honest.",
    ],
    "zh": ["你别老说别家不好，说说你们自己。", "贬低别家没用，我只看你们自己怎么样。"],
}
_NOT_AGREED = {
    "en": [
        "Hang on, I haven't actually said yes to a time yet.",
        "Wait, we haven't agreed on anything yet. I'd like to think about it first.",
    ],
    "zh": ["等一下，我还没答应约时间呢。", "先别登记，我还没说定呢。"],
}
_SIGN_OFF = {
    "en": [
        "Okay. Send it over and I'll have a look.",
        "Fine, send me the details and I'll think about it.",
    ],
    "zh": ["行，你发过来我看看。", "好，你先发我，我看了再说。"],
}
_NOT_YET = {
    "en": ["Maybe {slot}, but I'm not ready to book yet.", "{slot} might work, but not so fast."],
    "zh": ["{slot}的话……时间先不急着定。", "{slot}？约时间的事先别急。"],
}
_NOT_YET_NO_SLOT = {
    "en": ["I'm not ready to book anything yet.", "Not so fast, I'm not ready to commit."],
    "zh": ["先别急着约。", "先不急着定。"],
}
_DONT_KNOW = {
    "en": [
        "Hm. I couldn't tell you off the top of my head.",
        "Honestly? I'm not sure. I'd have to think about that.",
        "Good question. I don't have an answer for you right now.",
    ],
    "zh": [
        "这个我一时还真说不上来。",
        "嗯……这个我得想想，现在说不好。",
        "这个我还真没概念。",
    ],
}
"""A question the card has no answer for: the customer says so, plainly (not "what do you mean?")."""
_GO_ON_THEN = {
    "en": ["Sure, go on.", "Yes, go ahead.", "Okay, tell me."],
    "zh": ["行，你说说看。", "嗯，你讲讲吧。", "可以，你说。"],
}
_CHECK_IN_YES = {
    "en": ["Yes, that makes sense.", "It does, mostly.", "Yes, that's clear enough."],
    "zh": ["嗯，明白了。", "嗯，清楚了。", "听明白了。"],
}
_CHECK_IN = {
    "en": re.compile(
        r"(?:does|did) (?:that|this|it) (?:make sense|help|answer|sound)|"
        r"is that (?:helpful|clear|fair|the (?:kind|sort|level)|what you|enough)|"
        r"(?:^|\W)makes sense\?|you with me\?",
        re.I,
    ),
    "zh": re.compile(
        r"(?:这样|这么)(?:说|讲)(?:您|你)?(?:清楚|明白)|(?:您|你)(?:看)?明白了?吗|能理解吗|清楚了吗"
    ),
}
_SAME_GROUND = {
    "authority": {"authority"},
    "price": {"budget"},
    "timing": {"timeline", "schedule"},
    "competitor": {"current"},
}
"""Objection kind -> question topics whose answer already says that worry."""
_SPEAKS_TO_TIME = {
    "en": re.compile(
        r"\bminutes?\b|\btime\b|go ahead|go on|make it quick|be quick",
        re.I,
    ),
    "zh": re.compile(r"你说吧|您说吧|你说|时间|方便|说重点|直接说|快点"),
}
_STILL = {"en": "Okay. But still, ", "zh": "嗯。不过说回来，"}
_WAS_ASKING = {"en": "I was just asking: ", "zh": "我刚才是想问，"}
_TOTAL_GIVEN = {
    "en": re.compile(
        r"\b(?:total|all[- ]in|in all|altogether|a year|per year|annually|comes? (?:to|out at)|works out)\b|[x×*]\s*\d",
        re.I,
    ),
    "zh": re.compile(r"总共|一共|合计|总价|全部下来|算下来|加起来|下来大概|等于|[x×*]\s*\d|乘"),
}
_YES = {"en": "Yes. ", "zh": "对。"}
_YES_ONLY = {"en": ["Yes, that's right.", "Yes, that's me."], "zh": ["对，是的。", "嗯，对。"]}
_BYE = {
    "en": ["Okay. Talk then.", "Alright, speak soon.", "Fine. Bye for now."],
    "zh": ["行，那先这样。", "好，那再说吧。", "嗯，好，再见。"],
}
_APOLOGY_TAKEN = {
    "en": ["Fine. Just keep it civil.", "Alright. Apology accepted, but keep it respectful."],
    "zh": ["行吧，你好好说话就行。", "嗯，那你说吧，别再那样了。"],
}
_I_SAID = {"en": "I said: ", "zh": "我说，"}
_PRICE_OVER = {
    "en": [
        "That's more than I had in mind, honestly.",
        "Hm. That's above what I was planning to spend.",
    ],
    "zh": ["这比我想的贵不少啊。", "这个价超出我的预算了。"],
}
_PRICE_WITHIN = {
    "en": ["Okay, that's roughly in the range I was thinking.", "Alright, that's not crazy."],
    "zh": ["嗯，这个价位还在我考虑范围内。", "这个价还行，不算离谱。"],
}
_PRICE_TOTAL = {
    "en": [
        "Okay, and what would that come to in total, for me?",
        "So what's that all in, roughly?",
    ],
    "zh": ["那算下来一共要多少钱？", "那总共大概多少钱？"],
}
_GOOD_TIME = {
    "en": ["I've got a few minutes. Go ahead.", "Now's okay, briefly. Go on."],
    "zh": ["嗯，现在可以，你说吧。", "方便，你说吧，简单点。"],
}
_YIELD_REPLY = {
    "en": [
        "No, go ahead, you were saying?",
        "Oh, nothing important. Go on, what were you saying?",
        "No, no, you go.",
        "It's fine, go on.",
    ],
    "zh": ["没事，你说吧。", "你先说，我听着。", "没事没事，你说。", "嗯，你接着说。"],
}
_AS_I_SAID = {"en": "Like I said, ", "zh": "我刚才也说了，"}
_AGREE_SLOT = {
    "en": [
        "OK, {slot} works for me. Send me the details.",
        "Alright, {slot} it is. Send me an invite.",
    ],
    "zh": ["行，那就{slot}吧，你把具体信息发我。", "可以，就{slot}，你到时候发个信息给我。"],
}
_AGREE_NO_SLOT = {
    "en": ["OK, let's do it. Send me a couple of times and the details."],
    "zh": ["行，那你约个时间，把信息发我。"],
}
_WHEN = {
    "en": [
        "Okay, I'm open to that. When were you thinking?",
        "Alright, that sounds reasonable. What day and time did you have in mind?",
    ],
    "zh": ["嗯，可以考虑。你想约什么时候？", "行，那你说个具体时间吧，哪天几点？"],
}
_SAY_MORE = {
    "en": ["Okay. What exactly are you suggesting?", "Right. So what would the next step be?"],
    "zh": ["嗯，那你具体想怎么安排？", "那下一步是什么？"],
}
_BOOKING_WORDS = {
    "en": re.compile(
        r"confirm|link|invite|address|see you|speak soon|talk soon|booked|put you down|details",
        re.I,
    ),
    "zh": re.compile(r"确认|链接|地址|登记|到时候|再见|注意事项"),
}
_PROPOSAL = {
    "en": re.compile(r"\bbook|put you down|schedul|set up|pencil|come in|shall we|shall i", re.I),
    "zh": re.compile(r"帮您约|给您约|帮你约|给你约|预约一?个|安排一?个|定一个|登记|过来面诊|来院"),
}
_EN_STOP = set(
    "about after again also because been before being could every from have here just like make "
    "more most much only other really should some than that their them then there these they "
    "thing think this those very want what when where which will with would your yours you're "
    "that's it's honestly actually".split()
)
_ZH_FUNCTION_CHARS = set("的了吗呢吧啊是我你您他她们这那个就也都还在有和说么嗯哦")
_NAME_FACTS = ("company", "clinic", "product_name", "brand")
_COMPANY_FACTS = ("company", "clinic", "product_name", "brand")


def fill_line(line: str, persona: Persona, scenario: Scenario) -> str:
    """A persona line with its ``{fact}`` placeholders filled from the scenario and persona."""
    facts = {**scenario.facts, "company": persona.company, "name": persona.name}

    def replace(match: re.Match[str]) -> str:
        return str(facts.get(match.group(1), match.group(0)))

    return re.sub(r"\{([a-z_]+)\}", replace, line)


def spoken_lines(persona: Persona, scenario: Scenario) -> dict[str, list[str]]:
    """Every line the built-in customer may say in this scenario, filled in, by the rep's move.

    Besides the persona's responses: ``objections`` (raised and resolved lines), ``agree``
    and ``hang_up``. The voice channel synthesises them ahead.
    """

    def fill(line: str) -> str:
        return fill_line(line, persona, scenario)

    bank = {move: [fill(line) for line in lines] for move, lines in persona.responses.items()}
    bank["objections"] = [
        fill(line) for o in persona.objections for line in [*o.lines, *o.resolved_lines]
    ]
    bank["agree"] = [fill(line) for line in persona.agree_when.lines]
    bank["hang_up"] = [fill(line) for line in persona.hang_up_when.lines]
    bank["answers"] = [fill(line) for lines in persona.answers.values() for line in lines]
    return bank


@dataclass
class PersonaState:
    """Everything the persona remembers about the call; saved with the session after each turn."""

    trust: float = 0.3
    patience: int = 4
    turns: int = 0
    needs_revealed: list[str] = field(default_factory=list)
    objections_raised: list[str] = field(default_factory=list)
    objections_resolved: list[str] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    used_lines: list[str] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)
    ended_by: str | None = None
    dialogue: dict[str, Any] = field(default_factory=dict)
    last_clips: list[str] = field(default_factory=list)
    asked_when: bool = False  # agreed in principle to a next step with no time, asked when

    def as_dict(self) -> dict[str, Any]:
        """Plain data to persist."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PersonaState:
        """Restore a saved state (older sessions lack the newer fields; they start empty)."""
        restored = cls(**data)
        restored.history = [(speaker, text) for speaker, text in restored.history]
        return restored


@dataclass(frozen=True)
class Reply:
    """What the customer says back, and whether that ends the call.

    ``clips``: ids of the clip-library clips whose customer lines the reply used.
    """

    text: str
    move: str
    ended_by: str | None = None
    intent: str = ""
    notice: str | None = None
    clips: tuple[str, ...] = ()


_WEEKDAYS = re.compile(
    r"monday|tuesday|wednesday|thursday|friday|周[一二三四五]|星期[一二三四五]", re.I
)
_WEEKEND = re.compile(r"saturday|sunday|weekend|周[六日天末]|星期[六日天]", re.I)
_EVENING = re.compile(
    r"evening|tonight|\b(?:[5-9]|six|seven|eight|nine)(?::\d\d)? ?(?:pm|p\.m\.)|晚上|今晚|1[89]:|19|20:|七点|八点",
    re.I,
)
_MORNING = re.compile(
    r"morning|\bam\b|a\.m\.|上午|早上|\b(?:8|9|10|11|eight|nine|ten|eleven)\b(?!:\d\d ?p)", re.I
)
_BUSY = re.compile(
    r"weekdays? (?:are|is) (?:impossible|out|tough|hard)|can't do weekdays|晚自习|平时晚上都在|工作日不行|平时没空",
    re.I,
)


def _slot_fit(option: str, week: str, language: str) -> int:
    """How well an offered slot fits the persona's own week (its schedule answer, its needs)."""
    low = option.lower()
    score = 0
    weekend, weekday = bool(_WEEKEND.search(low)), bool(_WEEKDAYS.search(low))
    if weekend and re.search(r"weekend|saturday|sunday|周末|周六|周日", week):
        score += 2
    if weekday and _BUSY.search(week):
        score -= 3 if (_EVENING.search(low) or language == "zh") else 1
    if _MORNING.search(low) and re.search(r"morning|上午|早上", week):
        score += 1
    if _EVENING.search(low) and re.search(r"evening|after (?:five|six)|晚上(?!都在)", week):
        score += 1
    return score


def _lower_first(line: str, names: frozenset[str] = frozenset()) -> str:
    """``line`` with its first letter lowercased, to follow "Like I said, ".

    "I", acronyms ("CRM"), inner capitals ("HubSpot") and ``names`` ("Priya") keep theirs.
    """
    first = re.match(r"[A-Za-z]+", line)
    if re.match(r"I\b|[A-Z]{2}|[A-Z][a-z]*[A-Z]", line) or (first and first.group() in names):
        return line
    return line[:1].lower() + line[1:]


def _first_token(value: str, language: str) -> str:
    value = re.split(r"[（(,，]", value)[0].strip()
    if language == "zh":
        return value[:2]
    return value.split()[0] if value.split() else ""


class BuiltinPersona:
    """Plays a persona without an LLM."""

    def __init__(
        self,
        persona: Persona,
        scenario: Scenario,
        embedder: Embedder,
        *,
        seed: int = 0,
        customer_lines: CustomerLines | None = None,
        state: PersonaState | None = None,
    ):
        self.persona = persona
        self.scenario = scenario
        self.language = scenario.language
        self.seed = seed
        self.classifier = MoveClassifier(embedder, scenario)
        self.detector = KeyPointDetector(embedder)
        self.customer_lines = customer_lines
        difficulty = persona.difficulty
        self.state = state or PersonaState(
            trust=max(0.05, 0.45 - 0.07 * difficulty), patience=persona.hang_up_when.patience
        )
        self._gain = 1.3 - 0.12 * difficulty  # harder personas warm up more slowly
        self.dialogue = DialogueState.from_dict(self.state.dialogue)
        facts = scenario.facts
        self._companies = [
            name
            for key in _COMPANY_FACTS
            if facts.get(key)
            for name in (str(facts[key]), _first_token(str(facts[key]), self.language))
            if name
        ]
        # Names a customer line may only use once the rep has said them.
        self._name_tokens = [
            _first_token(str(facts[k]), self.language) for k in _NAME_FACTS if facts.get(k)
        ]
        if facts.get("rep_name"):
            self._name_tokens.append(str(facts["rep_name"]).split()[0])
        doctor = re.search(r"医生([\u4e00-\u9fff])", str(facts.get("doctor", "")))
        if doctor:
            self._name_tokens.append(f"{doctor.group(1)}医生")
        self._name_tokens = [t for t in dict.fromkeys(self._name_tokens) if len(t) >= 2]
        # Words the card capitalises mid-sentence ("Priya", "McLeod"): names, kept capitalised.
        written = " ".join(
            str(v)
            for v in [
                persona.background,
                *persona.facts.model_dump().values(),
                *scenario.facts.values(),
            ]
        )
        self._names = frozenset(re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+", written))
        self._not_understood_lines = frozenset(
            self._fill(line) for bank in _NOT_UNDERSTOOD[self.language].values() for line in bank
        )
        card = " ".join(
            [
                persona.background,
                persona.personality,
                persona.role,
                persona.company,
                *persona.hidden_needs,
                *persona.facts.model_dump().values(),
            ]
        )
        self._own_numbers = numbers(card, self.language)
        self._vocabulary = vocabulary_of(
            scenario.title,
            scenario.product,
            " ".join(scenario.script),
            " ".join(e for p in scenario.key_points for e in p.examples),
            " ".join(str(v) for v in facts.values()),
            persona.name,
            persona.company,
        )
        self._line_topic = self._topics_of_bank_lines()
        self._clip_of: dict[str, str] = {}
        self._turn_clips: list[str] = []
        self._turn: RepTurn | None = None
        self._prefix: str | None = None

    def _topics_of_bank_lines(self) -> dict[str, list[str]]:
        """Which answer topic each bank line is about, when it says the same as an answer.

        Once a topic is revealed the customer does not volunteer it again as news.
        """
        topics: dict[str, list[str]] = {}
        answers = {
            topic: [compact(self._fill(line), self.language) for line in lines]
            for topic, lines in self.persona.answers.items()
        }
        # Only the banks where the customer volunteers facts; a reaction to a proposal
        # ("Thursday could work") must stay available whatever was said before.
        objection_lines = [line for o in self.persona.objections for line in o.lines]
        for move in ("needs_question", "small_talk", "objections"):
            bank = objection_lines if move == "objections" else self.persona.responses.get(move, [])
            for line in bank:
                mine = compact(self._fill(line), self.language)
                scored = [
                    (fuzz.partial_ratio(mine, other), topic)
                    for topic, others in answers.items()
                    for other in others
                ]
                about = sorted({topic for score, topic in scored if score >= 60})
                if about:
                    topics[line] = about
        return topics

    # -- lines ---------------------------------------------------------------------------

    def _rng(self) -> random.Random:
        return random.Random(
            f"{self.seed}:{self.persona.id}:{self.state.turns}:{len(self.state.used_lines)}"
        )

    def _fill(self, line: str) -> str:
        return fill_line(line, self.persona, self.scenario)

    def _rep_text_so_far(self) -> str:
        return " ".join(text for speaker, text in self.state.history if speaker == "rep")

    def line_problem(self, line: str, *, counter_ok: bool = False) -> str | None:
        """Why a customer line would not fit the call so far (None when it fits).

        It must not greet again or ask who is calling after the rep said so, react to a
        price, a slot or an offer the rep never made, or quote a figure nobody gave.
        """
        return line_problem(
            line,
            self.language,
            self.dialogue,
            turn=self.state.turns,
            rep_text_so_far=self._rep_text_so_far(),
            own_numbers=self._own_numbers,
            name_tokens=self._name_tokens,
            counter_ok=counter_ok,
        )

    def _fresh(
        self, candidates: list[str], rep_text: str, *, counter_ok: bool = False, check: bool = True
    ) -> list[str]:
        rep = compact(rep_text, self.language)
        return [
            line
            for line in dict.fromkeys(candidates)
            if line not in self.state.used_lines
            and not set(self._line_topic.get(line, ())) & set(self.dialogue.revealed)
            and fuzz.ratio(compact(line, self.language), rep) < 85
            and not self._said_before(self._fill(line))
            and (not check or self.line_problem(self._fill(line), counter_ok=counter_ok) is None)
        ]

    def _said_before(self, line: str) -> bool:
        """True when the customer already said this in other words (never reveal twice)."""
        mine = compact(line, self.language)
        shortest = 8 if self.language == "zh" else 20
        if len(mine) < shortest:
            return False  # "Okay." and "嗯，您说。" may come back
        for speaker, text in self.state.history:
            if speaker != "customer":
                continue
            theirs = compact(text, self.language)
            if len(theirs) < shortest or min(len(mine), len(theirs)) < 0.5 * max(
                len(mine), len(theirs)
            ):
                continue
            if fuzz.partial_ratio(mine, theirs) >= 80:
                return True
        return False

    def _pick(
        self, candidates: list[str], rep_text: str, *, counter_ok: bool = False, check: bool = True
    ) -> str | None:
        """A line not used before, not an echo of the rep and fit for the call so far.

        ``check=False`` for the persona's own answers, which state its facts (its own days,
        its own wish for finance) rather than react to the rep's.
        """
        fresh = self._fresh(candidates, rep_text, counter_ok=counter_ok, check=check)
        if not fresh:
            return None
        line = self._rng().choice(fresh)
        self.state.used_lines.append(line)
        for topic in self._line_topic.get(line, []):
            if topic not in self.dialogue.revealed:
                self.dialogue.revealed.append(topic)
        if line in self._clip_of:
            self._turn_clips.append(self._clip_of[line])
        return self._fill(line)

    def _say(self, rep_text: str, *groups: list[str], counter_ok: bool = False) -> str:
        for group in groups:
            line = self._pick(group, rep_text, counter_ok=counter_ok)
            if line is not None:
                return line
        fallback = self._pick(_FILLER_REPLIES[self.language], rep_text)
        return fallback or _FILLER_REPLIES[self.language][0]

    def _closest(self, lines: list[str], rep_text: str, *, strict: bool = False) -> list[str]:
        """The line that shares most words with what the rep just said (ties: all of them).

        "Oh, she can come along?" fits a rep who just invited the wife, not one who talked
        about finance, though both answer the same worry.
        """
        fresh = self._fresh(lines, rep_text)
        if not fresh:
            return fresh
        rep = self._content_words(rep_text) if strict else self._words(rep_text)
        # Under the minimum none fits what the rep just said; a plain acknowledgement will.
        minimum = (2 if self.language == "zh" else 1) + (1 if strict else 0)
        return self._most_shared(fresh, rep, minimum)

    def _closest_any(self, lines: list[str], rep_text: str) -> list[str]:
        """Like :meth:`_closest`, but over lines already said too (for saying one again)."""
        return self._most_shared(lines, self._words(rep_text), 1)

    def _most_shared(self, lines: list[str], rep: set[str], minimum: int) -> list[str]:
        """The lines sharing most of ``rep``'s words (ties: all), if at least ``minimum``."""
        scores = {line: len(rep & self._words(self._fill(line))) for line in lines}
        best = max(scores.values(), default=0)
        return [line for line in lines if scores[line] == best] if best >= minimum else []

    def _led(self, lead: dict[str, str], line: str) -> str:
        """``line`` after a lead-in ("Like I said, ", "我刚才也说了，"), its first letter lowered."""
        return lead[self.language] + (
            _lower_first(line, self._names) if self.language == "en" else line
        )

    def _same_news(self, line: str, earlier: str) -> bool:
        """True when a line says what an earlier part of the same turn already said."""
        a, b = compact(line, self.language), compact(earlier, self.language)
        if fuzz.partial_ratio(a, b) >= 75:
            return True
        mine = {v for v in numbers(line, self.language) if v >= 5}
        return bool(mine & {v for v in numbers(earlier, self.language) if v >= 5})

    def _words(self, text: str) -> set[str]:
        if self.language == "zh":
            chars = compact(text, "zh")
            return {chars[i : i + 2] for i in range(len(chars) - 1)}
        return {t for t in tokens(text, "en") if len(t) >= 4}

    def _join(self, *parts: str | None) -> str:
        kept: list[str] = []
        for part in parts:
            part = (part or "").strip()
            if part and not any(self._same_news(part, earlier) for earlier in kept):
                kept.append(part)
        return (" " if self.language == "en" else "").join(kept)

    # -- the turn ------------------------------------------------------------------------

    def opening(self) -> str:
        """What the customer says on picking up."""
        opening = (
            self.persona.opening_line or (self.persona.responses.get("greeting") or ["Hello?"])[0]
        )
        self.state.used_lines.append(opening)
        self.state.history.append(("customer", self._fill(opening)))
        return self._fill(opening)

    def _update_covered(self) -> list[str]:
        # The whole call so far: acts like "answers a worry" need what the customer said.
        # Earlier sentences' vectors come from the embedder's cache.
        turns = [Turn(speaker=speaker, text=text) for speaker, text in self.state.history]
        transcript = Transcript(language=self.language, turns=turns)
        new = [
            r.id
            for r in self.detector.detect(self.scenario, transcript)
            # A customer gives credit for a point made imperfectly; the scorecard will not.
            if r.status in ("hit", "partial") and r.id not in self.state.covered
        ]
        self.state.covered += new
        return new

    def _pending_objection(self) -> Objection | None:
        for objection in self.persona.objections:
            if (
                objection.id in self.state.objections_raised
                and objection.id not in self.state.objections_resolved
            ):
                return objection
        return None

    def _next_objection(self, move: str, rep_text: str) -> Objection | None:
        remaining = [o for o in self.persona.objections if o.id not in self.state.objections_raised]
        # Only an objection the customer can voice now: "too expensive" needs a price first.
        so_far = self._rep_text_so_far()
        remaining = [
            o
            for o in remaining
            if (o.kind != "price" or "price" in self.dialogue.mentions)
            and self._fresh([*o.lines, *self._retrieved(o)], rep_text)
            # A worry the rep is answering right now, or already answered, is not raised.
            and not (o.kind != "price" and self._addresses(o, rep_text, extra=1))
            and not (
                any(item in self.state.covered for item in o.resolved_by)
                and self._addresses(o, so_far, extra=2)
            )
        ]
        if not remaining:
            return None
        # Harder personas object more and earlier; a price or pitch move invites its objection.
        budget = min(len(self.persona.objections), 1 + self.persona.difficulty // 2)
        if len(self.state.objections_raised) >= budget:
            return None
        for objection in remaining:
            if move == "price" and objection.kind == "price":
                return objection
        late = self.state.turns >= 6 - self.persona.difficulty // 2
        if move not in ("price", "next_step") and len(self._content_words(rep_text)) < (
            8 if self.language == "zh" else 4
        ):
            return None  # "Yeah, a lot of companies are in the same boat." gives nothing to doubt
        if move in ("pitch", "price", "next_step", "proof") or (late and self.dialogue.pitched):
            # Late in the call a worry comes up unasked, but only once there is a pitch to doubt.
            return remaining[0]
        return None

    def _resolves(
        self, objection: Objection, move: str, new_points: list[str], rep_text: str = ""
    ) -> bool:
        if any(item in new_points for item in objection.resolved_by):
            return True
        if not self._addresses(objection, rep_text):
            return False  # "We're very professional" does not answer "is it painful?"
        if any(item in self.state.covered[-3:] for item in objection.resolved_by):
            return True
        # By the kind of turn alone, only a turn that speaks to the worry in some detail:
        # "our customers really like it" does not answer "show me the math".
        return (move in objection.resolved_by or move in ("objection_answer", "proof")) and (
            self._addresses(objection, rep_text, extra=1)
        )

    def _addresses(self, objection: Objection, rep_text: str, extra: int = 0) -> bool:
        """True when the rep's turn is about this worry (shares its words; ``extra``: more)."""
        rep = self._content_words(rep_text)
        theirs: set[str] = set()
        for line in [*objection.lines, *objection.resolved_lines]:
            theirs |= self._content_words(self._fill(line))
        return len(rep & theirs) >= (2 if self.language == "zh" else 1) + extra

    def _content_words(self, text: str) -> set[str]:
        words = self._words(text)
        if self.language == "zh":
            return {w for w in words if not set(w) & _ZH_FUNCTION_CHARS}
        return {w for w in words if w not in _EN_STOP}

    def _not_yet(self, turn: RepTurn, rep_text: str) -> str:
        """Said before a worry when the rep proposed a slot: the proposal is heard, not taken."""
        slot = self._slot_words(rep_text) if (turn.slots or turn.days) and turn.proposes else ""
        if not slot and not (turn.proposes or _PROPOSAL[self.language].search(rep_text)):
            return ""  # nothing was proposed to turn down
        templates = _NOT_YET if slot else _NOT_YET_NO_SLOT
        line = self._rng().choice(templates[self.language]).format(slot=slot)
        return line[0].upper() + line[1:] if self.language == "en" else line

    def _closing(self, turn: RepTurn, rep_text: str, move: str) -> Reply:
        """The rep wraps up ("I'll email you the link"): only a booking agreed stands."""
        d = self.dialogue
        offered = bool(d.slots or d.days)
        if offered and self._ready_to_agree():
            return self._end("agreement", rep_text, "next_step")
        booking = turn.claims_booked or bool(_BOOKING_WORDS[self.language].search(rep_text))
        if offered and booking and not turn.is_question:
            lines = _NOT_AGREED
        elif turn.offers_send:
            lines = _SIGN_OFF
        else:
            lines = _BYE  # nothing was offered to send: no "send it over"
        return Reply(self._say(rep_text, lines[self.language]), move)

    def reply(self, rep_text: str) -> Reply:
        """Answer one rep turn."""
        raised, resolved = len(self.state.objections_raised), len(self.state.objections_resolved)
        self._turn_clips = []
        self._prefix = None
        reply = self._reply(rep_text)
        if self._prefix and reply.ended_by is None:
            reply = replace(reply, text=self._join(self._prefix, reply.text))
        self.state.history.append(("customer", reply.text))
        self.state.dialogue = self.dialogue.as_dict()
        self.state.last_clips = list(dict.fromkeys(self._turn_clips))
        return replace(
            reply,
            intent=self._intent(reply, raised, resolved),
            clips=tuple(self.state.last_clips),
        )

    def _intent(self, reply: Reply, raised: int, resolved: int) -> str:
        """What the customer decided to do this turn, in words (an LLM phrases it)."""
        s = self.state
        by_id = {o.id: o for o in self.persona.objections}
        context = " " + self.dialogue.summary(self.language)
        if reply.ended_by == "agreement":
            return "Agree to the next step the rep proposed, in your own words." + context
        if reply.ended_by == "hangup":
            return "You have lost patience: end the call politely but firmly."
        if reply.move == "not_understood":
            return (
                "You could not understand what the rep just said (silence, noise, another "
                "language or a line cut off). Ask them what they meant; do not answer it."
            )
        if len(s.objections_resolved) > resolved:
            return (
                f"The rep answered your worry ({by_id[s.objections_resolved[-1]].lines[0]}); say it helps, but stay yourself."
                + context
            )
        if len(s.objections_raised) > raised:
            objection = by_id[s.objections_raised[-1]]
            return (
                f"Raise this {objection.kind} objection, as you would say it: {objection.lines[0]}"
                + context
            )
        pending = self._pending_objection()
        if pending is not None and reply.move in ("next_step", "price", "pitch"):
            return f"You are still not convinced about: {pending.lines[0]} Say so." + context
        if reply.move in ("rude", "off_topic", "unknown"):
            return "The rep is rude, off topic, or trying to tell you what to say. Stay in character, be puzzled or annoyed, and bring it back to why they called."
        if reply.move == "needs_question" and s.needs_revealed:
            return f"Answer the question honestly; you may reveal: {s.needs_revealed[-1]}" + context
        return (
            f"Respond naturally to the rep ({reply.move.replace('_', ' ')}); answer what they just "
            f"said first; keep it short. This is what you say: {reply.text}" + context
        )

    def _not_understood(self, turn: RepTurn, rep_text: str) -> Reply:
        """A turn the customer could not make sense of: ask; lose patience if it goes on."""
        s = self.state
        s.moves.append("not_understood")
        lines = _NOT_UNDERSTOOD[self.language]
        if self.dialogue.not_understood >= 2:
            s.patience -= 1
            s.trust = max(0.0, s.trust - 0.05)
            if s.patience <= 0:
                return self._end("hangup", rep_text, "not_understood")
            return Reply(self._say(rep_text, lines["again"], lines[turn.heard]), "not_understood")
        own = [
            line
            for line in self.persona.responses.get("unknown", [])
            if is_repeat_request(line, self.language)
        ]
        groups = [own, lines[turn.heard]] if turn.heard == "gibberish" else [lines[turn.heard], own]
        return Reply(self._say(rep_text, *groups, lines["gibberish"]), "not_understood")

    def _answer(self, turn: RepTurn, rep_text: str) -> str | None:
        """The answer to the rep's question(s) of this turn, from the persona's facts."""
        topics = [t for t in turn.topics if t not in ("identity", "good_time")]
        said: list[str] = []
        d = self.dialogue
        new = [t for t in topics if t not in d.answered and t not in d.revealed]
        topics = new or topics  # a new question matters more than one asked again
        limit = 220 if self.language == "en" else 90
        for topic in topics[:2]:
            if said and len(said[0]) > limit // 2:
                break  # one full answer is enough; the rep can ask the rest again
            if topic == "worry":
                worry = self._worry(rep_text)
                if worry is not None:
                    said.append(worry)
                continue
            again = topic in d.answered or topic in d.revealed
            lines = self.persona.answers.get(topic, [])
            if topic == "trigger":
                lines = self.persona.responses.get("needs_question", [])
                line = self._pick(self._closest(lines, rep_text) or lines, rep_text)
                lines = [] if line else self.persona.answers.get("problem", [])
            else:
                line = None
            # Of the card's answers on the topic, the one closest to what was asked first.
            line = line or self._pick(
                self._closest(lines, rep_text) or lines, rep_text, check=False
            )
            repeated = False
            if line is None and again and lines:
                line, repeated = self._fill((self._closest_any(lines, rep_text) or lines)[0]), True
            if line is None:
                continue
            if repeated or (topic in d.answered and topic != "trigger"):
                # Asked again, the customer says it again, as said before, not as news.
                line = self._led(_AS_I_SAID, line)
            said.append(line)
            d.answered += [topic] if topic not in d.answered else []
            d.revealed += [topic] if topic not in d.revealed else []
        return self._join(*said) if said else None

    def _worry(self, rep_text: str) -> str | None:
        """What worries the customer most, asked outright: the standing worry, or the next one."""
        s = self.state
        pending = self._pending_objection()
        if pending is not None:
            line = self._pick(pending.lines, rep_text)
            if line is None and pending.lines:
                first = self._fill(pending.lines[0])
                return self._led(_AS_I_SAID, first)
            return line
        for objection in self.persona.objections:
            if objection.id in s.objections_raised:
                continue
            if objection.kind == "price" and "price" not in self.dialogue.mentions:
                continue
            line = self._pick(objection.lines, rep_text)
            if line is not None:
                s.objections_raised.append(objection.id)
                return line
        return None

    def _choice_answer(self, turn: RepTurn, rep_text: str) -> str | None:
        """The option of an either-or question that the card names ("IELTS or TOEFL?")."""
        for question in reversed(turn.questions):
            parts = re.split(r"还是|或者|\bor\b", question.rstrip("？?。. "), flags=re.I)
            if len(parts) != 2:
                continue
            second = parts[1].strip(" ，,")
            if not second or len(second) > (6 if self.language == "zh" else 30):
                continue
            if second.lower() in ("no", "not", "yes", "none", "nothing", "else", "something else"):
                continue  # "...to the final yes or no?" offers no options to pick from
            first = parts[0].strip(" ，,")
            first = first[-len(second) :] if self.language == "zh" else first.split()[-1]
            card = " ".join(
                [
                    self.persona.background,
                    self.persona.role,
                    *self.persona.hidden_needs,
                    *(line for lines in self.persona.answers.values() for line in lines),
                ]
            ).lower()
            found = [o for o in (first, second) if o and o.lower() in card]
            if len(found) == 2:
                # Both options are on the card ("头顶还是前面？"): the line that speaks to them.
                both = [
                    line
                    for lines in self.persona.answers.values()
                    for line in lines
                    if any(o.lower() in line.lower() for o in found)
                ]
                line = self._pick(both, rep_text, check=False)
                if line:
                    return line
                continue
            if len(found) != 1:
                continue
            about = [
                line
                for lines in self.persona.answers.values()
                for line in lines
                if found[0].lower() in line.lower()
            ]
            line = self._pick(about, rep_text, check=False)
            head = found[0] + ("。" if self.language == "zh" else ".")
            head = head[0].upper() + head[1:]
            return self._join(head, line) if line else head
        return None

    def _price_reaction(self, turn: RepTurn, rep_text: str) -> str | None:
        """A reaction to a price the rep just named, fitting the persona's budget."""
        figures = [v for v in turn.numbers if v >= 1]
        if "price" not in turn.mentions or not figures:
            return None
        budget = [v for v in numbers(self.persona.facts.budget, self.language) if v >= 100]
        top = max(figures)
        if budget and top > 1.15 * max(budget):
            bank = _PRICE_OVER
        elif budget and top >= 0.3 * max(budget):
            bank = _PRICE_WITHIN
        elif _TOTAL_GIVEN[self.language].search(rep_text) or any(
            v >= 1000 for v in self.dialogue.numbers
        ):
            return None  # the rep did the sum, or named a big figure before: no "what's the total?"
        else:
            bank = _PRICE_TOTAL
        return self._pick(bank[self.language], rep_text)

    def _reply(self, rep_text: str) -> Reply:
        s = self.state
        d = self.dialogue
        s.turns += 1
        s.history.append(("rep", rep_text))
        was_introduced = d.introduced
        turn = analyse(rep_text, self.language, self._companies, self._vocabulary)
        self._turn = turn
        d.observe(turn)
        if turn.heard != "ok":
            return self._not_understood(turn, rep_text)
        said = [text for speaker, text in s.history[:-1] if speaker == "customer"]
        heard_lines = (
            [x for x in said[1:] if not self._asked_to_repeat(x)] if turn.asks_repeat else []
        )
        if heard_lines and not turn.topics:
            # "Could you say that again?": the customer says it again, as said (not its own
            # "Sorry, you broke up?", which was about the rep's line, not news).
            s.moves.append("small_talk")
            return Reply(_I_SAID[self.language] + heard_lines[-1], "small_talk")
        if turn.yields:
            s.moves.append("small_talk")
            return Reply(self._yield_reply(rep_text, said), "small_talk")
        move, _ = self.classifier.classify(rep_text)
        if is_rude(rep_text) or is_pressure(rep_text):
            move = "rude"
        if turn.apologises and "rude" in s.moves:
            # "Sorry, I pushed too hard": taken, coolly, before the rest of the turn's answer.
            self._prefix = self._pick(_APOLOGY_TAKEN[self.language], rep_text)
            move = "needs_question" if turn.is_question else "small_talk"
        if move == "self_intro" and (d.intro_acknowledged or s.turns > 2):
            move = "needs_question" if turn.is_question else "pitch"
        elif move == "greeting" and turn.is_question and d.intro_acknowledged and s.turns > 1:
            move = "needs_question"  # "现在还有这个需求吗？" after the hellos is a real question
        if (
            turn.introduced
            and not was_introduced
            and s.turns <= 3
            and move not in ("rude", "next_step", "price")
        ):
            move = "self_intro"  # the first time the rep says who they are, that is the news
        if turn.proposes and move != "rude" and s.turns > 1:
            move = "next_step"  # a proposal gets acceptance, a counter or a reason
        elif (
            move == "next_step"
            and turn.is_question
            and not turn.proposes
            and not _PROPOSAL[self.language].search(rep_text)
        ):
            # "Say a quote comes in at four on a Friday. What happens to it?" asks; it books nothing.
            move = "needs_question"
        if states_something(rep_text, self.language) and (
            move in ("pitch", "proof", "price", "objection_answer") or "price" in turn.mentions
        ):
            d.pitched = True
        if (set(turn.topics) - {"identity", "good_time"} or turn.confirm) and move in (
            "off_topic", "small_talk", "unknown", "greeting",
        ):  # fmt: skip
            move = "needs_question"  # a question about their situation is never off topic
        triggered = any(
            t.lower() in rep_text.lower() for t in self.persona.hang_up_when.triggers if len(t) > 3
        )
        if triggered and move != "rude":
            move = "rude"
        s.moves.append(move)
        new_points = self._update_covered()
        topic = self.scenario.title
        if is_injection(rep_text) or move in _BAD:
            s.patience -= _BAD.get(move, 1)
            s.trust = max(0.0, s.trust - 0.1)
            if s.patience <= 0:
                return self._end("hangup", rep_text, move)
            if move == "rude":
                if is_pressure(rep_text):
                    return Reply(self._say(rep_text, _PRESSURE[self.language]), move)
                if triggered and not is_rude(rep_text):
                    return Reply(self._say(rep_text, _OVERPROMISE[self.language]), move)
                return Reply(self._say(rep_text, self.persona.responses.get("rude", [])), move)
            lines = [line.format(topic=topic) for line in _CONFUSED[self.language]]
            return Reply(
                self._say(rep_text, self.persona.responses.get("off_topic", []), lines), move
            )
        if is_disparaging(rep_text) or is_overclaim(rep_text):
            # Running down competitors or promising what nobody can: the customer says so.
            s.patience -= 1
            s.trust = max(0.0, s.trust - 0.1)
            if s.patience <= 0:
                return self._end("hangup", rep_text, move)
            first = _DISPARAGE_REPLY if is_disparaging(rep_text) else _OVERPROMISE
            rude = self.persona.responses.get("rude", [])
            # A promise too good is doubted ("Be specific."), not taken as an insult.
            doubt = [] if is_disparaging(rep_text) else self.persona.responses.get("pitch", [])
            return Reply(self._say(rep_text, first[self.language], doubt, rude), move)
        if turn.closes and not (turn.is_question and (turn.slots or turn.days)):
            return self._closing(turn, rep_text, move)
        s.trust = min(
            1.0, s.trust + _GOOD.get(move, 0.02) * self._gain + 0.04 * len(new_points) * self._gain
        )
        # A question is answered (or deflected), never met with a worry it did not ask about.
        asked = turn.is_question and move not in ("next_step", "price")
        if move == "next_step":
            turn.topics = [t for t in turn.topics if t != "schedule"]  # the reaction covers it
        answer = self._answer(turn, rep_text)
        if turn.confirm:
            answer = (
                _YES[self.language] + answer
                if answer
                else self._pick(_YES_ONLY[self.language], rep_text)
            )
        price_objection = next(
            (
                o
                for o in self.persona.objections
                if o.kind == "price" and o.id not in s.objections_raised
            ),
            None,
        )
        if "price" in turn.mentions and price_objection is not None and move != "next_step":
            # A price named: the customer's own price worry is the reaction, if it fits the call.
            if self._fresh(price_objection.lines, rep_text):
                return self._raise(price_objection, rep_text, move, answer)
        if "price" in turn.mentions:
            price_line = self._price_reaction(turn, rep_text)
            if price_line is not None:
                answer = self._join(answer, price_line)
                asked = True
        pending = self._pending_objection()
        if answer is not None and move == "needs_question":
            pending = None  # a question answered; the worry waits for the rep's answer to it
        if pending is not None:
            if self._resolves(pending, move, new_points, rep_text):
                s.objections_resolved.append(pending.id)
                s.trust = min(1.0, s.trust + 0.12 * self._gain)
                if move != "next_step":
                    return Reply(
                        self._join(
                            answer,
                            self._say(
                                rep_text,
                                self._closest(pending.resolved_lines, rep_text, strict=True),
                                self.persona.responses.get("objection_answer", []),
                            ),
                        ),
                        move,
                    )
            elif (move in ("next_step", "price", "pitch") or s.turns % 3 == 0) and not asked:
                # Pushing on while the worry stands costs patience; good discovery does not,
                # but the customer keeps coming back to it every few turns.
                if move in ("next_step", "price"):
                    s.patience -= 1
                if s.patience <= 0:
                    return self._end("hangup", rep_text, move)
                worry = self._pick(pending.lines, rep_text) or self._pick(
                    self._retrieved(pending), rep_text
                )
                if worry is not None or answer is not None:
                    hedge = self._not_yet(turn, rep_text) if move == "next_step" else None
                    if worry is not None and not hedge and not answer:
                        # The same worry again, a few turns on: said as still open, not as news.
                        worry = self._led(_STILL, worry)
                    return Reply(self._join(hedge, answer, worry), move)
        if move == "next_step":
            if self._ready_to_agree():
                offered = self.dialogue
                if (
                    not (turn.slots or turn.days or offered.slots or offered.days)
                    and not s.asked_when
                ):
                    # Yes in principle, but to nothing concrete yet: ask for the time instead
                    # of ending the call, so the rep still books it (once: asked again, the
                    # customer leaves the time to the rep).
                    s.asked_when = True
                    return Reply(
                        self._join(answer, self._say(rep_text, _WHEN[self.language])), move
                    )
                return self._end("agreement", rep_text, move)
            objection = self._next_objection(move, rep_text)
            if objection is not None:
                hedge = self._not_yet(turn, rep_text)
                return self._raise(objection, rep_text, move, self._join(hedge, answer) or None)
            s.patience -= 1 if s.turns < 3 else 0
            return Reply(
                self._join(
                    answer,
                    self._say(
                        rep_text,
                        self.persona.responses.get("next_step", []),
                        _SAY_MORE[self.language],
                        counter_ok=not (turn.days or turn.slots),
                    ),
                ),
                move,
            )
        objection = self._next_objection(move, rep_text)
        if objection is not None and move not in ("greeting", "self_intro") and not asked:
            return self._raise(objection, rep_text, move, answer)
        if (
            move == "needs_question"
            and self.persona.hidden_needs
            and s.trust >= 0.2 + 0.05 * self.persona.difficulty
        ):
            need = next((n for n in self.persona.hidden_needs if n not in s.needs_revealed), None)
            if need is not None:
                s.needs_revealed.append(need)
        if d.introduced and not d.intro_acknowledged and move in ("self_intro", "greeting"):
            intro = self._pick(self.persona.responses.get("self_intro", []), rep_text)
            if intro is not None:
                d.intro_acknowledged = True
                if (
                    "good_time" in turn.topics
                    and not answer
                    and not _SPEAKS_TO_TIME[self.language].search(self._fill(intro))
                ):
                    # "Is now a good time?" asked with the introduction gets its answer too
                    # (unless the pick-up line gave it: "You've got a few minutes", "你说吧").
                    answer = self._pick(_GOOD_TIME[self.language], rep_text)
                return Reply(self._join(intro, answer), move)
        if answer is not None:
            return Reply(answer, move)
        if "good_time" in turn.topics:
            return Reply(self._say(rep_text, _GOOD_TIME[self.language]), move)
        if asked and move not in ("greeting", "self_intro"):
            # A question the card has no answer for: a line on what was asked, or a deflection.
            choice = self._choice_answer(turn, rep_text)
            if choice is not None:
                return Reply(choice, move)
            return Reply(self._unanswered(move, rep_text), move)
        groups = [self.persona.responses.get(move, [])]
        if move in ("pitch", "price", "proof", "objection_answer"):
            # Only a reaction to what the rep actually said; "that's a fair answer" needs an
            # answer to a worry, which the objection flow above gives.
            bank = [] if move == "objection_answer" else self.persona.responses.get(move, [])
            groups = [self._closest(bank, rep_text, strict=True)]
        if move in ("greeting", "self_intro") and (d.intro_acknowledged or s.turns > 2):
            groups = []  # pick-up lines ("Hale. Go ahead.") don't fit later in the call
        return Reply(self._say(rep_text, *groups), move)

    def _asked_to_repeat(self, line: str) -> bool:
        """True for a customer line that only asked the rep what they said."""
        return is_repeat_request(line, self.language) or line in self._not_understood_lines

    def _yield_reply(self, rep_text: str, said: list[str]) -> str:
        """The rep handed the floor back: what the customer was asking, or "go on"."""
        own = {self._fill(line) for line in _YIELD_REPLY[self.language]}
        moves = self.state.moves
        if (
            said
            and said[-1] not in own
            and not said[-1].startswith(_WAS_ASKING[self.language])
            # "Sorry, you broke up?" then "you first": the customer doesn't ask again.
            and not (len(moves) >= 2 and moves[-2] == "not_understood")
            and not self._asked_to_repeat(said[-1])
        ):
            asked = [x for x in split_sentences(said[-1]) if is_question(x, self.language)]
            if asked:
                return self._led(_WAS_ASKING, asked[-1].strip())
        return self._say(rep_text, _YIELD_REPLY[self.language])

    def _unanswered(self, move: str, rep_text: str) -> str:
        """A question the card has no answer for: small talk back, yes to an offer, or "not sure"."""
        if move == "small_talk":
            return self._say(
                rep_text, self.persona.responses.get("small_talk", []), _DONT_KNOW[self.language]
            )
        if self._turn is not None and self._turn.offers_to_tell:
            return self._say(rep_text, _GO_ON_THEN[self.language])
        if _CHECK_IN[self.language].search(rep_text):
            return self._say(rep_text, _CHECK_IN_YES[self.language])
        if not re.search(r"[?？]", rep_text) and re.search(r"[.。!！]\s*$", rep_text):
            # "能不能植、植多少，要医生评估。" explains; a clause like a question asks nothing.
            pitch = self.persona.responses.get("pitch", [])
            return self._say(rep_text, self._closest(pitch, rep_text, strict=True))
        card = [line for lines in self.persona.answers.values() for line in lines]
        near = self._closest(
            [*card, *self.persona.responses.get("needs_question", [])], rep_text, strict=True
        )
        return self._say(rep_text, near, _DONT_KNOW[self.language])

    def likely_lines(self, limit: int = 8) -> list[str]:
        """Lines the customer may say next, filled in, for the speech cache to prepare.

        The next objection first (it is the likeliest long line), then the agreement and the
        bank lines for the common moves; lines already said are left out.
        """
        pending = self._pending_objection()
        upcoming = [o for o in self.persona.objections if o.id not in self.state.objections_raised]
        groups: list[list[str]] = []
        if pending is not None:
            groups += [pending.resolved_lines, pending.lines]
        if upcoming:
            groups.append(upcoming[0].lines)
        groups.append(self.persona.agree_when.lines)
        for move in ("needs_question", "pitch", "next_step", "greeting", "self_intro", "unknown"):
            groups.append(self.persona.responses.get(move, []))
        lines: list[str] = []
        for group in groups:
            for line in group:
                if line not in self.state.used_lines and self._fill(line) not in lines:
                    lines.append(self._fill(line))
        return lines[:limit]

    def _retrieved(self, objection: Objection) -> list[str]:
        if self.customer_lines is None:
            return []
        texts = []
        for item in self.customer_lines(self.scenario.id, objection.kind):
            if isinstance(item, SourcedLine):
                self._clip_of[item.text] = item.clip_id
                texts.append(item.text)
            else:
                texts.append(str(item))
        return texts

    def _raise(
        self, objection: Objection, rep_text: str, move: str, answer: str | None = None
    ) -> Reply:
        self.state.objections_raised.append(objection.id)
        topics = set(self._turn.topics) if self._turn is not None else set()
        if answer and topics & _SAME_GROUND.get(objection.kind, set()):
            # "Who signs?" answered with "Priya signs": the authority worry is said; not twice.
            return Reply(answer, move)
        return Reply(
            self._join(answer, self._say(rep_text, objection.lines, self._retrieved(objection))),
            move,
        )

    def _ready_to_agree(self) -> bool:
        s = self.state
        needs_met = all(need in s.covered for need in self.persona.agree_when.needs)
        no_open_objection = self._pending_objection() is None
        return s.trust >= self.persona.agree_when.min_trust and needs_met and no_open_objection

    def _end(self, how: str, rep_text: str, move: str) -> Reply:
        self.state.ended_by = how
        if how == "agreement":
            # Agree to what the rep actually proposed: a line naming another day or a video
            # call nobody offered would not fit, so the rep's own slot is said back instead.
            turn = self._turn
            options = turn is not None and (len(set(turn.days)) >= 2 or len(turn.slots) >= 2)
            # Offered a choice ("Saturday at ten or Thursday at six?"), the customer picks one.
            line = None if options else self._pick(self.persona.agree_when.lines, rep_text)
            if line is not None and turn is not None and (turn.days or turn.slots):
                # A stock line naming its own day or hour fits only when it is the rep's slot.
                if (
                    self._slot_words(line)
                    and self._slot_words(line).lower() not in rep_text.lower()
                ):
                    line = None
            if line is None:
                slot = self._chosen_slot(rep_text)
                templates = _AGREE_SLOT if slot else _AGREE_NO_SLOT
                line = self._rng().choice(templates[self.language]).format(slot=slot)
            return Reply(line, move, ended_by=how)
        return Reply(self._say(rep_text, self.persona.hang_up_when.lines), move, ended_by=how)

    def _chosen_slot(self, rep_text: str) -> str:
        """Of the slots the rep offered, the one that fits the persona's own week best."""
        parts = re.split(r"\bor\b|还是|或者|或是|要么|，或", rep_text, flags=re.I)
        options = [self._slot_words(part) for part in parts]
        options = [o for o in options if o]
        if len(options) <= 1:
            return self._slot_words(rep_text)
        week = " ".join(
            [
                *self.persona.answers.get("schedule", []),
                *self.persona.hidden_needs,
                *self.persona.responses.get("next_step", []),
                *(line for o in self.persona.objections for line in o.lines if o.kind == "timing"),
            ]
        ).lower()
        return max(
            options,
            key=lambda option: (_slot_fit(option, week, self.language), -options.index(option)),
        )

    def _slot_words(self, rep_text: str) -> str:
        """The day and time the rep just proposed, as they said it ("Thursday at 10")."""
        if self.language == "zh":
            match = re.search(
                r"(?:今天|明天|后天|今晚|明晚|这周|下周|本周)?(?:周[一二三四五六日天末]|星期[一二三四五六日天])?"
                r"(?:上午|下午|晚上|中午|早上)?[一二三四五六七八九十两\d]+(?:点|:|：)(?:半|[一二三四五六七八九十\d]+分?)?",
                rep_text,
            ) or re.search(
                r"(?:这|下|本)?(?:周[一二三四五六日天末]|星期[一二三四五六日天])(?:上午|下午|晚上|中午|早上)?",
                rep_text,
            )
        else:
            match = re.search(
                r"\b(?:(?:this|next) )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow)"
                r"(?: (?:morning|afternoon|evening))?(?: at (?:\d{1,2}(?::\d{2})?(?:\s?(?:am|pm|a\.m\.|p\.m\.))?|"
                r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon)\b"
                r"(?: (?:fifteen|twenty|thirty|forty|forty-five|fifty|o'clock|\d\d))?"
                r"(?:\s?(?:am|pm|a\.m\.|p\.m\.))?)?",
                rep_text,
                re.I,
            )
        return match.group(0).strip() if match else ""
