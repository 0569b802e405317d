"""Team: the manager's dashboard (analytics for a team and period) and its CSV downloads.

Everything here comes from ``coach.services.analytics`` and ``coach.services.exports``,
which check the role and the team on the server: a rep who reaches these callbacks gets a
refusal, not data. The tab itself is only shown to coaches (trainers, managers, admins).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gradio as gr

from coach.errors import CoachError
from coach.services import accounts, analytics, content, exports, training
from ui import plots, render
from ui.context import Context

PERIODS = (28, 90, 365)
"""Days a dashboard may cover, counted back from now."""
EXPORTS = ("sessions", "scorecards", "assignments")


@dataclass
class TeamPage:
    """The team dashboard's components."""

    team: gr.Dropdown
    days: gr.Radio
    refresh: gr.Button
    notice: gr.HTML
    mention_plot: gr.HTML
    volume_plot: gr.HTML
    scenario: gr.Dropdown
    score_plot: gr.HTML
    heatmap: gr.HTML
    certificates: gr.HTML
    report: gr.HTML
    kind: gr.Radio
    download: gr.Button
    file: gr.File
    sessions: gr.Dropdown
    open: gr.Button


def build(ctx: Context) -> TeamPage:
    """Lay out the dashboard: team and period, the report, and the CSV downloads."""
    t = ctx.t
    gr.Markdown(f"### {t('team.title')}")
    with gr.Row():
        team = gr.Dropdown(choices=[], label=t("team.team"), elem_id="team-pick", scale=2)
        days = gr.Radio(
            choices=[(t("team.days", n=n), n) for n in PERIODS],
            value=PERIODS[0],
            label=t("team.period"),
            elem_id="team-period",
            scale=3,
        )
        refresh = gr.Button(t("team.refresh"), elem_id="team-refresh", scale=1)
    # The charts show one scenario at a time (the busiest first): a key point means
    # something only within its scenario, and forty bars from four scenarios are unreadable.
    scenario = gr.Dropdown(
        choices=[(t("team.all_scenarios"), "")],
        value=None,
        label=t("team.scenario"),
        elem_id="team-score-scenario",
    )
    notice = gr.HTML("")
    mention_plot = gr.HTML(mention_html(ctx, []), elem_id="team-mentions-plot")
    with gr.Row(equal_height=True):
        with gr.Column(scale=1):
            volume_plot = gr.HTML(volume_html(ctx, []), elem_id="team-volume-plot")
        with gr.Column(scale=1):
            score_plot = gr.HTML(score_html(ctx, []), elem_id="team-score-plot")
    heatmap = gr.HTML("", elem_id="team-heatmap")
    certificates = gr.HTML("", elem_id="team-certificates")
    report = gr.HTML(f'<p class="muted">{render.e(t("team.none"))}</p>', elem_id="team-report")
    with gr.Row():
        sessions = gr.Dropdown(choices=[], label=t("team.sessions"), elem_id="team-sessions", scale=4)
        open_button = gr.Button(t("team.open"), elem_id="team-open", scale=1)
    with gr.Row():
        kind = gr.Radio(
            choices=[(t("team.export." + k), k) for k in EXPORTS],
            value="scorecards",
            label=t("team.export"),
            elem_id="team-export-kind",
            scale=3,
        )
        download = gr.Button(t("team.download"), elem_id="team-download", scale=1)
    file = gr.File(label=t("team.file"), elem_id="team-file", interactive=False)
    return TeamPage(
        team,
        days,
        refresh,
        notice,
        mention_plot,
        volume_plot,
        scenario,
        score_plot,
        heatmap,
        certificates,
        report,
        kind,
        download,
        file,
        sessions,
        open_button,
    )


def outputs(page: TeamPage) -> list[Any]:
    """The components :func:`show` updates, for wiring its events."""
    return [
        page.notice,
        page.report,
        page.mention_plot,
        page.volume_plot,
        page.scenario,
        page.score_plot,
        page.heatmap,
        page.certificates,
        page.sessions,
    ]


def teams_for(ctx: Context, who: str) -> list[str]:
    """The teams this coach may look at: their own, or every team for an admin."""
    try:
        users = accounts.list_users(ctx.runtime, actor=who)
    except CoachError:
        return []
    return sorted({u.team for u in users if u.team})


def _since(days: int | None) -> datetime:
    return datetime.now(UTC) - timedelta(days=int(days or PERIODS[0]))


Names = dict[tuple[str, str], str]
"""Key-point names (their description, in the scenario's language) by (scenario, point id)."""


