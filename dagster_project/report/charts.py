"""Trend charts as inline SVG: the reports must open offline, so no charting library from a CDN.

One chart per indicator: a line per cluster, a heavier line for the region and a dashed one for
Denmark, in the Okabe-Ito palette (told apart with every common colour-vision deficiency). The
region's 95 % interval is a band; the selected series (a cluster report's own cluster) has its
intervals as whiskers. The y-axis is fitted to everything drawn, values and intervals, on round
ticks; where it does not start at zero, the axis shows a break so that a small change is not
read as a large one. A line never bridges a gap: a suppressed or missing year breaks it, and so
does a series break (a changed definition), which is also marked with a labelled vertical rule.
Each chart carries a text alternative (``<desc>``) with every value it draws. A funnel plot
shows the region's municipalities in one year around the region's value.
"""

import math
from collections.abc import Callable
from html import escape

from dagster_project.report.content import REGION_SERIES, Indicator, Series
from dagster_project.report.formatting import FUNNEL_DA, SUPPRESSED, interval, number, percent

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 230, 16, 34
# Okabe & Ito (2008): orange, sky blue, bluish green, reddish purple, vermillion.
CLUSTER_COLOURS = ["#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#D55E00"]
STYLES = {
    "region": {"stroke": "#0072B2", "width": 3.0, "dash": ""},
    "country": {"stroke": "#000000", "width": 2.0, "dash": "6 4"},
}
BAND_FILL = "#0072B2"
TICK_STEPS = (0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0)
MAX_TICKS = 6


def axis_range(drawn: list[float]) -> tuple[float, float, float]:
    """(low, high, step): round ticks around every drawn number, within 0-100 % for shares.

    The axis starts at zero when the data come within one step of it; otherwise it starts at the
    tick below the smallest number, and the chart marks the break. Differences (an inequality
    index) may be negative: their axis then takes in zero, so the sign can be read.
    """
    low_value, high_value = (min(drawn), max(drawn)) if drawn else (0.0, 10.0)
    signed = low_value < 0
    if signed:
        high_value = max(high_value, 0.0)
    for step in TICK_STEPS:
        low = math.floor(low_value / step) * step
        high = math.ceil(high_value / step) * step
        if high == low:
            high += step
        if 0 <= low <= step:
            low = 0.0
        if (high - low) / step <= MAX_TICKS:
            break
    if signed:
        return low, high, step
    return max(low, 0.0), min(high, 100.0), step


def _style(series: Series, index: int) -> dict:
    if series.kind in STYLES:
        return STYLES[series.kind]
    return {"stroke": CLUSTER_COLOURS[index % len(CLUSTER_COLOURS)], "width": 1.8, "dash": ""}


