"""The report's charts as inline SVG drawn here: members, capital, resolutions and treasury over time.

Drawn by hand rather than with a plotting library so that the report needs no script, font or image
from outside the page and opens with no network; the axes get round numbers and dates an auditor can read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from .tables import currency

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 72, 20, 52, 56


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: list[tuple[int, float]]


def figures(audit: dict) -> str:
    """The report's four charts, each an inline SVG in a figure of the chart grid."""
    figures = [
        _members_chart(audit),
        _capital_chart(audit),
        _resolutions_chart(audit),
        _treasury_chart(audit),
    ]
    return '<div class="charts">\n' + "\n".join(f"<figure>{svg}</figure>" for svg in figures) + "\n</div>"


def _series(audit: dict, name: str) -> list[dict]:
    return sorted((audit.get("series") or {}).get(name, []), key=lambda p: p.get("time") or 0)


def _members_chart(audit: dict) -> str:
    points = [(p["time"], float(p["count"])) for p in _series(audit, "members")]
    return _time_chart(
        audit, "members", "Members over time", "members", [Series("members", "members", points)], whole=True
    )


def _capital_chart(audit: dict) -> str:
    symbol, decimals = currency(audit)
    rows = _series(audit, "capital")
    paid = [(p["time"], _units(p.get("paid"), decimals)) for p in rows]
    claims = [(p["time"], _units(p.get("open_claims"), decimals)) for p in rows]
    return _time_chart(
        audit,
        "capital",
        "Capital over time",
        symbol,
        [Series("paid", "paid-in capital", paid), Series("open_claims", "open refund claims", claims)],
    )


def _treasury_chart(audit: dict) -> str:
    symbol, decimals = currency(audit)
    points = [(p["time"], _units(p.get("balance"), decimals)) for p in _series(audit, "treasury")]
    return _time_chart(audit, "treasury", "Treasury balance", symbol, [Series("treasury", "balance", points)])


def _units(value: int | None, decimals: int) -> float:
    return (value or 0) / 10**decimals


def _svg_open(chart: str, title: str) -> str:
    return (
        f'<svg class="chart" data-chart="{chart}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{chart}-title"><title id="chart-{chart}-title">{escaped(title)}</title>'
        f'<text class="chart-title" x="{LEFT}" y="18">{escaped(title)}</text>'
    )


def _axis_labels(x_label: str, y_label: str) -> str:
    mid_y = TOP + (HEIGHT - TOP - BOTTOM) / 2
    return (
        f'<text class="axis-label x-label" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.1f}" y="{HEIGHT - 8}" '
        f'text-anchor="middle">{escaped(x_label)}</text>'
        f'<text class="axis-label y-label" x="16" y="{mid_y:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 16 {mid_y:.1f})">{escaped(y_label)}</text>'
    )


def _frame() -> str:
    bottom = HEIGHT - BOTTOM
    return (
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}"/>'
        f'<line class="axis" x1="{LEFT}" y1="{bottom}" x2="{WIDTH - RIGHT}" y2="{bottom}"/>'
    )


def _empty(message: str) -> str:
    x = LEFT + (WIDTH - LEFT - RIGHT) / 2
    y = TOP + (HEIGHT - TOP - BOTTOM) / 2
    return f'<text class="empty" x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escaped(message)}</text>'


def _time_chart(
    audit: dict, chart: str, title: str, y_label: str, series: list[Series], whole: bool = False
) -> str:
    """Step lines over time (a value holds until it changes), each series to the audited block's time."""
    parts = [_svg_open(chart, title), _axis_labels("date (UTC)", y_label)]
    if not any(s.points for s in series):
        parts += [_frame(), _empty("no data yet"), "</svg>"]
        return "".join(parts)
    start, end = _time_domain(audit, series)
    top = _nice_max(max(y for s in series for _, y in s.points), whole)
    x = _scale(start, end, LEFT, WIDTH - RIGHT)
    y = _scale(0, top, HEIGHT - BOTTOM, TOP)
    parts += [_y_ticks(top, y, whole), _x_ticks(start, end, x), _frame()]
    parts += [_step_line(s, x, y, end) for s in series if s.points]
    if len(series) > 1:
        parts.append(_legend([(f"series-{s.key}", s.label) for s in series]))
    parts.append("</svg>")
    return "".join(parts)


