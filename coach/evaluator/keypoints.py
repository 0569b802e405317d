"""Key-point detection without an LLM: which SOP points the rep covered, with evidence.

Two questions per key point and rep sentence:
- *topic*: is the sentence about this point? The embedder's similarity to the point's
  description and examples, and normalised phrase matching (fillers ignored, Chinese on
  characters), whichever is stronger;
- *act*: does the sentence do what the point asks? Inferred from the description and the
  examples: an open question, a concrete time, a figure or customer result, an answer to a
  worry the customer voiced, a benefit tied to what the customer said. Declining ("I won't go
  through case studies") and echoing the customer don't count; customer turns never count.

A point is ``hit`` when topic and act are both there, ``partial`` when the topic is there
but the act is not (or the match is weak), else ``missed``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from coach.backends.ports import Embedder
from coach.evaluator.parts import content_terms, missing_parts
from coach.evaluator.plain_points import (
    acknowledges_plainly,
    answers_recent_concern,
    asks_call_reason,
    concrete_time,
    contact_settled,
    day_and_time,
    implied_parts,
    is_invitation,
    is_open_strict,
    is_plain,
    is_small_talk,
    missing_implied,
    states_call_reason,
    ties_to_recent,
)
from coach.evaluator.prohibitions import asks_more, is_prohibition, violates
from coach.evaluator.units import CustomerHistory, Unit, rep_units
from coach.scenarios.model import KeyPoint, Scenario
from coach.text.acts import (
    acknowledges,
    declines,
    has_evidence,
    has_number,
    is_leading_question,
    is_open_question,
    is_question,
)
from coach.text.normalize import compact
from coach.text.sentences import split_sentences
from coach.transcripts import REP, Transcript, Turn

Status = str  # "hit" | "partial" | "missed"
_RANK = {"hit": 2, "partial": 1, "missed": 0}


@dataclass(frozen=True)
class Thresholds:
    """Similarity cut-offs (cosine of e5 vectors; fuzzy ratios are 0-1).

    e5 similarities run higher between Chinese texts than between English ones (on the dev
    set, related pairs sit around 0.96 in Chinese and 0.92 in English), so each language has
    its own cut-offs; they were chosen on bench/data/evaluator_dev and evaluator_dev2 (see
    bench/evaluator_bench.py); bench/data/evaluator_test is held out.
    """

    topic_hit: float = 0.89
    topic_partial: float = 0.87
    phrase_hit: float = 0.86
    phrase_partial: float = 0.72
    echo: float = 0.9
    act_bonus: float = 0.03
    parts_bonus: float = 0.05
    margin_weight: float = 0.5
    plain_floor: float = 0.06
    unsure: float = 0.008

    @classmethod
    def for_language(cls, language: str) -> Thresholds:
        """The default cut-offs for ``en`` or ``zh``."""
        if language == "zh":
            return cls(
                topic_hit=0.935,
                topic_partial=0.92,
                phrase_hit=0.6,
                phrase_partial=0.5,
                act_bonus=0.0,
                parts_bonus=0.04,
                margin_weight=0.0,
                plain_floor=0.04,
                unsure=0.005,
            )
        return cls()


OTHER_QUESTION_MARGIN = 0.01
"""How much closer a question must be to another question point to be that point's."""


