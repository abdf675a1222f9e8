"""Inline SVG charts for the HTML report: no JavaScript, no fetched assets, so the report
opens the same offline, in the KFP UI, or as an e-mail attachment.

>>> svg = bar_chart(["A", "B"], {"m1": [0.5, None], "m2": [1.0, 0.25]}, title="Accuracy")
>>> svg.startswith("<svg") and svg.count("<title>") == 3 and "n/a" in svg
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import numpy as np

__all__ = ["PALETTE", "bar_chart", "histogram"]

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948")

_LABEL_W, _BAR_W, _VALUE_W, _BAR_H, _GAP = 230, 420, 70, 14, 8


def bar_chart(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    scale: float = 1.0,
    fmt: str = "{:.0%}",
) -> str:
    """Horizontal grouped bars: one row per category, one bar per series.

    Values run from 0 to ``scale`` (1.0 for shares); ``None`` is drawn as "n/a", not as 0.
    ``fmt`` formats the value printed after each bar.
    """
    names = list(series)
    row_h = _BAR_H * len(names) + _GAP
    legend_h = 22 if len(names) > 1 else 0
    top = 28 + legend_h
    height = top + row_h * len(categories) + 6
    width = _LABEL_W + _BAR_W + _VALUE_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if legend_h:
        parts += _legend(names, y=34)
    for row, category in enumerate(categories):
        y0 = top + row * row_h
        parts.append(
            f'<text x="{_LABEL_W - 6}" y="{y0 + row_h / 2 + 2:.1f}" text-anchor="end">'
            f"{escape(str(category))}</text>"
        )
        for i, name in enumerate(names):
            parts += _bar(series[name][row], y0 + i * _BAR_H, PALETTE[i % len(PALETTE)], scale, fmt)
    parts.append(
        f'<line x1="{_LABEL_W}" y1="{top - 4}" x2="{_LABEL_W}" y2="{height - 4}" stroke="#555"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _bar(value: float | None, y: float, color: str, scale: float, fmt: str) -> list[str]:
    text_y = f"{y + _BAR_H - 3:.1f}"
    if value is None:
        return [f'<text x="{_LABEL_W + 4}" y="{text_y}" fill="#888">n/a</text>']
    w = _BAR_W * min(max(value / scale, 0.0), 1.0) if scale > 0 else 0.0
    return [
        f'<rect x="{_LABEL_W}" y="{y:.1f}" width="{w:.1f}" height="{_BAR_H - 2}" fill="{color}">'
        f"<title>{escape(fmt.format(value))}</title></rect>",
        f'<text x="{_LABEL_W + w + 4:.1f}" y="{text_y}">{escape(fmt.format(value))}</text>',
    ]


def _legend(names: Sequence[str], y: int) -> list[str]:
    out, x = [], _LABEL_W
    for i, name in enumerate(names):
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{x + 16}" y="{y}">{escape(name)}</text>')
        x += 30 + 7 * len(name)
    return out


def histogram(
    values: Mapping[str, Sequence[float]], *, title: str, bins: int = 10, unit: str = "ms"
) -> str:
    """Counts per value range, one bar per series, on shared bin edges.

    >>> "0 to 5 ms" in histogram({"m": [1.0, 2.0, 10.0]}, title="t", bins=2)
    True
    """
    pooled = [v for vs in values.values() for v in vs]
    if not pooled:
        return bar_chart([], {name: [] for name in values}, title=f"{title} (no timings)")
    edges = np.histogram_bin_edges(pooled, bins=bins, range=(0.0, max(pooled) or 1.0))
    counts = {name: np.histogram(vs, bins=edges)[0].tolist() for name, vs in values.items()}
    labels = [f"{lo:.0f} to {hi:.0f} {unit}" for lo, hi in zip(edges[:-1], edges[1:])]
    peak = max(max(c) for c in counts.values()) or 1
    return bar_chart(labels, counts, title=title, scale=peak, fmt="{:.0f}")
