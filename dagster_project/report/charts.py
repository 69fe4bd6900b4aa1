"""Trend charts as inline SVG: the report must open offline, so no charting library from a CDN.

One chart per indicator: a line per cluster, a heavier line for the region and a dashed one for
Denmark. A line never bridges a gap: a suppressed or missing year breaks it, and so does a
series break (a changed definition), which is also marked with a labelled vertical rule.
"""

from html import escape

from dagster_project.report.content import Indicator, Series
from dagster_project.report.formatting import percent

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 230, 16, 34
CLUSTER_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]
STYLES = {
    "region": {"stroke": "#08306b", "width": 3.0, "dash": ""},
    "country": {"stroke": "#404040", "width": 2.0, "dash": "6 4"},
}


def _scale(indicator: Indicator) -> tuple[float, float]:
    """Tick step and top: from zero (shares compare by size) to a round step above the maximum."""
    values = [p.value for s in indicator.series for p in s.points.values() if p.value is not None]
    top = max(values, default=10.0)
    step = 5.0 if top <= 30 else 10.0
    return step, min(100.0, step * (int(top // step) + 1))


def _style(series: Series, index: int) -> dict:
    if series.kind in STYLES:
        return STYLES[series.kind]
    return {"stroke": CLUSTER_COLOURS[index % len(CLUSTER_COLOURS)], "width": 1.8, "dash": ""}


def trend_chart(indicator: Indicator) -> str:
    years = indicator.years
    step, high = _scale(indicator)
    low = 0.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(years[-1] - years[0], 1)

    def x(year: int) -> float:
        if len(years) == 1:
            return LEFT + plot_w / 2
        return LEFT + (year - years[0]) / span * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    title = f"Udvikling {years[0]}-{years[-1]}: {indicator.name}"
    parts = [
        f'<svg class="trend-chart" data-indicator="{indicator.code}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i in range(int(high // step) + 1):
        value = i * step
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{percent(value, 0)}</text>"
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
    clusters = 0
    for position, series in enumerate(indicator.series):
        style = _style(series, clusters)
        clusters += series.kind == "cluster"
        parts.append(_series_path(series, years, indicator.break_years, x, y, style))
        legend_y = TOP + 14 + position * 18
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 36}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{style["stroke"]}" stroke-width="{style["width"]}" '
            f'stroke-dasharray="{style["dash"]}"/><text class="legend" x="{WIDTH - RIGHT + 42}" '
            f'y="{legend_y}" font-size="11">{escape(series.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _series_path(series: Series, years, break_years, x, y, style: dict) -> str:
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
            f'<circle data-year="{year}" cx="{x(year):.1f}" cy="{y(point.value):.1f}" r="2.6" '
            f'fill="{style["stroke"]}"><title>{escape(series.label)} {year}: '
            f"{percent(point.value)}</title></circle>"
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