@dataclass(frozen=True)
class ActProfile:
    """What act a key point asks for, inferred from its description and examples."""

    question: bool = False
    open_question: bool = False
    concrete_time: bool = False
    evidence: bool = False
    answers_concern: bool = False
    ties_to_customer: bool = False
    acknowledges: bool = False
    allows_negation: bool = False
    day_and_time: bool = False
    """A plain point asking for a day *and* a time: both, in the sentence or nearby turns."""

    @property
    def specific(self) -> bool:
        """True when the point hinges on a distinctive act (open question, time, figure)."""
        return self.open_question or self.concrete_time or self.evidence or self.acknowledges

    def missing(
        self,
        text: str,
        unit: Unit,
        language: str,
        *,
        plain: bool = False,
        strict: bool = True,
        context: str = "",
    ) -> list[str]:
        """The required acts that ``text`` (said in ``unit``'s context) does not perform.

        ``plain``: the point is a trainer's one-liner, so a worry must be answered and a
        benefit tied to what the customer said in their last few turns, not anywhere before.
        ``strict``: an invitation ("Why don't we look at it together?") is not an open
        question (it may still propose a next step), nor is a yes/no question whose "who" or
        "什么" only looks open. ``context``: the turns around ``unit``, where the day of a
        time may have been named.
        """
        gaps: list[str] = []
        if self.open_question and not (
            is_open_strict(text, language) if strict else is_open_question(text, language)
        ):
            gaps.append("open question")
        elif self.question and not (
            is_question(text, language) and not is_leading_question(text, language)
        ):
            gaps.append("question")
        if self.concrete_time and not (
            day_and_time(text, context, language)
            if self.day_and_time
            else concrete_time(text, language)
        ):
            gaps.append("concrete time")
        if self.evidence and not (has_evidence(text, language) or has_number(text, language)):
            gaps.append("figure or customer result")
        if self.answers_concern and not (
            answers_recent_concern(text, unit.recent_customer, language)
            if plain
            else _unit_concern_voiced(unit, language)
        ):
            gaps.append("answer to a customer worry")
        if self.ties_to_customer and not (
            ties_to_recent(text, unit.history.recent(unit.turn, 6), language)
            if plain
            else _said_before(text, unit, language)
        ):
            gaps.append("link to what the customer said")
        if self.acknowledges and not (
            acknowledges_plainly(text, language) if plain else acknowledges(text, language)
        ):
            gaps.append("acknowledgement")
        return gaps


_OPEN_CUES = re.compile(r"open[- ]?(?:ended)?\s*question|开放式|开放性|open question")
_QUESTION_CUES = re.compile(r"\bask(?:s|ing)?\b|\bquestion|提问|询问|问清|问出|问明|问到|发问")
_TIME_CUES = re.compile(
    r"concrete (?:date|day|time)|specific (?:date|day|time)|(?:date|day) and time|exact time|"
    r"具体时间|具体的时间|具体日期|具体几点|明确的?时间|约定.{0,6}时间|确定.{0,6}时间"
)
_EVIDENCE_CUES = re.compile(
    r"\bcase stud|\bcustomer result|\bproof\b|\bevidence|\breference customer|\bmeasured result|"
    r"数据|案例|证据|真实结果|学员结果|真实案例"
)
_ACK_CUES = re.compile(
    r"acknowledg|empath|validat|recogni[sz]es? the (?:worry|feeling|concern)|共情|理解|认同|安抚|体会"
)
_CONCERN_CUES = re.compile(
    r"objection|concern|worry|worries|push ?back|hesitat|异议|顾虑|担心|疑虑|疑问|抗拒|担忧"
)
_TIE_CUES = re.compile(
    r"tie[sd]? (?:it |them |the )?(?:to|back)|link(?:s|ed)? (?:it |them )?to|(?:customer|they|caller)(?:'s)? (?:stated |own )?"
    r"(?:need|pain|problem|situation|words)|what the (?:customer|caller|lead) (?:said|mentioned|told)"
    r"|(?:something|what) the (?:prospect|client|buyer|customer|caller|lead) (?:said|mentioned|told|raised)|"
    r"针对|结合|客户(?:提到|说的|说过|的需求|的痛点|的情况)|对方(?:提到|说的)|"
    # "links a benefit of the service to ...", "... something specific the prospect said"
    r"\b(?:ties?|tied|links?|linked|connects?|connected|relates?|related)\b[^.;]{0,40}?\bto\b|"
    r"\b(?:prospect|customer|client|caller|lead|buyer|patient|parent)s?\b[^.;]{0,12}?"
    r"\b(?:said|mentioned|told|described|shared|brought up|voiced)\b"
)


