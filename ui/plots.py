"""Charts drawn on the server as SVG inside an HTML component: bars and lines with points.

Gradio's native plots (6.31) build their Vega spec once, from the first value: the colour
scale's domain and the column types stay those of the empty frame a page starts with, so
an update draws bars without a fill (the Calls tab's trend after Refresh) and a series of
one point is a zero-length line nobody sees. These charts are plain markup, redrawn whole
on every update: every mark carries its value in a ``<title>`` tooltip and ``data-``
attributes, the legend is text, and every label from the data is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = (
    "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2",
    "#b279a2", "#eeca3b", "#9d755d", "#ff9da6", "#bab0ac",
)  # fmt: skip
"""Series colours (Vega's category10 order, what the native plots used)."""
WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP = 44, 12, 12


@dataclass(frozen=True)
class Point:
    """One value of a chart: its category on the x axis, its series, and the value."""

    x: str
    series: str
    value: float


def e(text: object) -> str:
    """Text escaped for HTML and SVG, quotes included."""
    return escape(str(text), quote=True)


def _colours(series: Sequence[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}


def _nice_max(top: float, *, whole: bool = False) -> float:
    """A round upper bound for the y axis (at least 1); a multiple of 4 when ``whole``.

    The axis has four steps, so a multiple of 4 keeps every tick of a count a whole number.
    """
    if whole:
        magnitude = 1
        while True:
            for factor in (1, 2, 3, 5):
                if 4 * factor * magnitude >= top:
                    return float(4 * factor * magnitude)
            magnitude *= 10
    if top <= 1:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    for scale in (1.0, 2.0, 2.5, 5.0, 10.0):
        if top <= scale * step:
            return scale * step
    return float(10 * step)


def _order(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _frame(
    chart_id: str,
    title: str,
    body: str,
    legend: dict[str, str],
    legend_title: str,
    *,
    height: int,
) -> str:
    keys = "".join(
        f'<span class="chart-key" data-series="{e(name)}"><span class="chart-swatch" '
        f'style="display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;background:{colour}">'
        f"</span>{e(name)}</span>"
        for name, colour in legend.items()
    )
    legend_html = (
        f'<div class="chart-legend" style="font-size:12px"><span class="muted small">{e(legend_title)}</span> {keys}</div>'
        if legend
        else ""
    )
    return (
        f'<figure class="coach-chart" id="{e(chart_id)}-chart" style="margin:0">'
        f'<figcaption class="chart-title" style="text-align:center;font-weight:600">{e(title)}</figcaption>'
        f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{e(title)}" '
        f'preserveAspectRatio="xMidYMid meet" style="max-height:{height + 40}px;font-size:11px;overflow:visible">'
        f"{body}</svg>{legend_html}</figure>"
    )


def _axes(
    xs: list[str],
    y_max: float,
    *,
    height: int,
    bottom: int,
    x_title: str,
    y_title: str,
    slant: bool,
) -> tuple[str, float]:
    """Grid lines, y ticks, x labels (every n-th when crowded) and axis titles."""
    plot_h = height - TOP - bottom
    width = WIDTH - LEFT - RIGHT
    step = width / max(1, len(xs))
    parts = []
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" fill="currentColor">{value:g}</text>'
        )
    every = max(1, round(len(xs) / 12))
    room = 24 if slant else max(6, int(step * every / 6.5))  # characters that fit under a slot
    for i, x in enumerate(xs):
        if i % every:
            continue
        cx = LEFT + step * (i + 0.5)
        y = TOP + plot_h + 14
        label = e(x if len(x) <= room else x[: room - 1] + "…")
        if slant:
            parts.append(
                f'<text transform="translate({cx:.1f},{y:.1f}) rotate(-30)" text-anchor="end" '
                f'fill="currentColor">{label}</text>'
            )
        else:
            parts.append(
                f'<text x="{cx:.1f}" y="{y:.1f}" text-anchor="middle" fill="currentColor">{label}</text>'
            )
    parts.append(
        f'<text x="{LEFT + width / 2:.1f}" y="{height - 4}" text-anchor="middle" fill="currentColor">{e(x_title)}</text>'
        f'<text transform="translate(11,{TOP + plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
        f'fill="currentColor">{e(y_title)}</text>'
    )
    return "".join(parts), step


def bar_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    empty: str,
    stacked: bool = False,
    y_max: float | None = None,
    unit: str = "",
    height: int = 260,
) -> str:
    """Bars per x category, one per series side by side (or ``stacked``), with a legend.

    Categories keep the order of ``points``; zero values draw no bar but keep their slot.
    """
    if not points:
        return _frame(chart_id, title, "", {}, legend_title, height=40).replace(
            "</svg>",
            f'<text x="{WIDTH / 2}" y="24" text-anchor="middle" fill="currentColor">{e(empty)}</text></svg>',
        )
    xs = _order([p.x for p in points])
    series = _order([p.series for p in points])
    colours = _colours(series)
    if stacked:
        totals: dict[str, float] = {}
        for p in points:
            totals[p.x] = totals.get(p.x, 0.0) + p.value
        top = max(totals.values())
    else:
        top = max(p.value for p in points)
    whole = all(float(p.value).is_integer() for p in points)
    y_max = y_max if y_max is not None else _nice_max(top, whole=whole)
    slant = any(len(x) > 8 for x in xs) and len(xs) > 4
    bottom = 104 if slant else 36  # a slanted label of 24 characters, then the axis title
    axes, step = _axes(
        xs, y_max, height=height, bottom=bottom, x_title=x_title, y_title=y_title, slant=slant
    )
    plot_h = height - TOP - bottom
    base = TOP + plot_h
    marks = []
    stack: dict[str, float] = {}
    group = min(step * 0.8, 60.0 * len(series) if not stacked else 90.0)  # no slab-wide bars
    pad = (step - group) / 2
    for p in points:
        if p.value <= 0:
            continue
        i = xs.index(p.x)
        h = plot_h * min(p.value, y_max) / y_max
        if stacked:
            x0 = LEFT + step * i + pad
            w = group
            y0 = base - stack.get(p.x, 0.0) - h
            stack[p.x] = stack.get(p.x, 0.0) + h
        else:
            w = group / len(series)
            x0 = LEFT + step * i + pad + w * series.index(p.series)
            y0 = base - h
        tip = f"{p.x} · {p.series}: {p.value:g}{unit}"
        marks.append(
            f'<rect class="chart-bar" x="{x0:.1f}" y="{y0:.1f}" width="{max(w - 1, 1):.1f}" height="{h:.1f}" '
            f'fill="{colours[p.series]}" data-x="{e(p.x)}" data-series="{e(p.series)}" data-value="{p.value:g}">'
            f"<title>{e(tip)}</title></rect>"
        )
    return _frame(chart_id, title, axes + "".join(marks), colours, legend_title, height=height)


def line_chart(
    points: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
    empty: str,
    y_max: float = 100.0,
    height: int = 240,
    ordered: bool = False,
) -> str:
    """One line per series over the x categories, with a dot at every value.

    The categories are sorted, or kept in the order of ``points`` when ``ordered`` (labels
    that do not sort as text, such as dates without their year). The dots make a series of
    one value visible, and every value hoverable.
    """
    if not points:
        return bar_chart(
            [], chart_id=chart_id, title=title, x_title=x_title, y_title=y_title,
            legend_title=legend_title, empty=empty,
        )  # fmt: skip
    xs = _order([p.x for p in points])
    if not ordered:
        xs.sort()
    series = _order([p.series for p in points])
    colours = _colours(series)
    bottom = 36
    axes, step = _axes(
        xs, y_max, height=height, bottom=bottom, x_title=x_title, y_title=y_title, slant=False
    )
    plot_h = height - TOP - bottom
    lines, dots = [], []
    for name in series:
        mine = sorted((p for p in points if p.series == name), key=lambda p: xs.index(p.x))
        coords = [
            (
                LEFT + step * (xs.index(p.x) + 0.5),
                TOP + plot_h - plot_h * min(max(p.value, 0.0), y_max) / y_max,
                p,
            )
            for p in mine
        ]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
            lines.append(
                f'<polyline class="chart-line" points="{path}" fill="none" stroke="{colours[name]}" '
                f'stroke-width="2" data-series="{e(name)}"/>'
            )
        for x, y, p in coords:
            dots.append(
                f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colours[name]}" '
                f'data-x="{e(p.x)}" data-series="{e(name)}" data-value="{p.value:g}">'
                f"<title>{e(f'{p.x} · {name}: {p.value:g}')}</title></circle>"
            )
    return _frame(
        chart_id, title, axes + "".join(lines) + "".join(dots), colours, legend_title, height=height
    )
