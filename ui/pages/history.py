"""History: the rep's sessions with a score trend per scenario; any one reopens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr
import pandas as pd

from coach.services.practice import SessionSummary
from ui import render
from ui.context import Context


@dataclass
class HistoryPage:
    """The history page's components."""

    table: gr.HTML
    pick: gr.Dropdown
    open: gr.Button
    trend: gr.LinePlot


def build(ctx: Context) -> HistoryPage:
    """Lay out the history page."""
    t = ctx.t
    gr.Markdown(f"### {t('history.title')}")
    with gr.Row():
        pick = gr.Dropdown(choices=[], label=t("history.pick"), elem_id="history-pick", scale=4)
        open_button = gr.Button(t("history.open"), elem_id="history-open", scale=1)
    trend = gr.LinePlot(
        value=_frame([]),
        x="when",
        y="score",
        color="scenario",
        title=t("history.trend"),
        elem_id="history-trend",
        height=260,
    )
    table = gr.HTML(f'<p class="muted">{render.e(t("history.none"))}</p>', elem_id="history")
    return HistoryPage(table, pick, open_button, trend)


def _frame(sessions: list[SessionSummary]) -> pd.DataFrame:
    scored = [s for s in sessions if s.score is not None]
    return pd.DataFrame(
        {
            "when": [s.started_at.replace(tzinfo=None) for s in scored],
            "score": [float(s.score or 0) for s in scored],
            "scenario": [s.scenario_title for s in scored],
        }
    )


def show(ctx: Context, page: HistoryPage, sessions: list[SessionSummary]) -> dict[Any, Any]:
    """Updates that draw the rep's sessions."""
    t = ctx.t
    choices = [
        (
            f"{s.started_at:%Y-%m-%d %H:%M} · {s.scenario_title} · {t('mode.' + s.mode)}"
            + (f" · {s.score:.0f}" if s.score is not None else f" · {t('history.in_progress')}"),
            s.id,
        )
        for s in sessions
    ]
    return {
        page.table: render.history_table(sessions, t),
        page.pick: gr.update(choices=choices, value=choices[0][1] if choices else None),
        page.trend: _frame(sessions),
    }