def act_profile(point: KeyPoint, language: str) -> ActProfile:
    """Infer the act a key point asks for from its description and examples."""
    desc = point.description.lower()
    examples = point.examples
    share = (
        (lambda test: sum(test(e) for e in examples) / len(examples))
        if examples
        else (lambda test: 0.0)
    )
    question_share = share(lambda e: is_question(e, language))
    time_share = share(lambda e: concrete_time(e, language))
    evidence_share = share(lambda e: has_evidence(e, language) or has_number(e, language))
    open_question = bool(_OPEN_CUES.search(desc))
    # Examples that are mostly questions make the point a question; only the description
    # can demand an *open* one (a yes/no question that asks for new information counts).
    question = (
        open_question
        or question_share >= 0.75
        or (bool(_QUESTION_CUES.search(desc)) and question_share >= 0.5)
    )
    return ActProfile(
        question=question,
        open_question=open_question,
        concrete_time=bool(_TIME_CUES.search(desc)) or time_share >= 0.75,
        evidence=bool(_EVIDENCE_CUES.search(desc)) and evidence_share >= 0.5,
        answers_concern=bool(_CONCERN_CUES.search(desc)),
        ties_to_customer=bool(_TIE_CUES.search(desc)),
        acknowledges=bool(_ACK_CUES.search(desc))
        and share(lambda e: acknowledges(e, language)) >= 0.5,
        allows_negation=share(lambda e: declines(e, language)) >= 0.3,
    )


_EN_CONCERN = re.compile(
    r"expensive|price|cost|budget|afford|too much|pricey|cheaper|busy|no time|not now|bad time|timing|"
    r"not sure|worried|worry|concern|risk|doubt|skeptic|sceptic|already (?:use|have|got)|happy with|"
    r"competitor|other (?:clinic|company|vendor|provider)|elsewhere|hurt|pain|scar|safe|side effect|"
    r"think about it|talk to my|ask my|boss|wife|husband|partner|approval|don't need|not interested|scam|"
    r"burned|failed|waste|sell|sold|pushy|pressure|deposit|nervous|scared|afraid|frighten|embarrass|"
    r"self-conscious|anxious|stress|hate|fed up|sick of|annoy|upset|noticed|notice|stare|comment"
)
_ZH_CONCERN = re.compile(
    r"贵|价格|多少钱|预算|便宜|没时间|忙|不方便|考虑|担心|怕|顾虑|风险|靠谱|骗|效果|有用吗|有没有用|疼|痛|安全|副作用|"
    r"别家|其他机构|已经报|已经在|再说吧|商量|问问|老公|老婆|孩子爸|家里人|不需要|没兴趣|不感兴趣|"
    r"推销|套路|忽悠|被坑|紧张|害怕|尴尬|自卑|烦|焦虑|难受|看出来|笑话|议论"
)


_EN_DOUBT = re.compile(
    r"\b(?:not|no|never|can't|cannot|won't|don't|doesn't|isn't|but|though|really|a lot|too)\b|\?"
)
_ZH_DOUBT = re.compile(r"不|没|但|可是|就怕|万一|太|吗|？|\?")


@dataclass(frozen=True)
class _HistoryIndex:
    """Where the customer first voiced a worry and first used each content word."""

    first_concern: int | None
    first_term: dict[str, int]


def _history_index(history: CustomerHistory, language: str) -> _HistoryIndex:
    """Index the customer's turns once per call (each turn read once: linear in the call)."""
    key = ("index", language, len(history.turns))
    found = history.cache.get(key)
    if isinstance(found, _HistoryIndex):
        return found
    pattern = _ZH_CONCERN if language == "zh" else _EN_CONCERN
    first_concern: int | None = None
    first_term: dict[str, int] = {}
    for index, text in history.turns:
        if first_concern is None and pattern.search(text.lower()):
            first_concern = index
        for term in content_terms(text, language):
            first_term.setdefault(term, index)
    built = _HistoryIndex(first_concern, first_term)
    history.cache[key] = built
    return built


def _concern_voiced(customer_text: str, previous: str, language: str) -> bool:
    """True when the customer voiced a worry (a concern word) or just doubted (``previous``)."""
    pattern, doubt = (_ZH_CONCERN, _ZH_DOUBT) if language == "zh" else (_EN_CONCERN, _EN_DOUBT)
    return bool(pattern.search(customer_text.lower())) or bool(
        previous and doubt.search(previous.lower())
    )


def _unit_concern_voiced(unit: Unit, language: str) -> bool:
    """:func:`_concern_voiced` for everything the customer said before ``unit``, in O(1)."""
    index = _history_index(unit.history, language)
    if index.first_concern is not None and index.first_concern < unit.turn:
        return True
    return _concern_voiced("", unit.previous_customer, language)


