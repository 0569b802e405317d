"""The rep's history trend: a line per scenario, drawn on the server, oldest session first."""

import re
from datetime import UTC, datetime
from types import SimpleNamespace

from coach.services.practice import SessionSummary
from ui.i18n import Translator
from ui.pages import history


def _ctx(language: str = "en"):
    return SimpleNamespace(t=Translator(language))


def _session(sid: str, when: datetime, score: float | None, title: str = "Fleet CRM") -> SessionSummary:
    return SessionSummary(
        id=sid, scenario_id="crm", scenario_title=title, language="en", mode="ai_customer",
        status="ended" if score is not None else "active", ended_by="rep", started_at=when,
        score=score,
    )


def test_points_are_oldest_first_and_two_sessions_in_a_day_stay_two_points():
    newest_first = [
        _session("c", datetime(2026, 12, 2, 16, 5, tzinfo=UTC), 81),
        _session("b", datetime(2026, 12, 2, 9, 30, tzinfo=UTC), 64, title="Hair clinic"),
        _session("x", datetime(2026, 12, 2, 9, 0, tzinfo=UTC), None),  # still in progress
        _session("a", datetime(2026, 11, 28, 10, 0, tzinfo=UTC), 52),
    ]
    points = history.trend_points(newest_first)
    assert [(p.x, p.series, p.value) for p in points] == [
        ("11-28 10:00", "Fleet CRM", 52.0),
        ("12-02 09:30", "Hair clinic", 64.0),
        ("12-02 16:05", "Fleet CRM", 81.0),
    ]


def test_sessions_over_two_years_carry_the_year_so_the_order_still_reads():
    points = history.trend_points(
        [
            _session("b", datetime(2027, 1, 3, 9, 0, tzinfo=UTC), 70),
            _session("a", datetime(2026, 12, 30, 9, 0, tzinfo=UTC), 60),
        ]
    )
    assert [p.x for p in points] == ["2026-12-30 09:00", "2027-01-03 09:00"]


def test_the_chart_keeps_time_order_draws_a_single_session_and_escapes_titles():
    html = history.trend_html(
        _ctx(),
        [
            _session("b", datetime(2026, 12, 2, 9, 0, tzinfo=UTC), 90, title="<b>Dana</b>"),
            _session("a", datetime(2026, 1, 15, 9, 0, tzinfo=UTC), 40),
            _session("c", datetime(2026, 12, 1, 9, 0, tzinfo=UTC), 55),
        ],
    )
    assert "<b>Dana</b>" not in html and "&lt;b&gt;Dana&lt;/b&gt;" in html
    dots = re.findall(r'class="chart-dot" cx="([\d.]+)"[^>]*data-x="([^"]+)"', html)
    by_label = {label: float(cx) for cx, label in dots}
    assert by_label["01-15 09:00"] < by_label["12-01 09:00"] < by_label["12-02 09:00"]
    assert html.count('class="chart-line"') == 1  # Fleet CRM has two sessions, Dana one dot
    assert "Score trend by scenario" in html


def test_no_scored_session_says_so_in_the_page_language():
    html = history.trend_html(_ctx("zh"), [_session("x", datetime(2026, 12, 2, tzinfo=UTC), None)])
    assert "还没有练习记录" in html
    assert "chart-dot" not in html