_NAMES_SEEN: dict[tuple[str, int], dict[str, str]] = {}
"""Key-point names by (scenario id, version): a scenario's version moves when it changes."""


def key_point_names(ctx: Context, scenario_ids: set[str]) -> Names:
    """The name of every key point of these scenarios; an unknown scenario keeps its ids.

    Names are kept per scenario version, so a render reads the scenario list (one query)
    and reads and checks a whole scenario only when it is new or has changed.
    """
    names: Names = {}
    if not scenario_ids:
        return names
    try:
        versions = {s.id: s.version for s in content.list_scenarios(ctx.runtime)}
    except CoachError:
        return names
    for scenario_id in sorted(scenario_ids):
        # An archived scenario is not listed: read it each time (rare, and still named).
        key = (scenario_id, versions.get(scenario_id, -1))
        if key not in _NAMES_SEEN or key[1] < 0:
            try:
                scenario = content.get_scenario(ctx.runtime, scenario_id=scenario_id)
            except CoachError:
                continue
            _NAMES_SEEN[key] = {p.id: short_name(p.description) for p in scenario.key_points}
        names.update({(scenario_id, kp): name for kp, name in _NAMES_SEEN[key].items()})
    return names


_CLAUSE_END = re.compile(r"[,;:.(，；：。（、]")


def short_name(description: str) -> str:
    """A key point's name from its description: the first clause ("Greets the customer by name")."""
    text = " ".join(description.split())
    first = _CLAUSE_END.split(text, maxsplit=1)[0].strip()
    return first if len(first) >= 4 else text


def point_name(names: Names, scenario_id: str, key_point_id: str, limit: int = 60) -> str:
    """A key point's name (cut at ``limit`` characters), or its id when the name is unknown."""
    name = names.get((scenario_id, key_point_id)) or key_point_id
    return name if len(name) <= limit else name[: limit - 1] + "…"


def mention_points(
    rates: list[analytics.MentionRate],
    names: Names | None = None,
    now: str = "now",
    before: str = "before",
) -> list[plots.Point]:
    """Mention rate (%) per key point, now and in the period before, for the bar chart."""
    names = names or {}
    several = len({m.scenario_id for m in rates}) > 1
    points: list[plots.Point] = []
    for m in rates:
        name = point_name(names, m.scenario_id, m.key_point_id, 40)
        label = f"{m.scenario_id} / {name}" if several else name
        points.append(plots.Point(label, now, round(100 * m.rate, 1)))
        if m.previous is not None:
            points.append(plots.Point(label, before, round(100 * m.previous, 1)))
    return points


def volume_points(volume: list[analytics.RepVolume]) -> list[plots.Point]:
    """Sessions per rep per week (Monday, UTC), by week then rep, for the stacked bars."""
    points = [plots.Point(w.week[:10], v.rep, float(w.sessions)) for v in volume for w in v.weeks]
    return sorted(points, key=lambda p: (p.x, p.series))


def score_points(scores: list[analytics.ScoreTrend], scenario: str | None = None) -> list[plots.Point]:
    """Average score per rep per week (one scenario, or all of them weighted by sessions)."""
    sums: dict[tuple[str, str], list[float]] = {}
    for trend in scores:
        if scenario and trend.scenario_id != scenario:
            continue
        for w in trend.weeks:
            total = sums.setdefault((trend.rep, w.week[:10]), [0.0, 0.0])
            total[0] += w.average * w.sessions
            total[1] += w.sessions
    return [
        plots.Point(week, rep, round(total / n, 1))
        for (rep, week), (total, n) in sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if n
    ]


def mention_html(ctx: Context, points: list[plots.Point]) -> str:
    """The mention-rate bars (0-100 %), now against the period before."""
    t = ctx.t
    return plots.bar_chart(
        points, chart_id="team-mentions", title=t("team.mention_plot"), x_title=t("team.axis.point"),
        y_title=t("team.axis.rate"), legend_title=t("team.axis.period"), empty=t("team.none"),
        y_max=100.0, unit="%", height=300,
    )  # fmt: skip


def volume_html(ctx: Context, points: list[plots.Point]) -> str:
    """Sessions per week, stacked by rep."""
    t = ctx.t
    return plots.bar_chart(
        points, chart_id="team-volume", title=t("team.volume_plot"), x_title=t("team.axis.week"),
        y_title=t("team.axis.sessions"), legend_title=t("team.col.rep"), empty=t("team.none"),
        stacked=True,
    )  # fmt: skip