def _said_before(text: str, unit: Unit, language: str) -> bool:
    """True when ``text`` reuses a content word the customer said before ``unit``'s turn."""
    first = _history_index(unit.history, language).first_term
    return any(first.get(term, unit.turn) < unit.turn for term in content_terms(text, language))


@dataclass
class PointResult:
    """The detection result for one key point."""

    id: str
    stage: str
    status: Status
    evidence: str | None
    turn: int | None
    weight: float
    required: bool
    score: float = 0.0
    missing_acts: list[str] = field(default_factory=list)
    detector_status: str | None = None
    judge_reason: str | None = None
    low_confidence: bool = False

    def as_dict(self) -> dict[str, object]:
        """The result object's ``key_points`` entry."""
        out: dict[str, object] = {
            "id": self.id,
            "status": self.status,
            "evidence": self.evidence,
            "turn": self.turn,
            "stage": self.stage,
            "weight": self.weight,
            "required": self.required,
            "confidence": round(self.score, 3),
            "low_confidence": self.low_confidence,
        }
        if self.status == "partial":
            # Partial always names what is missing, also when a judge set the status.
            out["missing"] = self.missing_acts or ["wording closer to the point"]
        elif self.missing_acts and self.status != "hit":
            out["missing"] = self.missing_acts
        if self.detector_status is not None:
            out["detector"] = self.detector_status
            out["judge_reason"] = self.judge_reason
        return out


