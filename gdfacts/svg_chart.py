"""A small dot chart as inline SVG, drawn on the server: no script, nothing
fetched. Periods across, values up; one colour per series, circles for
observed values and diamonds for targets, the record of the page ringed.
Every text is escaped; each point carries its words as a tooltip, and the
chart as a whole its title (the page lists the same values beside it)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Callable

# Colours with at least 4.5:1 contrast on white, told apart by shape and legend too.
PALETTE = ("#1f5fa8", "#b3420b", "#2e7d32", "#7b3fa0", "#8a6100", "#00796b")


@dataclass(frozen=True)
class Point:
    x: str  # the period, as it sorts
    y: float
    series: str  # what the colour tells (a region, or one series)
    target: bool  # a target or plan (diamond), or an observed value (circle)
    label: str  # the point in words, for its tooltip
    current: bool = False


def ticks(low: float, high: float, count: int = 4, whole: bool = False) -> list[float]:
    """Round values from at or below `low` to at or above `high`, about `count`
    steps (whole numbers only, for counts and ranks)."""
    if high == low:
        low, high = (low - 1, high + 1) if low == 0 else (low - abs(low) / 2, high + abs(high) / 2)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    index = math.floor(low / step + 1e-9)
    out = [index * step]
    while out[-1] < high - step * 1e-9:
        index += 1
        out.append(index * step)
    return [float(f"{value:.12g}") for value in out]


def dot_chart(points: list[Point], *, chart_id: str, title: str, y_words: Callable[[float], str],
              floor: float = 0.0, whole: bool = False, width: int = 520, height: int = 220) -> str:
    """The chart's SVG markup (a string of escaped, well-formed SVG). The axis
    starts at `floor` or below (0; 1 for a rank); `whole` ticks for counts."""
    periods = sorted({p.x for p in points})
    series = list(dict.fromkeys(p.series for p in points))
    values = [p.y for p in points]
    scale = ticks(min(floor, min(values)), max(floor, max(values)), whole=whole)
    tick_labels = [y_words(t) for t in scale]
    left = 12 + 7.5 * max(len(t) for t in tick_labels)
    right, top, bottom = 16, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = scale[0], scale[-1]

    def x_of(period: str, serie: str) -> float:
        slot = plot_w / len(periods)
        spread = min(10.0, slot / (len(series) + 1))
        offset = (series.index(serie) - (len(series) - 1) / 2) * spread
        return left + slot * (periods.index(period) + 0.5) + offset

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    out = [f'<svg class="dot-chart" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{chart_id}-title">{escape(title)}</title>']
    for value, label in zip(scale, tick_labels):
        y = y_of(value)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{"#888" if value == 0 else "#ddd"}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="13" fill="#333">'
                   f'{escape(label)}</text>')
    for period in periods:
        x = left + plot_w / len(periods) * (periods.index(period) + 0.5)
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" font-size="13" fill="#333">'
                   f'{escape(period)}</text>')
    for p in sorted(points, key=lambda p: p.current):  # the page's own record drawn last, on top
        x, y = x_of(p.x, p.series), y_of(p.y)
        colour = PALETTE[series.index(p.series) % len(PALETTE)]
        r = 7 if p.current else 5
        ring = ' stroke="#000" stroke-width="2.5"' if p.current else ' stroke="#fff" stroke-width="1"'
        if p.target:
            shape = (f'<path d="M{x:.1f} {y - r - 1.5:.1f} L{x + r + 1.5:.1f} {y:.1f} L{x:.1f} {y + r + 1.5:.1f} '
                     f'L{x - r - 1.5:.1f} {y:.1f} Z" fill="{colour}"{ring}>')
            out.append(f'{shape}<title>{escape(p.label)}</title></path>')
        else:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"{ring}>'
                       f'<title>{escape(p.label)}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def legend(points: list[Point]) -> list[dict]:
    """The series and shapes the chart uses, for a legend written beside it."""
    series = list(dict.fromkeys(p.series for p in points))
    return [{"series": s, "colour": PALETTE[i % len(PALETTE)]} for i, s in enumerate(series)]
