"""SVG charts and small tables of the HTML reports, drawn here so the page loads nothing.

Every string is escaped where it lands (text, attributes, tooltips): model output and test ids
are untrusted.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

from pytest_chunky.reports.text import excerpt
from pytest_chunky.results import IterationStats, RegressionStats, SteerStats

__all__ = ["_e", "_fmt", "_num", "chunk_chart", "rate_bars", "regression_chart", "score_chart",
           "steer_chart", "weights_table"]

_W, _H, _L, _R, _T, _B = 560, 190, 40, 12, 12, 28  # chart width, height and margins


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _num(value: object) -> float | None:
    """A finite number from loosely typed attribution data, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _fmt(value: object, spec: str = ".3g") -> str:
    number = _num(value)
    return "–" if number is None else format(number, spec)


def _xy(i: int, n: int, value: float) -> tuple[float, float]:
    x = _L + (_W - _L - _R) * (i / (n - 1) if n > 1 else 0.5)
    return x, _T + (_H - _T - _B) * (1 - max(0.0, min(100.0, value)) / 100)


def score_chart(iterations: Sequence[IterationStats], threshold: float | None = None) -> str:
    """Line chart of best and mean-buffer judge scores (0–100) per iteration."""
    if not iterations:
        return '<p class="muted">no completed iteration</p>'
    n = len(iterations)
    out = [f'<svg class="chart" viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" '
           'role="img" aria-label="score per iteration">']
    for tick in (0, 25, 50, 75, 100):
        y = _xy(0, n, tick)[1]
        out.append(f'<line class="grid" x1="{_L}" x2="{_W - _R}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text x="{_L - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    step = max(1, math.ceil(n / 12))
    for i, it in enumerate(iterations):
        if i % step == 0 or i == n - 1:
            x = _xy(i, n, 0)[0]
            out.append(f'<text x="{x:.1f}" y="{_H - 10}" text-anchor="middle">'
                       f"{_e(it.iteration)}</text>")
    if threshold is not None and 0 <= threshold <= 100:
        y = _xy(0, n, threshold)[1]
        out.append(f'<line class="thr" x1="{_L}" x2="{_W - _R}" y1="{y:.1f}" y2="{y:.1f}">'
                   f"<title>threshold {threshold:g}</title></line>")
    series = (("best", "best score", [float(it.best_score) for it in iterations]),
              ("mean", "buffer mean", [_num(it.mean_buffer_score) or 0.0 for it in iterations]))
    for cls, label, values in series:
        points = [_xy(i, n, v) for i, v in enumerate(values)]
        out.append(f'<polyline class="{cls}" points="'
                   + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        for it, (x, y), v in zip(iterations, points, values, strict=True):
            out.append(f'<circle class="pt {cls}" cx="{x:.1f}" cy="{y:.1f}" r="3"><title>'
                       f"iteration {_e(it.iteration)}: {label} {v:.1f}</title></circle>")
    out.append(f'<text x="{_L + 4}" y="{_H - 0.5}" fill="#b91c1c">— best score</text>'
               f'<text x="{_L + 104}" y="{_H - 0.5}" fill="#2563eb">— buffer mean</text>'
               f'<text x="{_W - _R}" y="{_H - 0.5}" text-anchor="end">iteration</text></svg>')
    return "".join(out)


def weights_table(iterations: Sequence[IterationStats], limit: int = 8) -> str:
    """Heat-map table: the top attributes' buffer weights (rows) across iterations (columns)."""
    peak: dict[str, float] = {}
    for it in iterations:
        for attribute, weight in it.top_weights.items():
            peak[attribute] = max(peak.get(attribute, 0.0), _num(weight) or 0.0)
    if not peak:
        return '<p class="muted">no attribute weights recorded</p>'
    attributes = sorted(peak, key=lambda a: -peak[a])[:limit]
    top = max(peak[a] for a in attributes)
    top = top if top > 0 else 1.0
    rows = ['<div class="scroll"><table class="heat"><tr><th>attribute \\ iteration</th>'
            + "".join(f"<th>{_e(it.iteration)}</th>" for it in iterations) + "</tr>"]
    for attribute in attributes:
        cells = []
        for it in iterations:
            w = _num(it.top_weights.get(attribute))
            if w is None:
                cells.append("<td></td>")
                continue
            alpha = max(0.0, w) / top
            ink = "#fff" if alpha > 0.55 else "#0f172a"
            cells.append(f'<td style="background:rgba(37,99,235,{alpha:.2f});color:{ink}" '
                         f'title="{_e(attribute)}: {w:.4g}">{w:.2g}</td>')
        rows.append(f'<tr><th class="attr" title="{_e(attribute)}">{_e(excerpt(attribute, 90))}'
                    f"</th>{''.join(cells)}</tr>")
    return "".join(rows) + "</table></div>"


def chunk_chart(chunks: object, top_chunk: object = None, limit: int = 12) -> str:
    """Horizontal bars of how each training chunk figures among the retrieved examples."""
    rows = [c for c in chunks if isinstance(c, Mapping)] if isinstance(chunks, list) else []
    rows = rows[:limit]
    key = next((k for k in ("share", "hits", "trigger_hits", "retrieved")
                if any(_num(c.get(k)) is not None for c in rows)), None)
    if not rows or key is None:
        return '<p class="muted">no chunk statistics</p>'
    values = [max(0.0, _num(c.get(key)) or 0.0) for c in rows]
    scale = max(values) or 1.0
    label_w, bar_w, row_h = 230, 300, 22
    height = row_h * len(rows) + 10
    out = [f'<svg class="chunks" viewBox="0 0 {label_w + bar_w + 190} {height}" '
           f'width="{label_w + bar_w + 190}" height="{height}" role="img" '
           f'aria-label="chunks by {key}">']
    for i, (chunk, value) in enumerate(zip(rows, values, strict=True)):
        y = 5 + i * row_h
        source = str(chunk.get("source", "?"))
        width = bar_w * value / scale
        shown = f"{value:.0%}" if key == "share" else f"{value:g}"
        lift = _num(chunk.get("lift"))
        note = f"{key} {shown}" + (f" · lift ×{lift:.2f}" if lift is not None else "")
        top = " top" if top_chunk is not None and source == str(top_chunk) else ""
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">'
                   f"{_e(excerpt(source, 28))}<title>{_e(source)}</title></text>"
                   f'<rect class="bar{top}" x="{label_w}" y="{y + 3}" width="{width:.1f}" '
                   f'height="{row_h - 6}"><title>{_e(source)}: {_e(note)}</title></rect>')
        corpus = _num(chunk.get("corpus_share")) if key == "share" else None
        if corpus is not None and 0 <= corpus <= scale:
            x = label_w + bar_w * corpus / scale
            width = max(width, x - label_w)
            out.append(f'<line class="base" x1="{x:.1f}" x2="{x:.1f}" y1="{y + 1}" '
                       f'y2="{y + row_h - 1}"><title>corpus share {corpus:.0%}</title></line>')
        out.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 15}">{_e(note)}</text>')
    return "".join(out) + "</svg>"