class KeyPointDetector:
    """Detects SOP key points in the rep's turns with an embedder and act detectors."""

    def __init__(
        self,
        embedder: Embedder,
        thresholds: Thresholds | None = None,
        *,
        plain_points: bool = True,
    ):
        """Detect with ``embedder``; ``plain_points=False`` gives the old behaviour.

        Without plain points, trainer-style points are scored like any other and invitations
        count as questions: the evaluator before this change, the benchmark's "old" baseline.
        """
        self.embedder = embedder
        self.thresholds = thresholds  # None: the language's defaults
        self.plain_points = plain_points

    def detect(self, scenario: Scenario, transcript: Transcript) -> list[PointResult]:
        """Mark every key point of ``scenario`` as hit, partial or missed in ``transcript``."""
        language = transcript.language
        thresholds = self.thresholds or Thresholds.for_language(language)
        units = [u for u in rep_units(transcript) if not self._is_echo(u, language, thresholds)]
        references: list[list[str]] = [
            [p.description, *p.examples, *_example_sentences(p.examples)]
            for p in scenario.key_points
        ]
        if not units:
            return [self._missed(p) for p in scenario.key_points]
        unit_vectors = self.embedder.embed_queries([u.clean for u in units])
        flat = [text for group in references for text in group]
        ref_vectors = self.embedder.embed_queries(flat)
        similarity = unit_vectors @ ref_vectors.T  # (units, references)
        # topic[u, p]: how close unit u is to point p (its best description or example).
        bounds = np.cumsum([0, *(len(refs) for refs in references)])
        topic = np.stack(
            [similarity[:, bounds[k] : bounds[k + 1]].max(axis=1) for k in range(len(references))],
            axis=1,
        )
        raw = topic
        if thresholds.margin_weight and topic.shape[1] > 1:
            # A sentence is about the point it is closest to: when another point of the same
            # scenario is clearly closer, lower this point's similarity by the gap.
            best_other = np.empty_like(topic)
            for k in range(topic.shape[1]):
                best_other[:, k] = np.delete(topic, k, axis=1).max(axis=1)
            topic = topic + thresholds.margin_weight * np.minimum(topic - best_other, 0.0)
        windows = _part_windows(transcript)
        nearby = _nearby(transcript)
        profiles = [act_profile(p, language) for p in scenario.key_points]
        open_askers = sum(p.open_question for p in profiles)
        time_askers = sum(p.concrete_time for p in profiles)
        keyterms = _question_keyterms(scenario.key_points, language) if self.plain_points else {}
        # For each point: how close each unit is to the *other* points that ask a question, so
        # a question that is plainly another point's ("How many miles is it on now?" under
        # "asks about the car's use") is not taken by a point recognised by its act alone.
        asking = [
            profiles[k].concrete_time  # "哪天方便过来？" asks for the appointment's day
            or bool(p.examples)
            and sum(is_question(e, language) for e in p.examples) * 2 >= len(p.examples)
            for k, p in enumerate(scenario.key_points)
        ]
        other_question = [
            (
                np.max(raw[:, [j for j in range(raw.shape[1]) if j != k and asking[j]]], axis=1)
                if any(asking[j] for j in range(raw.shape[1]) if j != k)
                else np.full(raw.shape[0], -1.0)
            )
            for k in range(raw.shape[1])
        ]
        results = [
            self._judge(
                point,
                units,
                topic[:, k],
                raw[:, k],
                language,
                thresholds,
                windows,
                nearby,
                other_question[k],
                distinctive=(profiles[k].open_question and open_askers == 1)
                or (profiles[k].concrete_time and time_askers == 1),
                keyterms=keyterms.get(point.id, frozenset()),
            )
            for k, point in enumerate(scenario.key_points)
        ]
        if not self.plain_points:
            return results
        for k, point in enumerate(scenario.key_points):
            if is_plain(point) and is_prohibition(point):
                results[k] = _judge_prohibition(point, results[k], units, language)
            elif results[k].status != "hit" and asks_call_reason(point):
                results[k] = _call_reason(results[k], units, language)
        return results

    def warm(self, language: str, rep_text: str) -> None:
        """Embed one rep turn's sentences now, so scoring the call later finds them cached.

        A practice session calls this after each reply, in the background: the scorecard at
        the end then embeds nothing new (see ``bench/evaluator_bench.py``, "after a session").
        """
        turn = Transcript(language=language, turns=[Turn(speaker=REP, text=rep_text)])
        texts = [unit.clean for unit in rep_units(turn)]
        if texts:
            self.embedder.embed_queries(texts)

    def _is_echo(self, unit: Unit, language: str, thresholds: Thresholds) -> bool:
        if not unit.previous_customer:
            return False
        customer = compact(unit.previous_customer, language)
        return len(unit.norm) >= 6 and fuzz.ratio(unit.norm, customer) / 100 >= thresholds.echo

    def _missed(self, point: KeyPoint) -> PointResult:
        return PointResult(
            point.id, point.stage, "missed", None, None, point.weight, point.required
        )

    def _judge(
        self,
        point: KeyPoint,
        units: list[Unit],
        block: np.ndarray,
        raw: np.ndarray,
        language: str,
        t: Thresholds,
        windows: dict[int, str],
        nearby: dict[int, tuple[str, str, str]] | None = None,
        other_question: np.ndarray | None = None,
        distinctive: bool = False,
        keyterms: frozenset[str] = frozenset(),
    ) -> PointResult:
        profile = act_profile(point, language)
        plain = self.plain_points and is_plain(point)
        if plain:
            profile = _plain_profile(profile, point)
        implied = implied_parts(point) if plain else []
        # A plain point that hinges on an act (its implied parts, an answered worry, a tied
        # benefit, or an open question no other point asks for) is recognised by the act:
        # its one-line description is too generic for similarity to decide.
        act_led = plain and (
            bool(implied)
            or profile.answers_concern
            or profile.ties_to_customer
            or (distinctive and (profile.open_question or profile.concrete_time))
        )
        examples_norm = [compact(e, language) for e in point.examples]
        # (rank, score, unit index, gaps, low confidence)
        best: tuple[int, float, int, list[str], bool] | None = None
        part_gaps: dict[tuple[str, str], list[str]] = {}  # by (window, customer turn before)
        near_miss = False
        best_reported = 0.0
        for i, unit in enumerate(units):
            said = unit.clean
            window = windows.get(unit.turn, unit.text)
            around, previous_rep, next_customer = (nearby or {}).get(unit.turn, ("", "", ""))
            if not profile.allows_negation and declines(unit.text, language):
                # Declining the act doesn't perform it; in a whole turn, the other sentences
                # still count ("预算先不聊，报课是您定还是孩子定？"), and an answer to a worry may
                # decline one thing and answer with another ("I can't quote by phone, it
                # depends on the size").
                said = (
                    _without_declined(unit.clean, language)
                    if unit.is_turn or (plain and profile.answers_concern)
                    else ""
                )
                if not said:
                    continue
            if not profile.allows_negation:
                window = _without_declined(window, language)
            topic = float(block[i])
            phrase = max(
                (_phrase_score(unit.norm, e, language) for e in examples_norm), default=0.0
            )
            gaps = profile.missing(
                said, unit, language, plain=plain, strict=self.plain_points, context=around
            )
            if point.parts:
                where = (window, unit.previous_customer)
                if where not in part_gaps:
                    part_gaps[where] = missing_parts(
                        point, window, language, customer_before=unit.previous_customer
                    )
                gaps += part_gaps[where]
            if implied:
                # The name may be in this turn and the company in the next ("I'm Priya." /
                # "I'm with Lakeside."), so the implied parts are looked for in the window.
                gaps += missing_implied(implied, window if unit.is_turn else said, language)
                if gaps and not unit.is_turn:
                    gaps = profile.missing(
                        said, unit, language, plain=True, context=around
                    ) + missing_implied(implied, window, language)
                if (
                    not gaps
                    and any(part.id.startswith("contact") for part in implied)
                    and not contact_settled(said, next_customer, language)
                ):
                    # "What's the best email?" / "It's on our website": asked, not confirmed.
                    gaps = ["the customer's contact details"]
            if plain and "acknowledgement" in gaps and not unit.is_turn:
                # "Fair question. Honestly the difference is ...": the acknowledgement may be
                # an earlier sentence of the same turn.
                at = window.find(unit.text)
                if at > 0 and acknowledges_plainly(window[:at], language):
                    gaps = [g for g in gaps if g != "acknowledgement"]
            if plain and "acknowledgement" in gaps and acknowledges_plainly(previous_rep, language):
                # "That's good to hear." / (the customer goes on) / the answer: the rep's turn
                # just before, right after the worry, acknowledged it.
                gaps = [g for g in gaps if g != "acknowledgement"]
            if plain and profile.question and is_small_talk(said, language):
                continue  # "How's your week going?" asks nothing about the point
            low = False
            reported: float | None = None
            if (
                keyterms
                and not gaps
                and is_question(said, language)
                and not is_invitation(said, language)
                and content_terms(said, language) & keyterms
            ):
                # A question using words only this point's description and examples use
                # ("今年多大了" for "孩子的年龄", "几岁"): about this point however phrased.
                topic = max(topic, t.topic_hit)
            if (
                act_led
                and not gaps
                and not implied  # implied parts already check what the question is about
                and other_question is not None
                and profile.question
                and float(other_question[i]) > max(topic, float(raw[i])) + OTHER_QUESTION_MARGIN
                and is_question(said, language)
            ):
                continue  # plainly another point's question
            if act_led and not gaps:
                # Similarity only breaks ties here; wording far from the point is flagged.
                closest = max(topic, float(raw[i]))
                low = closest < t.topic_partial - 2 * t.plain_floor and phrase < t.phrase_partial
                if (
                    not implied
                    and profile.question
                    and other_question is not None
                    and float(other_question[i]) > closest - OTHER_QUESTION_MARGIN
                ):
                    low = True  # about as close to another point's question: can't tell whose
                topic = t.topic_hit + max(closest, 0.0) / 100  # rank by closeness, all count
                reported = closest
            elif point.needed_parts >= 2 and not gaps:
                # Every part of a multi-part point is there: that is evidence enough that the
                # sentence is about this point (no margin against the others), and the wording
                # may differ more from the examples.
                topic = max(topic, float(raw[i])) + t.parts_bonus
            elif (profile.specific or point.parts) and not gaps:
                # The act the point hinges on is there (an open question, a concrete time,
                # a figure): the topic needs less similarity to count.
                topic += t.act_bonus
            strong = topic >= t.topic_hit or phrase >= t.phrase_hit
            weak = topic >= t.topic_partial or phrase >= t.phrase_partial
            if not weak:
                near_miss = near_miss or topic >= t.topic_partial - t.unsure
                continue
            if strong and not gaps:
                rank = 2
                low = low or (topic < t.topic_hit + t.unsure and phrase < t.phrase_hit)
            elif strong or not gaps:
                rank = 1
                low = topic < t.topic_partial + t.unsure or (
                    not gaps and topic >= t.topic_hit - t.unsure
                )
            else:
                continue
            score = max(topic, phrase)
            # Prefer single sentences over whole turns as evidence when they rank the same.
            key = (rank, score - (0.01 if unit.is_turn else 0.0), i, gaps, low)
            if best is None or key[:2] > best[:2]:
                best = key
                best_reported = max(reported, phrase) if reported is not None else score
        if best is None:
            missed = self._missed(point)
            missed.low_confidence = near_miss
            return missed
        rank, score, index, gaps, low = best
        unit = units[index]
        status = "hit" if rank == 2 else "partial"
        if status == "partial" and not gaps:
            # Partial always says what is missing: here the act is there but the sentence
            # is only loosely about the point.
            gaps = ["wording closer to the point"]
        return PointResult(
            point.id,
            point.stage,
            status,
            unit.text,
            unit.turn,
            point.weight,
            point.required,
            best_reported,
            gaps,
            low_confidence=low,
        )


