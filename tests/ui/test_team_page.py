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


def test_volume_and_score_points_per_rep_and_week():
    volume = [
        analytics.RepVolume(rep="amy", sessions=3, scored=3, previous=0, change=3, weeks=[
            analytics.WeekCount(week="2026-11-16", sessions=1), analytics.WeekCount(week="2026-11-23", sessions=2)]),
        analytics.RepVolume(rep="bo", sessions=1, scored=1, previous=0, change=1, weeks=[
            analytics.WeekCount(week="2026-11-16", sessions=1)]),
    ]
    points = team.volume_points(volume)
    assert sum(p.value for p in points) == 4 and [p.x for p in points] == ["2026-11-16", "2026-11-16", "2026-11-23"]
    html = team.volume_html(_ctx(), points)
    assert html.count('class="chart-bar"') == 3 and "Practice volume per week" in html

    def trend(scenario: str, weeks: list[tuple[str, float, int]]) -> analytics.ScoreTrend:
        return analytics.ScoreTrend(
            rep="amy", scenario_id=scenario, average=0, sessions=0, previous=None, change=None,
            weeks=[analytics.WeekScore(week=w, average=a, sessions=n) for w, a, n in weeks],
        )

    scores = [trend("crm", [("2026-11-16", 60.0, 1), ("2026-11-23", 80.0, 1)]), trend("erp", [("2026-11-16", 90.0, 3)])]
    both = team.score_points(scores)
    assert [p.value for p in both] == [pytest.approx(82.5), 80.0]  # weighted by sessions
    assert [p.value for p in team.score_points(scores, "crm")] == [60.0, 80.0]
    assert team.score_points(scores, "nothing") == []
    assert "这段时间还没有数据" in team.volume_html(_ctx("zh"), [])


def test_a_rep_with_a_single_week_is_drawn_as_a_dot_in_the_score_trend():
    """A one-point line is invisible: every week is a dot, lines join two or more."""
    trends = [
        analytics.ScoreTrend(
            rep=rep, scenario_id="crm", average=0, sessions=0, previous=None, change=None,
            weeks=[analytics.WeekScore(week=w, average=a, sessions=1) for w, a in weeks],
        )
        for rep, weeks in (("amy", [("2026-11-16", 70.0)]), ("bo", [("2026-11-16", 50.0), ("2026-11-23", 65.0)]))
    ]
    html = team.score_html(_ctx(), team.score_points(trends))
    assert html.count('class="chart-dot"') == 3 and html.count('class="chart-line"') == 1
    assert 'data-series="amy" data-value="70"' in html and "2026-11-16 · amy: 70" in html
    assert html.count('class="chart-key"') == 2  # both reps in the legend
    assert "每位销售的分数趋势" in team.score_html(_ctx("zh"), team.score_points(trends))


def test_mention_bars_have_both_periods_and_escape_names():
    rates = [
        analytics.MentionRate(
            rep=None, scenario_id="crm", key_point_id="greeting", sessions=10, hits=6, partials=0,
            rate=0.6, previous=0.4, change=0.2,
        )
    ]
    points = team.mention_points(rates, {("crm", "greeting"): "Greets <the> customer"}, "now", "before")
    html = team.mention_html(_ctx(), points)
    assert html.count('class="chart-bar"') == 2 and 'data-value="60"' in html and 'data-value="40"' in html
    assert "Greets &lt;the&gt; customer" in html and "<the>" not in html


def test_key_points_show_their_name_in_the_scenario_language(seeded_runtime):
    ctx = SimpleNamespace(t=Translator("zh"), runtime=seeded_runtime)
    names = team.key_point_names(ctx, {"crm-logistics-discovery", "hair-clinic-booking-zh", "gone"})
    assert names[("crm-logistics-discovery", "greeting_intro")] == "Greets the customer by name"
    assert names[("hair-clinic-booking-zh", "greeting_clinic")] == "开场问候"
    rate = analytics.MentionRate(
        rep="amy", scenario_id="hair-clinic-booking-zh", key_point_id="greeting_clinic", sessions=4,
        hits=1, partials=0, rate=0.25, previous=None, change=None,
    )
    weak = analytics.WeakPoint(
        rep="amy", scenario_id="hair-clinic-booking-zh", key_point_id="greeting_clinic", sessions=4, hits=1, rate=0.25
    )
    report = _report(mention_rates=[rate], mention_rates_by_rep=[rate], weakest=[weak])
    heat = team.heatmap_html(ctx, report, names)
    assert ">开场问候</th>" in heat and ">greeting_clinic<" not in heat
    tables = team.report_html(ctx, report, names)
    assert tables.count(">开场问候</span>") == 2  # the mention-rate table and the weakest points
    assert ">greeting_clinic<" not in tables and 'title="greeting_clinic"' in tables


def test_the_session_list_offers_the_periods_newest_sessions_of_the_team(runtime):
    from datetime import timedelta

    from tests.training.world import NOW, add_session, build

    ids = build(runtime)
    ctx = SimpleNamespace(t=Translator("en"), runtime=runtime)
    old = add_session(runtime, ids["ann"], score=40.0, started_at=NOW - timedelta(days=40))
    recent = add_session(runtime, ids["bob"], score=81.0, started_at=NOW - timedelta(days=2))
    newest = add_session(runtime, ids["ann"], score=None, started_at=NOW - timedelta(hours=3))
    add_session(runtime, ids["sam"], started_at=NOW - timedelta(days=1))  # another team
    choices = team.session_choices(ctx, "mona", "North", NOW - timedelta(days=28))
    assert [value for _, value in choices] == [newest, recent]
    assert choices[1][0].endswith("· bob · tiny · AI customer · 81")
    assert old in [v for _, v in team.session_choices(ctx, "mona", "North", NOW - timedelta(days=90))]
    assert team.session_choices(ctx, "ann", "North", NOW - timedelta(days=28)) == []  # reps may not


def _trend(rep: str, scenario_id: str, sessions: int) -> analytics.ScoreTrend:
    return analytics.ScoreTrend(
        rep=rep, scenario_id=scenario_id, average=60.0, sessions=sessions, previous=None,
        change=None, weeks=[analytics.WeekScore(week="2026-11-23", average=60.0, sessions=sessions)],
    )  # fmt: skip


def test_the_charts_show_the_busiest_scenario_first_then_the_one_picked():
    other = _rate("bo", "greeting", 1, 2).model_copy(update={"scenario_id": "hair"})
    report = _report(
        scores=[_trend("bo", "crm", 2), _trend("al", "hair", 2), _trend("bo", "hair", 3)],
        mention_rates=[_rate(None, "greeting", 3, 5), other.model_copy(update={"rep": None})],
        mention_rates_by_rep=[_rate("bo", "greeting", 1, 2), other],
    )
    picked, shown = team.focus(report, None)
    assert picked == "hair"  # five scored sessions against two
    assert {s.scenario_id for s in shown.scores} == {"hair"} and len(shown.scores) == 2
    assert [m.scenario_id for m in shown.mention_rates] == ["hair"]
    assert [m.scenario_id for m in shown.mention_rates_by_rep] == ["hair"]
    assert team.focus(report, "crm")[1].scores == [report.scores[0]]
    assert team.focus(report, "") == ("", report)  # "All scenarios"
    assert team.focus(report, "gone") == ("", report)  # no data this period: everything
    assert team.focus(_report(), None) == ("", _report())
