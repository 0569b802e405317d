"""HTML for the pages: chat bubbles, the mode panels, meters, the scorecard, charts.

Pure functions from service records to HTML strings. Everything a user or a content file
wrote is escaped here, once, so no page can inject markup.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from coach.services.practice import SessionSummary, SessionView
from ui.i18n import Translator

STATUS_CLASS = {"hit": "hit", "partial": "partial", "missed": "missed"}
MARK_CLASS = ("ok", "homophone", "substituted", "omitted", "inserted")
FLAG = {"en": "EN", "zh": "中文"}


def e(value: object) -> str:
    """Escape anything for HTML text or attributes."""
    return escape("" if value is None else str(value), quote=True)


def _highlight(text: str) -> str:
    """Escape, then turn the search's ``**marks**`` into <mark>."""
    parts = e(text).split("**")
    return "".join(f"<mark>{p}</mark>" if i % 2 else p for i, p in enumerate(parts))


# -- the shell -----------------------------------------------------------------------------


def header(*, name: str, role: str, language: str, t: Translator) -> str:
    """The top bar: product, who is signed in, language switch, sign out."""
    other = "zh" if language == "en" else "en"
    return (
        '<div class="coach-top">'
        f'<div class="brand"><b>coach</b><span>{e(t("app.tagline"))}</span></div>'
        f'<div class="who" id="signed-in">{e(t("shell.signed_in", name=name, role=t("role." + role)))}'
        f'<a class="lang" id="switch-language" href="/language/{other}">{e(t("shell.language"))}</a>'
        f'<a class="out" id="sign-out" href="/logout?lang={language}">{e(t("shell.sign_out"))}</a>'
        "</div></div>"
    )


def notice(text: str | None, *, kind: str = "error") -> str:
    """A notice line (error, warning or info) or nothing."""
    if not text:
        return ""
    return f'<div class="coach-notice {e(kind)}" role="alert">{e(text)}</div>'


# -- home ----------------------------------------------------------------------------------


def recent_scores(sessions: list[SessionSummary], t: Translator) -> str:
    """The last few scores as small cards."""
    scored = [s for s in sessions if s.score is not None][:6]
    if not scored:
        return f'<p class="muted">{e(t("home.no_recent"))}</p>'
    cards = "".join(
        f'<div class="recent"><b class="{_score_class(s.score)}">{s.score:.0f}</b>'
        f"<span>{e(s.scenario_title)}</span><small>{e(t('mode.' + s.mode))} · "
        f"{s.started_at:%Y-%m-%d}</small></div>"
        for s in scored
        if s.score is not None
    )
    return f'<div class="recent-row">{cards}</div>'


def _score_class(score: float | None) -> str:
    if score is None:
        return ""
    return "good" if score >= 80 else "fair" if score >= 60 else "poor"


# -- practice ------------------------------------------------------------------------------


def call_bar(view: SessionView, t: Translator) -> str:
    """Title, mode, the live state and the call timer; carries the session id for voice.js."""
    started = int(view.started_at.timestamp() * 1000)
    state = "ended" if view.status != "active" else "idle"
    return (
        f'<div class="coach-call" id="coach-call" data-session="{e(view.id)}" '
        f'data-language="{e(view.language)}" data-mode="{e(view.mode)}" '
        f'data-status="{e(view.status)}" data-started="{started}">'
        f'<div class="call-title"><b>{e(view.scenario_title)}</b>'
        f'<span class="badge">{e(t("mode." + view.mode))}</span>'
        f'<span class="badge lang">{FLAG.get(view.language, e(view.language))}</span></div>'
        f'<div class="call-state" id="call-state" data-state="{state}">'
        f'{e(t("practice.state." + state))}</div>'
        f'<div class="call-timer"><span>{e(t("practice.timer"))}</span> '
        f'<b id="call-timer">00:00</b></div></div>'
    )