def _call_reason(found: PointResult, units: list[Unit], language: str) -> PointResult:
    """A "why I am calling" point: hit by the first sentence that says why.

    "I'm calling about ...", "所以给您打个电话" count however far their words are from the
    point's examples.
    """
    for unit in units:
        if not unit.is_turn and states_call_reason(unit.text, language):
            return replace(
                found,
                status="hit",
                evidence=unit.text,
                turn=unit.turn,
                missing_acts=[],
                low_confidence=False,
            )
    return found


def _judge_prohibition(
    point: KeyPoint, found: PointResult, units: list[Unit], language: str
) -> PointResult:
    """A point that forbids an act: hit unless the rep does it somewhere in the call.

    The first sentence that does it is the evidence of a miss. Without one, the point is
    hit (the sentence closest to it, if any, is the evidence); a point that also asks for an
    act ("... and explains the walk-through sets the quote") needs that act found as well.
    """
    for unit in units:
        if not unit.is_turn and violates(point, unit.text, language):
            return replace(
                found,
                status="missed",
                evidence=unit.text,
                turn=unit.turn,
                missing_acts=["no promise or pressure"],
                low_confidence=False,
            )
    if found.status == "missed" and asks_more(point):
        return found
    return replace(found, status="hit", missing_acts=[])