def trend_chart(
    indicator: Indicator,
    series_keys: list[str] | None = None,
    selected: str | None = None,
    unit: str = "percent",
) -> str:
    """The indicator's trend over its years: ``series_keys`` (all by default) as lines, the
    region's interval as a band, the ``selected`` series' intervals as whiskers. ``unit`` is
    percent (shares) or points (a difference in procentpoint, which may be negative)."""
    fmt = percent if unit == "percent" else _points
    tick = percent if unit == "percent" else _signed
    years = indicator.years
    shown = [s for s in indicator.series if series_keys is None or s.key in series_keys]
    with_interval = {s.key for s in shown if s.key in (REGION_SERIES, selected)}
    drawn = [
        number
        for s in shown
        for p in s.points.values()
        if p.value is not None
        for number in ((p.value, p.ci_lower, p.ci_upper) if s.key in with_interval else (p.value,))
        if number is not None
    ]
    if unit != "percent":
        drawn.append(0.0)  # a difference is read against no difference
    low, high, step = axis_range(drawn)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(years[-1] - years[0], 1)

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + (year - years[0]) / span * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    title = f"Udvikling {years[0]}-{years[-1]}: {indicator.name}"
    chart_id = f"chart-{indicator.code}" + (f"-{selected}" if selected else "")
    parts = [
        f'<svg class="trend-chart" id="{chart_id}" data-indicator="{indicator.code}" role="img" '
        f'data-axis-min="{low:g}" data-axis-max="{high:g}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(text_alternative(shown, years, low, high, fmt))}'
        "</desc>"
    ]
    ticks = round((high - low) / step)
    for i in range(ticks + 1):
        value = low + i * step
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'font-size="11">{tick(value, 0 if value == int(value) else 1)}</text>'
        )
    parts.append(
        f'<line class="y-axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" '
        'stroke="#666"/>'
    )
    if low < 0 < high:
        parts.append(
            f'<line class="zero" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(0):.1f}" '
            f'y2="{y(0):.1f}" stroke="#666"/>'
        )
    if low > 0:
        # Two short slanted strokes across the axis, just above its foot: it does not start at 0.
        foot = TOP + plot_h - 6
        parts.append(
            f'<g class="axis-break" stroke="#666" stroke-width="1.5">'
            f'<line x1="{LEFT - 6}" x2="{LEFT + 6}" y1="{foot + 3}" y2="{foot - 1}"/>'
            f'<line x1="{LEFT - 6}" x2="{LEFT + 6}" y1="{foot - 2}" y2="{foot - 6}"/></g>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11">{year}</text>'
        )
    for year in indicator.break_years:
        earlier = [y_ for y_ in years if y_ < year]
        at = (x(earlier[-1]) + x(year)) / 2 if earlier else x(year)
        parts.append(
            f'<g class="series-break" data-year="{year}"><line x1="{at:.1f}" x2="{at:.1f}" '
            f'y1="{TOP}" y2="{TOP + plot_h}" stroke="#b00" stroke-dasharray="3 3"/>'
            f'<text x="{at + 3:.1f}" y="{TOP + 10}" font-size="10" fill="#b00">Databrud {year}'
            "</text></g>"
        )
    for series in shown:
        if series.key == REGION_SERIES:
            parts.append(_band(series, years, indicator.break_years, x, y))
    clusters = 0
    for position, series in enumerate(shown):
        style = _style(series, clusters)
        clusters += series.kind == "cluster"
        if series.key == selected:
            parts.append(_whiskers(series, years, x, y, style))
        parts.append(_series_path(series, years, indicator.break_years, x, y, style, fmt))
        legend_y = TOP + 14 + position * 18
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 36}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{style["stroke"]}" stroke-width="{style["width"]}" '
            f'stroke-dasharray="{style["dash"]}"/><text class="legend" x="{WIDTH - RIGHT + 42}" '
            f'y="{legend_y}" font-size="11">{escape(series.label)}</text>'
        )
    legend_y = TOP + 14 + len(shown) * 18
    parts.append(
        f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y - 9}" width="24" height="10" '
        f'fill="{BAND_FILL}" fill-opacity="0.18"/><text class="legend" '
        f'x="{WIDTH - RIGHT + 42}" y="{legend_y}" font-size="11">95 % KI, regionen</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _signed(value: float, decimals: int = 1) -> str:
    return number(value, decimals).replace("-", "\u2212")