def rate_bars(rows: Sequence[tuple[str, float, tuple[float, float] | None, str]],
              caption: str) -> str:
    """Horizontal bars of rates in [0, 1], each with an optional interval whisker."""
    width, bar = 360, 28
    parts = [f'<svg width="{width + 210}" height="{len(rows) * (bar + 10) + 40}" '
             'role="img" aria-label="rates">']
    for i, (label, rate, interval, colour) in enumerate(rows):
        y = 10 + i * (bar + 10)
        parts.append(f'<text x="0" y="{y + bar / 2 + 4}">{_e(excerpt(label, 22))}</text>'
                     f'<rect class="bar" x="160" y="{y}" width="{max(1.0, rate * width):.1f}" '
                     f'height="{bar}" style="fill:{colour}"/>'
                     f'<text x="{166 + rate * width:.1f}" y="{y + bar / 2 - 4}">'
                     f"{rate:.0%}</text>")
        if interval is not None:
            lo, hi = (160 + v * width for v in interval)
            parts.append(f'<line class="base" x1="{lo:.1f}" x2="{hi:.1f}" y1="{y + bar / 2}" '
                         f'y2="{y + bar / 2}"/>')
    y = 10 + len(rows) * (bar + 10) + 12
    return "".join(parts) + f'<text x="0" y="{y}">{_e(caption)}</text></svg>'


def steer_chart(s: SteerStats) -> str:
    """Behaviour rate on the original and the transformed prompts, with the score's interval."""
    return rate_bars([("original", s.base_rate, None, "#2563eb"),
                      (s.transform, s.transformed_rate, None, "#b91c1c")],
                     f"steering {s.score:+.2f} (interval {s.ci_low:+.2f} to {s.ci_high:+.2f}, "
                     f"max_delta {s.max_delta:g}, n={s.n}, McNemar p={s.p_value:.2g})")


def regression_chart(g: RegressionStats) -> str:
    return rate_bars([(f"baseline {g.baseline}", g.baseline_rate, g.baseline_ci, "#2563eb"),
                      ("candidate", g.candidate_rate, g.candidate_ci, "#b91c1c")],
                     f"{g.prompts} probe prompts x {g.samples} samples · candidate worse in "
                     f"{g.worse} pairs, better in {g.better} · McNemar p={g.p_value:.2g} "
                     f"({g.mode})")