def _plain_profile(profile: ActProfile, point: KeyPoint) -> ActProfile:
    """Adjust an inferred profile for a trainer's one-line point.

    A question point learns about the customer rather than tying a benefit to them
    ("了解客户的情况"), and a proposal need not be phrased as a question unless the
    description says to ask.
    """
    desc = point.description.lower()
    asks_in_words = bool(_QUESTION_CUES.search(desc))
    return replace(
        profile,
        # Answering the worry the customer voiced is the link to what they said.
        ties_to_customer=profile.ties_to_customer
        and not profile.question
        and not profile.answers_concern,
        question=profile.open_question or (profile.question and asks_in_words),
        # An answer to a worry may mention "this month"; only the description asks for a time.
        concrete_time=bool(_TIME_CUES.search(desc))
        or (profile.concrete_time and not profile.answers_concern),
        day_and_time=bool(_DAY_AND_TIME_CUES.search(desc)),
    )


_DAY_AND_TIME_CUES = re.compile(
    r"\b(?:date|day) and (?:a |the )?time|日期和时间|日期与时间|日期、时间|哪天几点|几号几点|日期和具体时间"
)


_ASK_IN_WORDS = re.compile(r"\bask(?:s|ing)?\b|问")


def _question_keyterms(points: list[KeyPoint], language: str) -> dict[str, frozenset[str]]:
    """For each plain point that asks something: its words no other point of the scenario uses."""
    terms = {p.id: content_terms(" ".join([p.description, *p.examples]), language) for p in points}
    out: dict[str, frozenset[str]] = {}
    for point in points:
        asks = bool(_ASK_IN_WORDS.search(point.description.lower())) or (
            bool(point.examples)
            and sum(is_question(e, language) for e in point.examples) * 2 >= len(point.examples)
        )
        if not (asks and is_plain(point)):
            continue
        others = frozenset().union(*(t for k, t in terms.items() if k != point.id))
        out[point.id] = frozenset(
            term for term in terms[point.id] - others if not _GENERIC_TERM.search(term)
        )
    return out