def _time_domain(audit: dict, series: list[Series]) -> tuple[int, int]:
    times = [t for s in series for t, _ in s.points]
    created = (audit.get("cooperative") or {}).get("created_at")
    start = min(times + ([created] if created else []))
    end = max(times + ([audit["block_time"]] if audit.get("block_time") else []))
    if end - start < 3600:
        start, end = start - 43200, end + 43200
    return start, end


def _scale(lo: float, hi: float, out_lo: float, out_hi: float) -> Callable[[float], float]:
    span = (hi - lo) or 1
    return lambda value: out_lo + (value - lo) * (out_hi - out_lo) / span


def _nice_max(value: float, whole: bool) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least `value` (at least 1 for whole numbers)."""
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** _floor_log10(value)
    for step in (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10):
        if step * magnitude >= value * (1 - 1e-12):
            nice = step * magnitude
            return max(nice, 1.0) if whole else nice
    return 10 * magnitude


def _floor_log10(value: float) -> int:
    exponent = 0
    while value >= 10:
        value /= 10
        exponent += 1
    while value < 1:
        value *= 10
        exponent -= 1
    return exponent


def _y_ticks(top: float, y: Callable[[float], float], whole: bool) -> str:
    count = _tick_count(top, whole)
    parts = ['<g class="tick y-ticks">']
    for i in range(count + 1):
        value = top * i / count
        py = y(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{py:.1f}" x2="{WIDTH - RIGHT}" y2="{py:.1f}"/>'
            f'<text x="{LEFT - 6}" y="{py + 4:.1f}" text-anchor="end">{escaped(_tick_number(value))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _tick_count(top: float, whole: bool) -> int:
    """Gridlines that fall on round numbers: 0-5 by one for small counts, else fifths (quarters of 2s)."""
    if whole and top < 5:
        return max(int(top), 1)
    leading = top / 10.0 ** _floor_log10(top)
    return 4 if round(leading, 6) == 2 else 5


def _tick_number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _x_ticks(start: int, end: int, x: Callable[[float], float]) -> str:
    fmt = "%Y-%m-%d" if end - start > 3 * 86400 else "%m-%d %H:%M"
    bottom = HEIGHT - BOTTOM
    parts = ['<g class="tick x-ticks">']
    for i in range(5):
        moment = start + (end - start) * i / 4
        px = x(moment)
        label = datetime.fromtimestamp(int(moment), UTC).strftime(fmt)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(
            f'<line x1="{px:.1f}" y1="{bottom}" x2="{px:.1f}" y2="{bottom + 5}"/>'
            f'<text x="{px:.1f}" y="{bottom + 18}" text-anchor="{anchor}">{escaped(label)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _step_line(series: Series, x: Callable[[float], float], y: Callable[[float], float], end: int) -> str:
    points = series.points
    path = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
    for t, value in points[1:]:
        path.append(f"H{x(t):.1f}V{y(value):.1f}")
    path.append(f"H{x(end):.1f}")
    css = f"series-{series.key}"
    dots = (
        ""
        if len(points) > 200
        else "".join(
            f'<circle class="point {css}" cx="{x(t):.1f}" cy="{y(value):.1f}" r="3"/>' for t, value in points
        )
    )
    return (
        f'<g class="{css}" data-series="{escaped(series.key)}"><path class="line {css}" d="{"".join(path)}"/>'
        f"{dots}</g>"
    )


def _legend(entries: list[tuple[str, str]], quorum: bool = False) -> str:
    """Coloured squares and names in a row under the title (and the dashed quorum line when asked)."""
    parts = ['<g class="legend">']
    x = float(LEFT)
    for css, label in entries:
        parts.append(
            f'<rect class="{css}" x="{x:.0f}" y="29" width="11" height="11"/>'
            f'<text x="{x + 15:.0f}" y="39">{escaped(label)}</text>'
        )
        x += 24 + 6.5 * len(label)
    if quorum:
        parts.append(
            f'<line class="quorum" x1="{x:.0f}" y1="34.5" x2="{x + 14:.0f}" y2="34.5"/>'
            f'<text x="{x + 18:.0f}" y="39">quorum</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _resolutions_chart(audit: dict) -> str:
    """Per resolution: the members with a vote (grey), the ballots stacked on them, the quorum as a dashed
    line across, and a mark below for the outcome."""
    minutes = audit.get("minutes", [])
    parts = [
        _svg_open("resolutions", "Turnout and result per resolution"),
        _axis_labels("resolution", "votes"),
    ]
    if not minutes:
        parts += [_frame(), _empty("no resolutions yet"), "</svg>"]
        return "".join(parts)
    top = _nice_max(max(_resolution_height(m) for m in minutes), whole=True)
    y = _scale(0, top, HEIGHT - BOTTOM, TOP)
    band = (WIDTH - LEFT - RIGHT) / len(minutes)
    label_every = max(1, -(-len(minutes) // 20))
    parts += [_y_ticks(top, y, whole=True), _frame()]
    for i, minute in enumerate(minutes):
        parts.append(_resolution_bar(minute, LEFT + i * band, band, y, show_label=i % label_every == 0))
    parts.append(
        _legend(
            [
                ("bar for", "for"),
                ("bar against", "against"),
                ("bar abstain", "abstain"),
                ("bar eligible", "members with a vote"),
            ],
            quorum=True,
        )
    )
    parts.append("</svg>")
    return "".join(parts)


def _resolution_height(minute: dict) -> int:
    cast = sum(minute.get(key) or 0 for key in ("for", "against", "abstain"))
    return max(minute.get("eligible") or 0, minute.get("quorum") or 0, cast)


def _outcome(state: str | None) -> str:
    state = (state or "").lower()
    if state in ("succeeded", "queued", "executed"):
        return "passed"
    if state in ("defeated", "canceled", "expired"):
        return "failed"
    return "open"


def _resolution_bar(
    minute: dict, left: float, band: float, y: Callable[[float], float], show_label: bool
) -> str:
    number, state = minute.get("number"), minute.get("state")
    width = max(band * 0.7, 1.0)
    x = left + (band - width) / 2
    bottom = HEIGHT - BOTTOM
    eligible, quorum = minute.get("eligible") or 0, minute.get("quorum") or 0
    tip = (
        f"Resolution {number}: {minute.get('title')} - {minute.get('for')} for, {minute.get('against')} "
        f"against, {minute.get('abstain')} abstain of {eligible} eligible; quorum {quorum}; {state}"
    )
    parts = [
        f'<g class="resolution" data-resolution="{escaped(number)}" data-state="{escaped(state)}">'
        f"<title>{escaped(tip)}</title>",
        f'<rect class="bar eligible" x="{x:.1f}" y="{y(eligible):.1f}" width="{width:.1f}" '
        f'height="{bottom - y(eligible):.1f}"/>',
    ]
    base = 0
    for key in ("for", "against", "abstain"):
        count = minute.get(key) or 0
        if count:
            parts.append(
                f'<rect class="bar {key}" x="{x:.1f}" y="{y(base + count):.1f}" width="{width:.1f}" '
                f'height="{y(base) - y(base + count):.1f}"/>'
            )
        base += count
    parts.append(
        f'<line class="quorum" x1="{x - 2:.1f}" y1="{y(quorum):.1f}" x2="{x + width + 2:.1f}" '
        f'y2="{y(quorum):.1f}"/>'
    )
    parts.append(
        f'<rect class="outcome {_outcome(state)}" x="{x:.1f}" y="{bottom + 4}" width="{width:.1f}" '
        'height="5"/>'
    )
    if show_label:
        parts.append(
            f'<text class="bar-label" x="{x + width / 2:.1f}" y="{bottom + 22}" '
            f'text-anchor="middle">{escaped(number)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def escaped(value: Any) -> str:
    """`value` as text safe inside HTML or SVG, in an element or a quoted attribute (None as nothing)."""
    return escape("" if value is None else str(value), quote=True)
