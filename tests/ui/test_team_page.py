"""The team dashboard's drawings: heatmap, certificates and plot frames from a report."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from coach.services import analytics
from coach.services.training import CertificateRecord
from ui.i18n import Translator
from ui.pages import team


def _ctx(language: str = "en"):
    return SimpleNamespace(t=Translator(language))


def _rate(rep: str, point: str, hits: int, n: int) -> analytics.MentionRate:
    return analytics.MentionRate(
        rep=rep, scenario_id="crm", key_point_id=point, sessions=n, hits=hits, partials=0,
        rate=hits / n, previous=None, change=None,
    )


def _report(**changes) -> analytics.Report:
    base = dict(
        scope="team", name="Sales <East>", period={"since": "2026-11-01", "until": "2026-12-01"},
        previous_period={}, volume=[], scores=[], mention_rates=[], weakest=[], leaderboard=[],
        drills=[], sticking_points=[],
        mention_rates_by_rep=[
            _rate("<img src=x>", "greeting", 1, 10),
            _rate("<img src=x>", "budget", 9, 10),
            _rate("bo", "greeting", 5, 5),
        ],
    )
    base.update(changes)
    return analytics.Report(**base)


def test_heatmap_has_a_cell_per_rep_and_point_with_rate_n_and_colour_band():
    report = _report(
        weakest=[analytics.WeakPoint(rep="<img src=x>", scenario_id="crm", key_point_id="greeting", sessions=10, hits=1, rate=0.1)]
    )
    html = team.heatmap_html(_ctx(), report)
    assert "<img" not in html and "&lt;img src=x&gt;" in html
    assert html.count("<tr>") == 3  # header and two reps
    assert 'class="heat-0 weak" ' in html and 'data-rate="10"' in html and "n=10" in html
    assert 'class="heat-4"' in html and 'data-rate="90"' in html and 'data-rate="100"' in html
    assert 'class="empty"' in html  # bo never had a scored "budget" session
    assert "0–20%" in html and "80–100%" in html  # the legend names every band
    assert "Key-point mention rate per rep" in html


def test_heatmap_says_so_when_empty_and_speaks_chinese():
    html = team.heatmap_html(_ctx("zh"), _report(mention_rates_by_rep=[]))
    assert "每位销售的要点提及率" in html and "这段时间还没有数据" in html and "<table" not in html
    assert "提及率" in team.heatmap_html(_ctx("zh"), _report())


def test_certificates_table_lists_rep_scenario_score_and_date_escaped():
    cert = CertificateRecord(
        rep="<b>amy</b>", team="East", scenario_id="crm", drill_id=1, session_id="s1", score=87.4,
        certified_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
    )
    html = team.certificates_html(_ctx(), [cert])
    assert "&lt;b&gt;amy&lt;/b&gt;" in html and "<b>amy" not in html
    assert "2026-11-20" in html and ">87<" in html and "Certified" in html
    assert "还没有人通过认证" in team.certificates_html(_ctx("zh"), [])


def test_volume_and_score_frames_per_rep_and_week():
    volume = [
        analytics.RepVolume(rep="amy", sessions=3, scored=3, previous=0, change=3, weeks=[
            analytics.WeekCount(week="2026-11-16", sessions=1), analytics.WeekCount(week="2026-11-23", sessions=2)]),
        analytics.RepVolume(rep="bo", sessions=1, scored=1, previous=0, change=1, weeks=[
            analytics.WeekCount(week="2026-11-16", sessions=1)]),
    ]
    frame = team._volume_frame(volume)
    assert list(frame.columns) == ["week", "sessions", "rep"]
    assert frame["sessions"].sum() == 4 and list(frame["week"]) == ["2026-11-16", "2026-11-16", "2026-11-23"]

    def trend(scenario: str, weeks: list[tuple[str, float, int]]) -> analytics.ScoreTrend:
        return analytics.ScoreTrend(
            rep="amy", scenario_id=scenario, average=0, sessions=0, previous=None, change=None,
            weeks=[analytics.WeekScore(week=w, average=a, sessions=n) for w, a, n in weeks],
        )

    scores = [trend("crm", [("2026-11-16", 60.0, 1), ("2026-11-23", 80.0, 1)]), trend("erp", [("2026-11-16", 90.0, 3)])]
    both = team._score_frame(scores)
    assert both["score"].tolist() == [pytest.approx(82.5), 80.0]  # weighted by sessions
    assert team._score_frame(scores, "crm")["score"].tolist() == [60.0, 80.0]
    assert team._score_frame(scores, "nothing").empty
    assert team._volume_frame([])["sessions"].tolist() == [0]