# Words of any question or of the description's frame ("the rep asks the customer"), not of
# what is asked about: they say nothing about which point a question belongs to.
_GENERIC_TERM = re.compile(
    r"'|^(?:customer|customers|rep|prospect|caller|lead|parent|roughly|about|know|tell)$|"
    r"问|销售|客户|家长|什么|时候|么时|已经|或者|大概|现在|一下|可以|这个|那个|怎么|多少|哪些|哪方|方面|"
    r"希望|比如|还是|有没|没有|是不|不是|一般|情况|您的|我们"
)


def _example_sentences(examples: list[str]) -> list[str]:
    """The sentences of multi-sentence examples.

    The rep's units are sentences too, and a short question ("那孩子准备考多少分？") is closer
    to one sentence of an example than to the whole of it.
    """
    out: list[str] = []
    for example in examples:
        sentences = split_sentences(example)
        if len(sentences) > 1:
            out.extend(sentences)
    return out


@lru_cache(maxsize=4096)
def _without_declined(text: str, language: str) -> str:
    """``text`` without its clauses that decline to do something."""
    clauses = re.split(r"(?<=[，,；;。!！?？])\s*|(?<=[A-Za-z]{2}\.)\s+", text)
    return " ".join(c for c in clauses if c and not declines(c, language)).strip()


def _nearby(transcript: Transcript) -> dict[int, tuple[str, str, str]]:
    """For each rep turn: the turns around it, the rep's turn before, the customer's reply.

    The first is where a time's day may have been named (three turns back, two ahead, either
    speaker); the second is set only when one customer turn separates the two rep turns; the
    third is the customer's turn right after ("" when the rep speaks next).
    """
    turns = transcript.turns
    out: dict[int, tuple[str, str, str]] = {}
    for index, turn in enumerate(turns):
        if not turn.is_rep:
            continue
        around = " ".join(
            t.text for k, t in enumerate(turns[max(0, index - 3) : index + 3]) if k != min(3, index)
        )
        previous = (
            turns[index - 2].text
            if index >= 2 and turns[index - 2].is_rep and not turns[index - 1].is_rep
            else ""
        )
        reply = (
            turns[index + 1].text if index + 1 < len(turns) and not turns[index + 1].is_rep else ""
        )
        out[index] = (around, previous, reply)
    return out


def _part_windows(transcript: Transcript) -> dict[int, str]:
    """For each rep turn, its text and the rep's next turn: where a point's parts may be."""
    rep = [i for i, turn in enumerate(transcript.turns) if turn.is_rep]
    windows: dict[int, str] = {}
    for k, index in enumerate(rep):
        texts = [transcript.turns[index].text]
        if k + 1 < len(rep):
            texts.append(transcript.turns[rep[k + 1]].text)
        windows[index] = " ".join(texts)
    return windows


def _phrase_score(unit_norm: str, example_norm: str, language: str) -> float:
    """How closely the sentence contains the example's wording (0-1)."""
    if not example_norm or not unit_norm:
        return 0.0
    if language == "zh":
        shorter, longer = sorted((unit_norm, example_norm), key=len)
        if len(shorter) < 4:
            return 0.0
        return (
            fuzz.partial_ratio(shorter, longer)
            / 100
            * min(1.0, len(shorter) / max(6, len(example_norm) * 0.6))
        )
    # The share of the example's words the sentence says (a subset of the sentence's words
    # being in the example is not enough: "Hi, is this Dana?" is not the whole greeting).
    example_words = example_norm.split()
    said = set(unit_norm.split())
    coverage = sum(word in said for word in example_words) / len(example_words)
    return max(coverage, fuzz.ratio(unit_norm, example_norm) / 100)


def status_rank(status: str) -> int:
    """Order statuses: missed < partial < hit."""
    return _RANK[status]