def _points(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else f"{_signed(value, decimals)} procentpoint"


def text_alternative(
    shown: list[Series], years: list[int], low: float, high: float, fmt: Callable = percent
) -> str:
    """Every drawn value in words: what a screen reader says instead of the picture."""
    axis = f"Y-aksen går fra {fmt(low, 0)} til {fmt(high, 0)}"
    axis += "." if low <= 0 else ", og den starter ikke ved nul."
    lines = [axis]
    for series in shown:
        values = []
        for year in years:
            point = series.points.get(year)
            if point is None:
                continue
            if point.is_suppressed:
                values.append(f"{year} {SUPPRESSED}")
            elif point.value is not None:
                ci = interval(point.ci_lower, point.ci_upper)
                values.append(f"{year} {fmt(point.value)}" + (f" (KI {ci})" if ci else ""))
        lines.append(f"{series.label}: {', '.join(values) if values else 'ingen tal'}.")
    return " ".join(lines)


def _band(series: Series, years, break_years, x: Callable, y: Callable) -> str:
    """The region's interval as a shaded band, one polygon per run of years with an interval
    that does not cross a series break."""
    runs: list[list[int]] = [[]]
    for year in years:
        point = series.points.get(year)
        has_interval = point is not None and None not in (point.ci_lower, point.ci_upper)
        if not has_interval or year in break_years:
            runs.append([])
        if has_interval:
            runs[-1].append(year)
    polygons = []
    for run in (r for r in runs if r):
        upper = [f"{x(yr):.1f},{y(series.points[yr].ci_upper):.1f}" for yr in run]
        lower = [f"{x(yr):.1f},{y(series.points[yr].ci_lower):.1f}" for yr in reversed(run)]
        if len(run) == 1:  # a single year: a short bar, so the interval is still visible
            yr = run[0]
            polygons.append(
                f'<rect x="{x(yr) - 4:.1f}" y="{y(series.points[yr].ci_upper):.1f}" width="8" '
                f'height="{y(series.points[yr].ci_lower) - y(series.points[yr].ci_upper):.1f}" '
                f'fill="{BAND_FILL}" fill-opacity="0.18" data-year="{yr}"/>'
            )
        else:
            polygons.append(
                f'<polygon points="{" ".join(upper + lower)}" fill="{BAND_FILL}" '
                f'fill-opacity="0.18" data-years="{run[0]}-{run[-1]}"/>'
            )
    return f'<g class="interval-band" data-series="{series.key}">{"".join(polygons)}</g>'


def _whiskers(series: Series, years, x: Callable, y: Callable, style: dict) -> str:
    marks = []
    for year in years:
        point = series.points.get(year)
        if point is None or point.value is None or None in (point.ci_lower, point.ci_upper):
            continue
        top, bottom = y(point.ci_upper), y(point.ci_lower)
        marks.append(
            f'<g data-year="{year}"><line x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{top:.1f}" '
            f'y2="{bottom:.1f}"/><line x1="{x(year) - 4:.1f}" x2="{x(year) + 4:.1f}" '
            f'y1="{top:.1f}" y2="{top:.1f}"/><line x1="{x(year) - 4:.1f}" '
            f'x2="{x(year) + 4:.1f}" y1="{bottom:.1f}" y2="{bottom:.1f}"/></g>'
        )
    return (
        f'<g class="whiskers" data-series="{series.key}" stroke="{style["stroke"]}" '
        f'stroke-width="1.4">{"".join(marks)}</g>'
    )


def _series_path(series: Series, years, break_years, x, y, style: dict, fmt=percent) -> str:
    """Segments join consecutive years with a value and never cross a series break."""
    commands, dots, pen_down = [], [], False
    for year in years:
        point = series.points.get(year)
        if point is None or point.value is None or year in break_years:
            pen_down = False
        if point is None or point.value is None:
            continue
        commands.append(f"{'L' if pen_down else 'M'}{x(year):.1f} {y(point.value):.1f}")
        dots.append(
            f'<circle data-year="{year}" data-value="{point.value:g}" cx="{x(year):.1f}" '
            f'cy="{y(point.value):.1f}" r="2.6" fill="{style["stroke"]}"><title>'
            f"{escape(series.label)} {year}: {fmt(point.value)}</title></circle>"
        )
        pen_down = True
    path = (
        f'<path class="series" data-series="{series.key}" d="{" ".join(commands)}" fill="none" '
        f'stroke="{style["stroke"]}" stroke-width="{style["width"]}" '
        f'stroke-dasharray="{style["dash"]}"/>'
        if commands
        else ""
    )
    return f'<g class="series-group" data-series="{series.key}">{path}{"".join(dots)}</g>'


def funnel_chart(indicator: Indicator, highlight: set[str] | None = None) -> str:
    """The region's municipalities against the region's value: each municipality a dot at its
    n (the survey design's effective n, or the denominator) and value, with the mart's 95 % and
    99.8 % limits drawn through the municipalities' own limits in order of n. ``highlight``
    (a cluster's members) are drawn filled, the others hollow. A dot beyond a limit is a
    municipality that differs from the region by more than chance at that level, whatever its
    size - which a ranking cannot tell."""
    funnel = indicator.funnel
    if funnel is None:
        return ""
    highlight = highlight or set()
    points = funnel.points
    drawn = [funnel.region_value] + [
        v for p in points for v in (p.value, p.lower_998, p.upper_998) if v is not None
    ]
    low, high, step = axis_range(drawn)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n_max = max(p.n for p in points) * 1.05 or 1.0

    def x(n: float) -> float:
        return LEFT + n / n_max * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    title = f"Kommunerne {funnel.year} mod regionen: {indicator.name}"
    chart_id = f"funnel-{indicator.code}"
    parts = [
        f'<svg class="funnel-chart" id="{chart_id}" data-indicator="{indicator.code}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(funnel_text(indicator))}</desc>'
    ]
    for i in range(round((high - low) / step) + 1):
        value = low + i * step
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#ddd"/><text class="tick" x="{LEFT - 6}" '
            f'y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{percent(value, 0 if value == int(value) else 1)}</text>"
        )
    parts.append(
        f'<line class="y-axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" '
        f'stroke="#666"/><text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 4}" '
        'text-anchor="middle" font-size="11">Antal (effektivt antal svarpersoner eller personer)'
        "</text>"
    )
    magnitude = 10 ** math.floor(math.log10(n_max / 4))
    n_step = next(m * magnitude for m in (1, 2, 5, 10) if n_max / (m * magnitude) <= 5)
    for i in range(int(n_max // n_step) + 1):
        parts.append(
            f'<text class="tick" x="{x(i * n_step):.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'text-anchor="middle" font-size="11">{number(i * n_step, 0)}</text>'
        )
    region = STYLES["region"]
    level = y(funnel.region_value)
    parts.append(
        f'<line class="baseline" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{level:.1f}" '
        f'y2="{level:.1f}" stroke="{region["stroke"]}" stroke-width="2"/>'
    )
    for name, dash in (("95", "5 3"), ("998", "")):
        for side in ("lower", "upper"):
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{x(p.n):.1f},{y(getattr(p, f'{side}_{name}')):.1f}"
                for i, p in enumerate(points)
            )
            parts.append(
                f'<path class="limit limit-{name}" d="{path}" fill="none" stroke="#555" '
                f'stroke-width="1.2" stroke-dasharray="{dash}"/>'
            )
    for p in points:
        filled = p.code in highlight or not highlight
        parts.append(
            f'<circle class="municipality position-{p.position}" data-kommune="{p.code}" '
            f'cx="{x(p.n):.1f}" cy="{y(p.value):.1f}" r="4" stroke="#000" '
            f'fill="{"#E69F00" if filled else "#fff"}"><title>{escape(p.name)}: '
            f"{percent(p.value)}</title></circle>"
        )
    legend = [
        (region["stroke"], "", f"Regionen, {percent(funnel.region_value)}"),
        ("#555", "5 3", "95 %-grænser"),
        ("#555", "", "99,8 %-grænser"),
    ]
    for i, (stroke, dash, label) in enumerate(legend):
        legend_y = TOP + 14 + i * 18
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 36}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{stroke}" stroke-width="1.5" '
            f'stroke-dasharray="{dash}"/><text class="legend" x="{WIDTH - RIGHT + 42}" '
            f'y="{legend_y}" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def funnel_text(indicator: Indicator) -> str:
    """The funnel plot in words: every municipality's value, n and place in the funnel."""
    funnel = indicator.funnel
    lines = [f"Regionens værdi {funnel.year}: {percent(funnel.region_value)}."]
    lines += [
        f"{p.name}: {percent(p.value)}, antal {number(p.n, 0)}, "
        f"{FUNNEL_DA[p.position].lower()} (95 %: {interval(p.lower_95, p.upper_95)}; "
        f"99,8 %: {interval(p.lower_998, p.upper_998)})."
        for p in funnel.points
    ]
    return " ".join(lines)