def conversation(view: SessionView, t: Translator) -> str:
    """The call as chat bubbles, with what the recogniser heard and play buttons."""
    items: list[str] = []
    for turn in view.turns:
        rep = turn.speaker == "rep"
        who = t("practice.you") if rep else t("practice.customer")
        extra = ""
        if rep and turn.heard and turn.heard.strip() != turn.text.strip():
            key = "practice.revised" if turn.meta.get("heard_fast") else "practice.heard"
            extra += f'<div class="heard">{e(t(key, text=turn.heard))}</div>'
        hint = turn.meta.get("hint")
        if rep and hint and view.hints:
            extra += f'<div class="hint"><b>{e(t("practice.hint"))}:</b> {e(hint)}</div>'
        marks = turn.meta.get("marks")
        if rep and isinstance(marks, dict) and marks.get("tokens"):
            extra += f'<div class="marks">{tokens(marks["tokens"], t)}</div>'
        audio = ""
        if turn.audio_path or not rep:
            audio = (
                f'<button class="play" data-src="/media/session/{e(view.id)}/{turn.index}" '
                f'title="{e(t("practice.play"))}" onclick="coachPlay(this)">▶</button>'
            )
        items.append(
            f'<div class="bubble {"rep" if rep else "customer"}" id="turn-{turn.index}" '
            f'data-turn="{turn.index}"><div class="who">{e(who)} {audio}</div>'
            f'<div class="text">{e(turn.text)}</div>{extra}</div>'
        )
    return f'<div class="coach-chat" id="coach-chat">{"".join(items)}</div>'


def tokens(marks: list[dict[str, Any]], t: Translator) -> str:
    """A line's words (or characters) coloured by their mark."""
    out = []
    for token in marks:
        status = token.get("status", "ok")
        css = status if status in MARK_CLASS else "ok"
        said = token.get("said")
        text = token.get("text") or said or ""
        title = t("mark." + css) + (f": {said}" if said and said != text else "")
        out.append(f'<span class="tok {css}" title="{e(title)}">{e(text)}</span>')
    return " ".join(out) if not _is_chinese(marks) else "".join(out)


def _is_chinese(marks: list[dict[str, Any]]) -> bool:
    return any(any("\u4e00" <= ch <= "\u9fff" for ch in str(m.get("text") or "")) for m in marks)


def legend(t: Translator) -> str:
    """What the mark colours mean."""
    items = "".join(f'<span class="tok {c}">{e(t("mark." + c))}</span>' for c in MARK_CLASS)
    return f'<div class="legend"><b>{e(t("mark.legend"))}:</b> {items}</div>'


def mode_panel(view: SessionView, t: Translator, *, coverage: float | None = None) -> str:
    """The right-hand panel: script, progress, scripted line, or the persona card and meters."""
    if view.mode == "readalong":
        return readalong(view, t)
    if view.mode == "recitation":
        pct = round(100 * (coverage or 0.0))
        return (
            f'<div class="panel"><p>{e(t("practice.recite_prompt"))}</p>'
            f'<div class="meter"><span>{e(t("practice.coverage", pct=pct))}</span>'
            f'<div class="bar" id="recitation-progress" data-value="{pct}">'
            f'<i style="width:{pct}%"></i></div></div></div>'
        )
    if view.mode == "scripted":
        line = view.node_line or ""
        last_hint = next(
            (tv.meta.get("hint") for tv in reversed(view.turns) if tv.meta.get("hint")), None
        )
        hint = (
            f'<div class="hint" id="scripted-hint"><b>{e(t("practice.hint"))}:</b> {e(last_hint)}</div>'
            if last_hint and view.hints and view.status == "active"
            else ""
        )
        said = (
            f'<div class="scripted"><small>{e(t("practice.scripted_line"))}</small>'
            f"<p>{e(line)}</p></div>"
            if line
            else ""
        )
        return f'<div class="panel">{said}{hint}</div>'
    return persona_panel(view, t)


