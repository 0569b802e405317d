"""Calls tab, "Score against scenario": the library's imported calls scored against one SOP.

A trainer picks a scenario (and, if they like, the first day of calls to include) and sees
each key point's hit rate across the calls, then each call's score. The scoring and its
role check are :func:`coach.services.evaluation.evaluate_library_calls`: reps are refused on
the server whatever the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import gradio as gr
import pandas as pd

from coach.errors import CoachError
from coach.services import evaluation
from ui import render
from ui.context import Context
from ui.pages.home import scenario_choices


@dataclass
class CallScores:
    """The scoring section's components."""

    scenario: gr.Dropdown
    since: gr.Textbox
    button: gr.Button
    notice: gr.HTML
    points: gr.Dataframe
    calls: gr.Dataframe


def build(ctx: Context) -> CallScores:
    """Lay out the scenario choice, the button and the two result tables."""
    t = ctx.t
    gr.Markdown(f"### {t('calls.score')}")
    gr.Markdown(t("calls.score_help"), elem_classes=["muted"])
    with gr.Row():
        scenario = gr.Dropdown(
            choices=scenario_choices(ctx),
            value=None,
            label=t("calls.scenario"),
            elem_id="calls-score-scenario",
            scale=3,
        )
        since = gr.Textbox(
            label=t("calls.score_since"),
            placeholder="YYYY-MM-DD",
            elem_id="calls-score-since",
            scale=1,
        )
        button = gr.Button(t("calls.score_go"), elem_id="calls-score", scale=1)
    notice = gr.HTML("", elem_id="calls-score-notice")
    points = gr.Dataframe(
        value=points_frame(ctx, None),
        label=t("calls.score_points"),
        interactive=False,
        wrap=True,
        elem_id="calls-score-points",
    )
    calls = gr.Dataframe(
        value=calls_frame(ctx, None),
        label=t("calls.score_calls"),
        interactive=False,
        wrap=True,
        max_height=420,
        elem_id="calls-score-calls",
    )
    return CallScores(scenario, since, button, notice, points, calls)


def _percent(share: float) -> str:
    return f"{share:.0%}"


def points_frame(ctx: Context, bulk: dict[str, Any] | None) -> pd.DataFrame:
    """One row per key point: hit rate, mention rate (hit or partial), and the counts."""
    t = ctx.t
    columns = [
        t("calls.score_col.key_point"),
        t("calls.score_col.hit_rate"),
        t("calls.score_col.mention_rate"),
        t("calls.score_col.hit"),
        t("calls.score_col.partial"),
        t("calls.score_col.missed"),
    ]
    points = (bulk or {}).get("summary", {}).get("key_points", {})
    rows = [
        [
            pid,
            _percent(c["hit_rate"]),
            _percent(c["mention_rate"]),
            c["hit"],
            c["partial"],
            c["missed"],
        ]
        for pid, c in points.items()
    ]
    return pd.DataFrame(rows, columns=columns)


def calls_frame(ctx: Context, bulk: dict[str, Any] | None) -> pd.DataFrame:
    """One row per call: title, date, score and the key points hit (or why it was not scored)."""
    t = ctx.t
    columns = [
        t("calls.score_col.call"),
        t("calls.score_col.date"),
        t("calls.score_col.score"),
        t("calls.score_col.points_hit"),
    ]
    rows = []
    for call in (bulk or {}).get("calls", []):
        day = str(call.get("date", ""))[:10]
        if "error" in call:
            rows.append([call["title"], day, "", t("calls.score_failed", error=call["error"])])
            continue
        hit = [p["id"] for p in call["key_points"] if p["status"] == "hit"]
        rows.append(
            [
                call["title"],
                day,
                f"{call['score']:.1f}",
                f"{len(hit)}/{len(call['key_points'])}: {', '.join(hit)}",
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def score(
    ctx: Context, section: CallScores, who: str, scenario_id: str | None, since: str | None
) -> dict[Any, Any]:
    """Score the imported calls against the chosen scenario; redraw the tables."""
    t = ctx.t
    if not scenario_id:
        return {section.notice: render.notice(t("calls.score_pick"), kind="info")}
    day: date | None = None
    if (since or "").strip():
        try:
            day = date.fromisoformat(str(since).strip())
        except ValueError:
            return {section.notice: render.notice(t("calls.score_bad_date", value=since))}
    try:
        # The practice service's embedder: the same model (or the demo's fake) as practice.
        bulk = evaluation.evaluate_library_calls(
            ctx.runtime, actor=who, scenario=scenario_id, since=day, embedder=ctx.practice.embedder
        )
    except (CoachError, ValueError) as error:
        return {section.notice: render.notice(ctx.message(error))}
    summary = bulk["summary"]
    if not summary["total"]:
        line = t("calls.score_none")
    else:
        mean = summary["mean_score"]
        line = t(
            "calls.score_done",
            n=summary["scored"],
            total=summary["total"],
            mean="–" if mean is None else f"{mean:.1f}",
        )
    return {
        section.notice: render.notice(line, kind="info"),
        section.points: points_frame(ctx, bulk),
        section.calls: calls_frame(ctx, bulk),
    }


def outputs(section: CallScores) -> list[Any]:
    """The components ``score`` updates."""
    return [section.notice, section.points, section.calls]
