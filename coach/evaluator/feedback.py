"""Template feedback that quotes the rep's own words, names the turn and offers a better line.

Works without an LLM. Better lines come from the key point's examples or, when a clip
lookup is given, from a top performer's clip for that key point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coach.evaluator.delivery import Delivery
from coach.evaluator.keypoints import PointResult
from coach.scenarios.model import Scenario
from coach.text.sentences import split_sentences

ClipLookup = Callable[[str, str, str], tuple[str, str] | None]
"""(scenario id, key point id, language) -> (clip title, the top performer's line) or None."""

_T: dict[str, dict[str, Any]] = {
    "en": {
        "strength": 'Turn {turn}: "{quote}" — {what}.',
        "missed": "{what}: not heard in this call.",
        "missed_required": "Required: {what} — not heard in this call.",
        "partial": 'Turn {turn}: "{quote}" — close, but it needs {gaps}.',
        "partial_plain": 'Turn {turn}: "{quote}" — only partly covers: {what}.',
        "try": ' Try: "{line}"',
        "clip": ' A top performer ({title}): "{line}"',
        "violation": 'Turn {turn}: "{quote}" — avoid "{phrase}" ({reason}).',
        "fillers": "{n} filler words ({top}); pause silently instead.",
        "talk_more": "You spoke {ratio:.0%} of the time; ask more and let the customer talk (aim for 40-60%).",
        "talk_less": "You spoke only {ratio:.0%} of the time; lead the call more.",
        "monologue": "Longest monologue {secs:.0f}s; break long explanations with a question.",
        "no_questions": "You asked no questions; discovery needs open questions.",
        "good_questions": "You asked {n} questions.",
        "join": ", ",
        "gap_names": {
            "open question": "an open question (what / how / why), not a yes/no one",
            "question": "a question",
            "concrete time": "a concrete day and time",
            "figure or customer result": "a figure or a customer result",
            "answer to a customer worry": "to answer a worry the customer voiced",
            "link to what the customer said": "a link to what the customer told you",
            "acknowledgement": 'to acknowledge the worry first ("that\'s fair", "I hear you")',
            "the rep's own name": "your own name",
            "the company's name": "your company's name",
            "a check that now is a good time": "a check that now is a good time",
            "wording closer to the point": "to say it more plainly, the way the point describes it",
            "a check that it is the right person": "a check that you reached the right person",
            "a mention of what the customer sent or asked for": (
                "a mention of what the customer sent or asked for"
            ),
            "a question about what goes wrong or what it costs": (
                "a question about what goes wrong today or what it costs"
            ),
            "a named customer and what changed for them": (
                "a named customer and what changed for them"
            ),
            "the customer's contact details": "the customer's contact details, confirmed",
            "who else takes part": "who else takes part in the decision",
            "no promise or pressure": "no promise and no pressure",
            "that it depends on the customer's case, not a promised number": (
                "to say it depends on the customer's case instead of promising a number"
            ),
            "or": " or ",
        },
    },
    "zh": {
        "strength": "第{turn}轮：“{quote}”——{what}。",
        "missed": "{what}：本次通话中没有做到。",
        "missed_required": "必做项：{what}——本次通话中没有做到。",
        "partial": "第{turn}轮：“{quote}”——接近了，但还需要{gaps}。",
        "partial_plain": "第{turn}轮：“{quote}”——只做到了一部分：{what}。",
        "try": "可以这样说：“{line}”",
        "clip": "优秀话术（{title}）：“{line}”",
        "violation": "第{turn}轮：“{quote}”——避免说“{phrase}”（{reason}）。",
        "fillers": "口头禅 {n} 次（{top}），停顿时可以不说话。",
        "talk_more": "你的说话占比 {ratio:.0%}，多提问，让客户多说（建议 40%-60%）。",
        "talk_less": "你的说话占比只有 {ratio:.0%}，需要更主动地引导通话。",
        "monologue": "最长一段独白 {secs:.0f} 秒，长解释中间要穿插提问。",
        "no_questions": "整通电话没有提问，需求挖掘需要开放式问题。",
        "good_questions": "共提了 {n} 个问题。",
        "join": "、",
        "gap_names": {
            "open question": "用开放式问题（什么/怎么/为什么），而不是是否问题",
            "question": "提出问题",
            "concrete time": "约定具体的日期和时间",
            "figure or customer result": "给出数据或真实客户结果",
            "answer to a customer worry": "回应客户提出的顾虑",
            "link to what the customer said": "结合客户刚才说的情况",
            "acknowledgement": "先认同客户的感受（“我理解”“换我也会担心”）",
            "the rep's own name": "说出自己的名字",
            "the company's name": "说出公司或机构的名称",
            "a check that now is a good time": "确认对方现在是否方便",
            "wording closer to the point": "更明确地做到这一点（参考要点描述）",
            "a check that it is the right person": "确认接电话的是本人",
            "a mention of what the customer sent or asked for": "提到客户之前留的信息或咨询",
            "a question about what goes wrong or what it costs": "问清现在哪里不顺、带来什么损失",
            "a named customer and what changed for them": "说出一个具体客户和他的变化",
            "the customer's contact details": "确认客户的联系方式",
            "who else takes part": "确认还有谁参与决定",
            "no promise or pressure": "不承诺、不施压",
            "that it depends on the customer's case, not a promised number": (
                "说明要看客户的具体情况，而不是承诺一个数字"
            ),
            "or": "或",
        },
    },
}


def _gap_name(gap: str, names: dict[str, str]) -> str:
    """A missing act in the feedback's language; "X or Y" (one part of two kinds) part by part."""
    if gap in names:
        return names[gap]
    if " or " in gap:
        parts = gap.split(" or ")
        if all(p in names for p in parts):
            return names["or"].join(names[p] for p in parts)
    return gap


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _what(description: str, language: str) -> str:
    first = (split_sentences(description) or [description])[0]
    return _short(first.rstrip(".。"), 80).rstrip(".。")


def build_feedback(
    scenario: Scenario,
    points: list[PointResult],
    violations: list[dict[str, object]],
    delivery: Delivery | None,
    *,
    clip_lookup: ClipLookup | None = None,
    conversation: bool = True,
) -> dict[str, list[str]]:
    """Strengths and improvements, most important first."""
    lang = scenario.language if scenario.language in _T else "en"
    t = _T[lang]
    strengths: list[str] = []
    improvements: list[str] = []
    # A rule kept by never breaking it ("does not guarantee rates") has no line to quote.
    quoted = (p for p in points if p.status == "hit" and p.evidence)
    for point in sorted(quoted, key=lambda p: -p.weight)[:4]:
        what = _what(scenario.key_point(point.id).description, lang)
        strengths.append(
            t["strength"].format(turn=point.turn, quote=_short(point.evidence or ""), what=what)
        )
    ordered = sorted(
        (p for p in points if p.status != "hit"),
        key=lambda p: (not (p.required and p.status == "missed"), p.status != "missed", -p.weight),
    )
    for point in ordered:
        key_point = scenario.key_point(point.id)
        what = _what(key_point.description, lang)
        if point.status == "missed":
            line = (t["missed_required"] if point.required else t["missed"]).format(what=what)
        elif point.missing_acts:
            gaps = t["join"].join(_gap_name(g, t["gap_names"]) for g in point.missing_acts)
            line = t["partial"].format(
                turn=point.turn, quote=_short(point.evidence or ""), gaps=gaps
            )
        else:
            line = t["partial_plain"].format(
                turn=point.turn, quote=_short(point.evidence or ""), what=what
            )
        clip = clip_lookup(scenario.id, point.id, scenario.language) if clip_lookup else None
        if clip is not None:
            line += t["clip"].format(title=clip[0], line=_short(clip[1], 160))
        elif key_point.examples:
            line += t["try"].format(line=key_point.examples[0])
        improvements.append(line)
    for violation in violations:
        improvements.insert(
            0,
            t["violation"].format(
                turn=violation["turn"],
                quote=_short(str(violation["quote"])),
                phrase=violation["phrase"],
                reason=violation["reason"] or "-",
            ),
        )
    if delivery is not None:
        if delivery.filler_count >= 3 and delivery.fillers_per_minute > 2:
            top = ", ".join(
                f"{w}×{n}" for w, n in sorted(delivery.fillers.items(), key=lambda kv: -kv[1])[:3]
            )
            improvements.append(t["fillers"].format(n=delivery.filler_count, top=top))
        if conversation:
            if delivery.talk_ratio is not None and delivery.talk_ratio > 0.7:
                improvements.append(t["talk_more"].format(ratio=delivery.talk_ratio))
            elif delivery.talk_ratio is not None and delivery.talk_ratio < 0.3:
                improvements.append(t["talk_less"].format(ratio=delivery.talk_ratio))
            if delivery.longest_monologue_s is not None and delivery.longest_monologue_s > 60:
                improvements.append(t["monologue"].format(secs=delivery.longest_monologue_s))
            if delivery.questions == 0:
                improvements.append(t["no_questions"])
            elif delivery.questions >= 4:
                strengths.append(t["good_questions"].format(n=delivery.questions))
    return {"strengths": strengths, "improvements": improvements}