def readalong(view: SessionView, t: Translator) -> str:
    """The script with the current line highlighted and read lines coloured by their marks."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for turn in view.turns:
        marks = turn.meta.get("marks")
        if isinstance(marks, dict) and "line" in marks:
            by_line[int(marks["line"])] = marks.get("tokens") or []
    rows = []
    current = view.line if view.status == "active" else None
    for number, line in enumerate(view.script):
        css = "current" if number == current else ("read" if number in by_line else "")
        body = tokens(by_line[number], t) if number in by_line and number != current else e(line)
        rows.append(
            f'<li class="{css}" id="script-line-{number}"><span class="n">{number + 1}</span>{body}</li>'
        )
    status = (
        t("practice.line", n=(current or 0) + 1, total=len(view.script))
        if current is not None
        else t("practice.read_done")
    )
    return (
        f'<div class="panel"><div class="panel-head"><b>{e(t("practice.script"))}</b>'
        f'<span id="readalong-status">{e(status)}</span></div>'
        f'<ol class="script" id="readalong-script">{"".join(rows)}</ol>{legend(t)}</div>'
    )


def persona_panel(view: SessionView, t: Translator) -> str:
    """The persona card the rep may see, and the live trust and patience meters."""
    card = view.persona or {}
    trust = round(100 * float(view.trust or 0.0))
    patience_max = max(1, int(view.patience_max or 1))
    patience = max(0, int(view.patience if view.patience is not None else patience_max))
    patience_pct = round(100 * patience / patience_max)
    engine = t("practice.engine_llm") if view.engine == "llm" else t("practice.engine_builtin")
    return (
        f'<div class="panel persona" id="persona-card"><small>{e(t("practice.card"))}</small>'
        f'<h3>{e(card.get("name"))}</h3><p>{e(card.get("role"))} · {e(card.get("company"))}</p>'
        f'<p class="muted">{e(t("practice.mood", mood=card.get("mood", "")))} · '
        f'{e(t("home.difficulty", n=card.get("difficulty", "?")))}</p>'
        f'<div class="meter"><span>{e(t("practice.trust"))}</span>'
        f'<div class="bar trust" id="trust-meter" data-value="{trust}"><i style="width:{trust}%"></i></div></div>'
        f'<div class="meter"><span>{e(t("practice.patience"))}</span>'
        f'<div class="bar patience" id="patience-meter" data-value="{patience}">'
        f'<i style="width:{patience_pct}%"></i></div></div>'
        f'<p class="muted small">{e(engine)}</p></div>'
    )


# -- scorecard -----------------------------------------------------------------------------


def scorecard(
    view: SessionView,
    t: Translator,
    *,
    previous: dict[str, float] | None = None,
    descriptions: dict[str, str] | None = None,
) -> str:
    """The whole scorecard of a finished session."""
    result = view.scorecard or {}
    descriptions = descriptions or {}
    score = float(result.get("score", 0.0))
    override = (
        f'<p class="muted">{e(t("score.override", score=f"{view.override_score:.0f}"))}</p>'
        if view.override_score is not None
        else ""
    )
    head = (
        f'<div class="score-head" id="scorecard" data-session="{e(view.id)}">'
        f'<div class="big {_score_class(score)}" id="score-value">{score:.0f}</div>'
        f'<div><h2>{e(view.scenario_title)}</h2><p>{e(t("mode." + view.mode))} · '
        f'{view.started_at:%Y-%m-%d %H:%M} · {e(t("ended." + (view.ended_by or "rep")))}</p>'
        f"{override}{_notes(result, t)}</div></div>"
    )
    stages = _stages(result.get("stage_scores") or {}, t)
    points = _key_points(result.get("key_points") or [], descriptions, t)
    body = (
        f'<div class="score-grid"><div class="col">{stages}{points}{_mode_section(result, t)}</div>'
        f'<div class="col">{radar(result.get("profile") or {}, previous or {}, t)}'
        f"{_delivery(result.get('delivery') or {}, view.language, t)}"
        f"{_compliance(result.get('compliance') or [], t)}{_feedback(result.get('feedback') or {}, t)}"
        "</div></div>"
    )
    return head + body


def _notes(result: dict[str, Any], t: Translator) -> str:
    notes = result.get("score_notes") or []
    if not notes:
        return ""
    return f'<p class="muted small">{e(t("score.notes"))}: {e("; ".join(map(str, notes)))}</p>'


def _stages(stages: dict[str, float], t: Translator) -> str:
    if not stages:
        return ""
    rows = "".join(
        f'<div class="meter"><span>{e(t("ability." + k) if ("ability." + k) in t.messages else k)}</span>'
        f'<div class="bar"><i style="width:{max(0.0, min(100.0, float(v))):.0f}%"></i></div>'
        f"<b>{float(v):.0f}</b></div>"
        for k, v in stages.items()
    )
    return f'<section><h3>{e(t("score.stages"))}</h3>{rows}</section>'


def _key_points(points: list[dict[str, Any]], descriptions: dict[str, str], t: Translator) -> str:
    if not points:
        return ""
    items = []
    for point in points:
        status = STATUS_CLASS.get(point.get("status", "missed"), "missed")
        turn = point.get("turn")
        jump = (
            f'<a class="jump" href="#turn-{int(turn)}" data-turn="{int(turn)}" '
            f'onclick="return coachJump({int(turn)})">{e(t("score.go_to_turn", n=int(turn) + 1))}</a>'
            if turn is not None
            else ""
        )
        evidence = (
            f'<blockquote>{e(point["evidence"])}</blockquote>' if point.get("evidence") else ""
        )
        missing = point.get("missing") or []
        missing_html = (
            f'<div class="missing">{e(t("score.missing", parts=", ".join(map(str, missing))))}</div>'
            if missing and status != "hit"
            else ""
        )
        confidence = point.get("confidence")
        low = (
            f'<span class="low">{e(t("score.low_confidence"))}</span>'
            # Sure misses have low similarity too: only a doubtful hit or partial is flagged.
            if isinstance(confidence, int | float) and confidence < 0.5 and status != "missed"
            else ""
        )
        items.append(
            f'<li class="kp {status}" data-point="{e(point.get("id"))}">'
            f'<div><span class="chip {status}">{e(t("score." + status))}</span> '
            f'<b>{e(point.get("id"))}</b> {low} {jump}</div>'
            f'<div class="desc">{e(descriptions.get(str(point.get("id")), ""))}</div>'
            f"{evidence}{missing_html}</li>"
        )
    return f'<section><h3>{e(t("score.key_points"))}</h3><ul class="kps" id="key-points">{"".join(items)}</ul></section>'


def _mode_section(result: dict[str, Any], t: Translator) -> str:
    out = ""
    reading = result.get("readalong")
    if isinstance(reading, dict):
        acc = round(100 * float(reading.get("accuracy", 0.0)))
        lines = "".join(
            f'<li>{tokens(line.get("tokens") or [], t)}</li>' for line in reading.get("lines") or []
        )
        out += (
            f'<section><h3>{e(t("score.reading"))}: {acc}%</h3>'
            f'<ol class="script read">{lines}</ol>{legend(t)}</section>'
        )
    recitation = result.get("recitation")
    if isinstance(recitation, dict):
        cov = round(100 * float(recitation.get("coverage", 0.0)))
        must = "".join(
            f'<li class="{e(m.get("status", ""))}">{e(m.get("phrase"))} · {e(m.get("status"))}</li>'
            for m in recitation.get("must_say") or []
        )
        out += (
            f'<section><h3>{e(t("score.recitation"))}: {cov}%</h3>'
            f'<h4>{e(t("score.must_say"))}</h4><ul class="must">{must}</ul></section>'
        )
    return out


def _delivery(delivery: dict[str, Any], language: str, t: Translator) -> str:
    if not delivery:
        return ""
    estimated = set(delivery.get("estimated") or [])

    def row(key: str, label: str, value: str) -> str:
        star = f' <small class="muted">({e(t("score.estimated"))})</small>' if key in estimated else ""
        return f"<tr><th>{e(label)}</th><td>{value}{star}</td></tr>"

    ratio = float(delivery.get("talk_ratio") or 0.0)
    you, them = round(100 * ratio), 100 - round(100 * ratio)
    ratio_bar = (
        f'<div class="ratio" title="55:45"><i style="width:{you}%"></i><u style="left:55%"></u></div>'
        f"{e(t('score.talk_ratio.ref', you=you, them=them))}"
    )
    rate = delivery.get("words_per_minute") or 0
    pace_key = "score.pace.cpm" if language == "zh" else "score.pace.wpm"
    fillers = delivery.get("fillers") or {}
    filler_text = f"{delivery.get('filler_count', 0)}" + (
        " (" + ", ".join(f"{e(k)} ×{v}" for k, v in fillers.items()) + ")" if fillers else ""
    )
    rows = (
        row("talk_ratio", t("score.talk_ratio"), ratio_bar)
        + row("words_per_minute", t("score.pace"), e(t(pace_key, n=f"{float(rate):.0f}")))
        + row("filler_count", t("score.fillers"), filler_text)
        + row("questions", t("score.questions"), e(delivery.get("questions", 0)))
        + row(
            "longest_monologue_s",
            t("score.monologue"),
            e(t("score.seconds", n=f"{float(delivery.get('longest_monologue_s') or 0):.0f}")),
        )
    )
    return f'<section><h3>{e(t("score.delivery"))}</h3><table class="delivery" id="delivery">{rows}</table></section>'


def _compliance(flags: list[dict[str, Any]], t: Translator) -> str:
    if not flags:
        body = f'<p class="ok">{e(t("score.compliance.ok"))}</p>'
    else:
        body = "<ul class=\"flags\">" + "".join(
            f'<li><b>{e(f.get("phrase"))}</b> · {e(t("score.compliance.turn", n=int(f.get("turn", 0)) + 1))}'
            f'<br><small>{e(f.get("reason"))}</small></li>'
            for f in flags
        ) + "</ul>"
    return f'<section id="compliance"><h3>{e(t("score.compliance"))}</h3>{body}</section>'


def _feedback(feedback: dict[str, Any], t: Translator) -> str:
    def block(key: str, css: str) -> str:
        items = feedback.get(key) or []
        if not items:
            return ""
        lis = "".join(f"<li>{e(item)}</li>" for item in items)
        return f'<section class="{css}"><h3>{e(t("score." + key))}</h3><ul>{lis}</ul></section>'

    return block("strengths", "strengths") + block("improvements", "improvements")


ABILITIES = ("opening", "discovery", "pitch", "objection", "closing", "delivery")


def radar(now: dict[str, float], before: dict[str, float], t: Translator) -> str:
    """The ability profile as an SVG radar chart, this call against the rep's earlier average."""
    axes = [a for a in ABILITIES if a in now or a in before] or list(ABILITIES)
    size, centre, radius = 300, 150, 105

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / len(axes)
        r = radius * max(0.0, min(100.0, value)) / 100
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    def polygon(values: dict[str, float], css: str) -> str:
        if not values:
            return ""
        pts = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, float(values.get(a, 0))) for i, a in enumerate(axes))
        )
        return f'<polygon class="{css}" points="{pts}"/>'

    rings = "".join(
        f'<polygon class="ring" points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(len(axes))))}"/>'
        for level in (25, 50, 75, 100)
    )
    labels = ""
    for i, axis in enumerate(axes):
        x, y = point(i, 122)
        labels += (
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="middle">'
            f"{e(t('ability.' + axis))}</text>"
        )
    legend_html = (
        f'<div class="radar-legend"><span class="now">■ {e(t("score.profile.now"))}</span>'
        + (f' <span class="before">■ {e(t("score.profile.before"))}</span>' if before else "")
        + "</div>"
    )
    return (
        f'<section id="profile"><h3>{e(t("score.profile"))}</h3>'
        f'<svg class="radar" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img">'
        f'{rings}{polygon(before, "before")}{polygon(now, "now")}{labels}</svg>{legend_html}</section>'
    )