def score_html(ctx: Context, points: list[plots.Point]) -> str:
    """Score per rep per week: lines with a dot at every week (a single week is a dot)."""
    t = ctx.t
    return plots.line_chart(
        points, chart_id="team-score", title=t("team.score_plot"), x_title=t("team.axis.week"),
        y_title=t("team.axis.score"), legend_title=t("team.col.rep"), empty=t("team.none"),
    )  # fmt: skip


HEAT_STEPS = (0.2, 0.4, 0.6, 0.8)
"""Upper bounds of the heatmap's colour bands (mention rate), the last band is open."""


def _band(rate: float) -> int:
    return sum(rate >= step for step in HEAT_STEPS)


def heatmap_html(ctx: Context, report: analytics.Report, names: Names | None = None) -> str:
    """Rep × key point mention rates as a coloured table (text in every cell, escaped).

    Each cell shows the rate and the number of scored sessions behind it; a rep's weakest
    points are outlined. Columns carry the key point's name (``names``), its id in the tip. The colour bands are explained in a legend, so the colour is never
    the only carrier of the value.
    """
    t = ctx.t
    e = render.e
    names = names or {}
    title = f'<h4>{e(t("team.heatmap"))}</h4>'
    rates = report.mention_rates_by_rep
    if not rates:
        return f'<div class="team-section">{title}<p class="muted" id="team-heatmap-table">{e(t("team.none"))}</p></div>'
    points = sorted({(m.scenario_id, m.key_point_id) for m in rates})
    reps = sorted({m.rep or "" for m in rates})
    cells = {(m.rep or "", m.scenario_id, m.key_point_id): m for m in rates}
    weak = {(w.rep, w.scenario_id, w.key_point_id) for w in report.weakest}
    scenarios = len({sc for sc, _ in points}) > 1
    head = f'<th class="rep" scope="col">{e(t("team.col.rep"))}</th>' + "".join(
        f'<th scope="col" data-point="{e(kp)}" title="{e(sc)} / {e(kp)}">'
        f'{e(f"{sc} / {point_name(names, sc, kp, 40)}" if scenarios else point_name(names, sc, kp, 40))}</th>'
        for sc, kp in points
    )
    body = []
    for rep in reps:
        row = [f'<th class="rep" scope="row">{e(rep)}</th>']
        for sc, kp in points:
            m = cells.get((rep, sc, kp))
            if m is None:
                row.append(f'<td class="empty" title="{e(t("team.heat_none"))}">–</td>')
                continue
            css = f"heat-{_band(m.rate)}" + (" weak" if (rep, sc, kp) in weak else "")
            tip = t(
                "team.heat_cell", rep=rep, point=point_name(names, sc, kp), rate=_pct(m.rate), hits=m.hits, n=m.sessions
            )
            row.append(
                f'<td class="{css}" title="{e(tip)}" data-rate="{100 * m.rate:.0f}">'
                f'{e(_pct(m.rate))}<span class="n">n={m.sessions}</span></td>'
            )
        body.append("<tr>" + "".join(row) + "</tr>")
    bounds = (0, *(int(100 * s) for s in HEAT_STEPS), 100)
    legend = "".join(
        f'<span class="swatch heat-{i}">{bounds[i]}–{bounds[i + 1]}%</span>' for i in range(len(bounds) - 1)
    )
    return (
        f'<div class="team-section">{title}'
        f'<div class="heat-legend" id="team-heatmap-legend"><span>{e(t("team.heat_legend"))}</span>{legend}'
        f'<span class="swatch weak-key">▢ {e(t("team.heat_weak"))}</span></div>'
        f'<table class="heatmap" id="team-heatmap-table"><caption class="muted small">{e(t("team.heat_caption"))}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def certificates_html(ctx: Context, records: list[training.CertificateRecord]) -> str:
    """Who in the team is certified on which scenario, when and with what score."""
    t = ctx.t
    e = render.e
    rows = [
        [
            e(c.rep),
            e(c.scenario_id),
            f"{c.score:.0f}",
            e(f"{c.certified_at:%Y-%m-%d}"),
            f'<span class="cert-badge">{e(t("team.certified"))}</span>',
        ]
        for c in sorted(records, key=lambda c: (c.rep, c.scenario_id, c.certified_at))
    ]
    table = _table(
        "team-certificates-table",
        [t("team.col.rep"), t("team.col.scenario"), t("team.col.score"), t("team.col.date"), t("team.col.status")],
        rows,
        t("team.no_certificates"),
    )
    return f'<div class="team-section"><h4>{e(t("team.certificates"))}</h4>{table}</div>'


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _change(value: float | None, *, points: bool = True) -> str:
    if value is None:
        return '<span class="muted">–</span>'
    shown = f"{100 * value:+.0f} pt" if points else f"{value:+.1f}"
    css = "up" if value > 0 else ("down" if value < 0 else "flat")
    return f'<span class="change {css}">{render.e(shown)}</span>'


def _table(table_id: str, heads: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted" id="{table_id}">{render.e(empty)}</p>'
    head = "".join(f"<th>{render.e(h)}</th>" for h in heads)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="coach-table" id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def report_html(ctx: Context, report: analytics.Report, names: Names | None = None) -> str:
    """The dashboard's tables; every name and id from the data is escaped.

    Key points are shown by name (``names``, from :func:`key_point_names`), their id in a tip.
    """
    t = ctx.t
    e = render.e
    names = names or {}

    def point(scenario_id: str, key_point_id: str) -> str:
        return f'<span title="{e(key_point_id)}">{e(point_name(names, scenario_id, key_point_id))}</span>'
    period = f"{report.period.get('since', '')[:10]} → {report.period.get('until', '')[:10]}"
    parts = [f'<div class="team-section"><p class="muted">{e(t("team.covering", name=report.name, period=period))}</p>']
    parts.append(f"<h4>{e(t('team.mentions'))}</h4>")
    parts.append(
        _table(
            "team-mentions",
            [t("team.col.scenario"), t("team.col.point"), t("team.col.sessions"), t("team.col.rate"), t("team.col.change")],
            [
                [e(m.scenario_id), point(m.scenario_id, m.key_point_id), str(m.sessions), _pct(m.rate), _change(m.change)]
                for m in report.mention_rates
            ],
            t("team.none"),
        )
    )
    parts.append(f"<h4>{e(t('team.leaderboard'))}</h4>")
    parts.append(
        _table(
            "team-leaderboard",
            ["#", t("team.col.rep"), t("team.col.average"), t("team.col.sessions")],
            [[str(x.rank), e(x.rep), f"{x.average:.0f}", str(x.sessions)] for x in report.leaderboard],
            t("team.no_leaders"),
        )
    )
    parts.append(f"<h4>{e(t('team.weakest'))}</h4>")
    parts.append(
        _table(
            "team-weakest",
            [t("team.col.rep"), t("team.col.scenario"), t("team.col.point"), t("team.col.rate")],
            [[e(w.rep), e(w.scenario_id), point(w.scenario_id, w.key_point_id), _pct(w.rate)] for w in report.weakest],
            t("team.none"),
        )
    )
    parts.append(f"<h4>{e(t('team.volume'))}</h4>")
    parts.append(
        _table(
            "team-volume",
            [t("team.col.rep"), t("team.col.sessions"), t("team.col.scored"), t("team.col.change")],
            [
                [e(v.rep), str(v.sessions), str(v.scored), _change(float(v.change), points=False)]
                for v in report.volume
            ],
            t("team.none"),
        )
    )
    parts.append(f"<h4>{e(t('team.sticking'))}</h4>")
    parts.append(f'<p class="muted small">{e(t("team.sticking_help"))}</p>')
    parts.append(
        _table(
            "team-sticking",
            [t("team.col.scenario"), t("team.col.point"), t("team.col.agreed"), t("team.col.hung_up"), t("team.col.lift")],
            [
                [
                    e(s.scenario_id),
                    point(s.scenario_id, s.key_point_id),
                    f"{_pct(s.agreed_rate)} ({s.agreed_hits}/{s.agreed_calls})",
                    f"{_pct(s.hung_up_rate)} ({s.hung_up_hits}/{s.hung_up_calls})",
                    _change(s.lift),
                ]
                for s in report.sticking_points
            ],
            t("team.no_sticking"),
        )
    )
    parts.append(f"<h4>{e(t('team.drills'))}</h4>")
    parts.append(
        _table(
            "team-drills",
            [t("team.col.drill"), t("team.col.assigned"), t("team.col.passed"), t("team.col.overdue"), t("team.col.completion")],
            [
                [e(d.title), str(d.assigned), str(d.passed), str(d.overdue), _pct(d.completion)]
                for d in report.drills
            ],
            t("team.no_drills"),
        )
    )
    return "".join(parts) + "</div>"


def focus(report: analytics.Report, scenario: str | None) -> tuple[str, analytics.Report]:
    """The scenario the charts show and the report cut down to it for them.

    ``None`` (the first drawing) picks the scenario with the most scored sessions in the
    period; ``""`` is every scenario; a scenario with no data this period falls back to all.
    """
    ids = {s.scenario_id for s in report.scores} | {m.scenario_id for m in report.mention_rates}
    if scenario is None:
        sessions: dict[str, int] = {}
        for trend in report.scores:
            sessions[trend.scenario_id] = sessions.get(trend.scenario_id, 0) + trend.sessions
        scenario = max(sorted(sessions), key=lambda sc: sessions[sc], default="")
    if not scenario or scenario not in ids:
        return "", report
    return scenario, report.model_copy(
        update={
            "scores": [s for s in report.scores if s.scenario_id == scenario],
            "mention_rates": [m for m in report.mention_rates if m.scenario_id == scenario],
            "mention_rates_by_rep": [
                m for m in report.mention_rates_by_rep if m.scenario_id == scenario
            ],
            "weakest": [w for w in report.weakest if w.scenario_id == scenario],
        }
    )


def show(
    ctx: Context,
    page: TeamPage,
    who: str,
    team: str | None,
    days: int | None,
    scenario: str | None = None,
) -> dict[Any, Any]:
    """Updates that draw a team's dashboard (or say why it cannot be shown)."""
    t = ctx.t
    if not team:
        return {page.notice: render.notice(t("team.pick"), kind="info")}
    try:
        report = analytics.team_report(ctx.runtime, actor=who, team=team, since=_since(days))
    except CoachError as error:
        return {
            page.notice: render.notice(ctx.message(error)),
            page.report: "",
            page.heatmap: "",
            page.certificates: "",
        }
    try:
        certificates = training.certifications(ctx.runtime, actor=who, team=team)
    except CoachError:
        certificates = []
    scenario, focused = focus(report, scenario)
    scenario_ids = sorted({s.scenario_id for s in report.scores})
    scenario_choices = [(t("team.all_scenarios"), ""), *[(sc, sc) for sc in scenario_ids]]
    choices = session_choices(ctx, who, team, _since(days))
    names = key_point_names(
        ctx,
        {m.scenario_id for m in report.mention_rates}
        | {m.scenario_id for m in report.mention_rates_by_rep}
        | {w.scenario_id for w in report.weakest}
        | {s.scenario_id for s in report.sticking_points},
    )
    return {
        page.notice: "",
        page.report: report_html(ctx, report, names),
        page.mention_plot: mention_html(
            ctx, mention_points(focused.mention_rates, names, t("team.period_now"), t("team.period_before"))
        ),
        page.volume_plot: volume_html(ctx, volume_points(report.volume)),
        page.scenario: gr.update(choices=scenario_choices, value=scenario),
        page.score_plot: score_html(ctx, score_points(focused.scores)),
        page.heatmap: heatmap_html(ctx, focused, names),
        page.certificates: certificates_html(ctx, certificates),
        page.sessions: gr.update(choices=choices, value=choices[0][1] if choices else None),
    }


SESSION_CHOICES = 200
"""How many of the period's newest sessions the drill-down list offers."""


def session_choices(ctx: Context, who: str, team: str, since: datetime) -> list[tuple[str, str]]:
    """The period's newest sessions of the team, to open one: when, rep, scenario, mode, score.

    From the period's session export (one indexed query over the period; the paged session
    list counts and sorts the team's whole history, twice as slow at a year of history).
    """
    t = ctx.t
    try:
        rows = exports.export_json(ctx.runtime, actor=who, kind="sessions", team=team, since=since)
    except CoachError:
        return []
    rows.sort(key=lambda r: str(r.get("started_at") or ""), reverse=True)
    return [
        (
            f"{str(r.get('started_at') or '')[:16].replace('T', ' ')} · {r.get('rep')} · {r.get('scenario_id')}"
            f" · {t('mode.' + str(r.get('mode')))}"
            + (f" · {float(r['score']):.0f}" if r.get("score") is not None else ""),
            str(r["session_id"]),
        )
        for r in rows[:SESSION_CHOICES]
    ]


def download(ctx: Context, who: str, team: str | None, days: int | None, kind: str | None) -> tuple[Any, str]:
    """A CSV export written to a private temporary file for the browser to download."""
    t = ctx.t
    if not team:
        return None, render.notice(t("team.pick"), kind="info")
    # Gradio serves a callback's file from its own temporary folder (inside the data dir).
    base = os.environ.get("GRADIO_TEMP_DIR") or tempfile.gettempdir()
    Path(base).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="coach-export-", dir=base))
    path = folder / f"{kind or 'scorecards'}-{datetime.now(UTC):%Y%m%d}.csv"
    try:
        exports.write_csv(
            ctx.runtime, actor=who, kind=kind or "scorecards", team=team, out=path, since=_since(days)
        )
    except CoachError as error:
        return None, render.notice(ctx.message(error))
    return str(path), ""