def transcript(view: SessionView, t: Translator) -> str:
    """The scorecard's transcript: bubbles with anchors and play buttons."""
    return f'<section><h3>{e(t("score.transcript"))}</h3>{conversation(view, t)}</section>'


# -- history and library --------------------------------------------------------------------


def history_table(sessions: list[SessionSummary], t: Translator) -> str:
    """The rep's sessions as a table (the page's picker reopens one)."""
    if not sessions:
        return f'<p class="muted">{e(t("history.none"))}</p>'
    rows = "".join(
        f'<tr data-session="{e(s.id)}"><td>{s.started_at:%Y-%m-%d %H:%M}</td>'
        f"<td>{e(s.scenario_title)} <small>{FLAG.get(s.language, '')}</small></td>"
        f"<td>{e(t('mode.' + s.mode))}</td>"
        f'<td class="{_score_class(s.score)}">{"" if s.score is None else f"{s.score:.0f}"}</td>'
        f"<td>{e(t('history.in_progress') if s.status == 'active' else t('ended.' + (s.ended_by or 'rep')))}</td></tr>"
        for s in sessions
    )
    return (
        f'<table class="history" id="history-table"><thead><tr><th>{e(t("history.date"))}</th>'
        f"<th>{e(t('history.scenario'))}</th><th>{e(t('history.mode'))}</th>"
        f"<th>{e(t('history.score'))}</th><th>{e(t('history.status'))}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def clip_card(result: Any, t: Translator) -> str:
    """One clip: title, tags, the matching sentences highlighted, the transcript."""
    tags = "".join(f'<span class="tag">{e(tag)}</span>' for tag in result.tags)
    highlights = "".join(f"<li>{_highlight(h)}</li>" for h in result.highlights)
    return (
        f'<div class="clip" data-clip="{e(result.clip_id)}"><div class="clip-head"><b>{e(result.title)}</b> '
        f'<small>{FLAG.get(result.language, "")} · {e(t("library.likes", n=result.likes))}</small></div>'
        f'<div class="tags">{tags}</div><ul class="hl">{highlights}</ul>'
        f'<details><summary>{e(t("score.transcript"))}</summary><pre>{e(result.text)}</pre></details></div>'
    )
