"""Self-contained HTML and JSON reports of a session's searches.

The HTML opens offline and runs nothing: styles are inline, charts are SVG drawn here, and a
strict Content-Security-Policy forbids every load and every script. Model output and test ids
are untrusted, so every string is escaped where it lands (text, attributes, SVG tooltips); the
CSP is a second wall in case an escape is ever missed, not the first.
"""

from __future__ import annotations

import html
import json
import math
import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_chunky.infra.credentials import redact
from pytest_chunky.infra.errors import ChunkyError, ConfigError
from pytest_chunky.reports.text import VERDICT_ORDER, excerpt, headline
from pytest_chunky.results import (
    Confirmation,
    IterationStats,
    RegressionStats,
    SearchResult,
    SteerStats,
)

__all__ = ["CSP", "SCRIPT_MARKER", "browser_check", "page", "rate_bars", "render_html",
           "to_json", "usage_totals", "write_html", "write_json"]

Results = Sequence[tuple[str, SearchResult]]
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
SCRIPT_MARKER = "chunky-script-ran"
_VERDICTS = ("pass", "fail", "error")
_USAGE_KEYS = ("calls", "cache_hits", "input_tokens", "output_tokens", "cost_usd", "errors")

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
main{max-width:1100px;margin:0 auto;padding:16px 24px}h1{font-size:22px}
h2{font-size:18px;margin:0 0 8px}h3{font-size:15px;margin:18px 0 6px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:16px;margin:18px 0}
table{border-collapse:collapse}table.summary{width:100%;table-layout:fixed}
table.audit{width:100%}table.audit td:nth-child(4){overflow-wrap:anywhere;max-width:260px}
table.summary td,table.summary th{overflow-wrap:anywhere}
table.summary th{width:6%}table.summary th:nth-child(1){width:24%}
table.summary th:nth-child(2),table.summary th:nth-child(3){width:9%}
table.summary th:nth-child(10){width:17%}td.n,.badge{white-space:nowrap}
h2,.headline,dl.meta dd,.failure,.turf{overflow-wrap:anywhere;min-width:0}
.headline{font-size:15px;font-weight:600;margin:2px 0 10px}
section.s-pass summary{cursor:pointer;list-style-position:outside}
section.s-pass summary h2,section.s-pass summary p{display:inline}
td,th{padding:3px 8px;border-bottom:1px solid #e2e8f0;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600}
.v-pass{background:#15803d}.v-fail{background:#b91c1c}.v-error{background:#b45309}
pre{white-space:pre-wrap;word-break:break-word;background:#f1f5f9;padding:8px;margin:4px 0;
max-height:320px;overflow:auto;border-radius:4px}
.muted{color:#64748b}.scroll{overflow-x:auto}.lbl{color:#475569;font-weight:600;margin-top:6px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
dl.meta dt{color:#475569}dl.meta dd{margin:0}
.failure,.turf{border-left:4px solid #b91c1c;padding:4px 12px;margin:10px 0}
.turf{border-color:#7c3aed}.ev{border-top:1px dashed #cbd5e1;padding-top:4px}
table.heat td{min-width:34px;text-align:center;font-size:12px}table.heat th.attr{max-width:420px}
svg text{font-size:11px;fill:#334155}svg .grid{stroke:#e2e8f0}
svg .thr{stroke:#94a3b8;stroke-dasharray:4 3}polyline{fill:none;stroke-width:2}
polyline.best{stroke:#b91c1c}polyline.mean{stroke:#2563eb}circle.best{fill:#b91c1c}
circle.mean{fill:#2563eb}rect.bar{fill:#7c3aed}rect.bar.top{fill:#b91c1c}
line.base{stroke:#0f172a;stroke-width:2}
"""


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


def usage_totals(result: SearchResult) -> dict[str, float]:
    """Usage summed over roles, plus `tokens` (input + output)."""
    totals = dict.fromkeys(_USAGE_KEYS, 0.0)
    for role in result.usage.values():
        for key in _USAGE_KEYS:
            totals[key] += _num(role.get(key)) or 0.0
    totals["tokens"] = totals["input_tokens"] + totals["output_tokens"]
    return totals


def _trigger(result: SearchResult) -> str:
    for attribution in result.attributions:
        if isinstance(attribution, Mapping) and attribution.get("trigger"):
            return str(attribution["trigger"])
    failures = result.failures
    return failures[0].attributes[0] if failures and failures[0].attributes else "-"


_W, _H, _L, _R, _T, _B = 560, 190, 40, 12, 12, 28


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


def _pre(label: str, text: object) -> str:
    return f'<div class="lbl">{label}</div><pre>{_e(text)}</pre>'


def _failure(n: int, conf: Confirmation) -> str:
    asked = conf.perturbation_samples or conf.perturbations
    perturbed = (f" · perturbation rate {conf.perturbation_rate:.0%} of {asked}"
                 + (f" ({conf.perturbation_decision})" if conf.perturbation_decision else "")
                 if conf.perturbation_rate is not None else "")
    decided = f" · {conf.decision} by the sequential test" if conf.decision else ""
    attributes = "".join(f"<li>{_e(a)}</li>" for a in conf.attributes)
    return (f'<div class="failure"><b>#{n}</b> score {conf.score} · rate {conf.violations}/'
            f"{conf.samples} = {conf.rate:.0%} (95% Wilson CI {conf.ci_low:.2f}–"
            f"{conf.ci_high:.2f}){decided}{perturbed}"
            + _pre("prompt", conf.query) + _pre("response", conf.response)
            + _pre("judge reason", conf.reason)
            + f'<div class="lbl">attributes</div><ul>{attributes}</ul></div>')


def _evidence(items: object, limit: int = 5) -> str:
    pairs = [p for p in items if isinstance(p, Mapping)][:limit] if isinstance(items, list) else []
    if not pairs:
        return ""
    out = [f"<details open><summary>evidence: {len(pairs)} retrieved training example(s)"
           "</summary>"]
    for pair in pairs:
        similarity = _num(pair.get("similarity"))
        sim = f" · similarity {similarity:.3f}" if similarity is not None else ""
        out.append(f'<div class="ev"><div class="muted">source {_e(pair.get("source", "?"))}'
                   f"{sim}</div>" + _pre("prompt", pair.get("prompt", ""))
                   + _pre("response", pair.get("response", "")) + "</div>")
    return "".join(out) + "</details>"


def _attribution(attribution: object) -> str:
    if not isinstance(attribution, Mapping):
        return ""
    a = attribution
    crux = a.get("crux")
    cruxes = [str(c) for c in crux] if isinstance(crux, list) else ([str(crux)] if crux else [])
    hits, retrieved = a.get("hits"), a.get("retrieved")
    lift = _num(a.get("lift"))
    facts = [("trigger", a.get("trigger")), ("top chunk", a.get("top_chunk")),
             ("lift", f"×{lift:.2f}" if lift is not None else None),
             ("p-value", _fmt(a.get("p_value"))), ("q-value", _fmt(a.get("q_value"))),
             ("hits", f"{hits}/{retrieved}" if hits is not None else None),
             ("trigger by raw hits", a.get("trigger_by_hits"))]
    rows = "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in facts if v not in (None, "", "–"))
    sentence = f"<p><b>{_e(a['sentence'])}</b></p>" if a.get("sentence") else ""
    crux_html = ("<div class=\"lbl\">crux</div><ul>"
                 + "".join(f"<li>{_e(c)}</li>" for c in cruxes) + "</ul>") if cruxes else ""
    return (f'<div class="turf">{sentence}<dl class="meta">{rows}</dl>{crux_html}'
            f'<div class="lbl">chunks</div>{chunk_chart(a.get("chunks"), a.get("top_chunk"))}'
            f"{_evidence(a.get('evidence'))}</div>")


def _verdict(result: SearchResult) -> str:
    verdict = str(result.verdict)
    return verdict if verdict in _VERDICTS else "error"


def _badge(verdict: str) -> str:
    return f'<span class="badge v-{verdict}">{verdict}</span>'


def _section(n: int, test_id: str, r: SearchResult) -> str:
    t = usage_totals(r)
    verdict = _verdict(r)
    meta = [("rubric", r.rubric), ("model", r.model), ("seed", r.seed),
            ("threshold / min rate", f"{r.threshold:g} / {r.min_rate:g}"),
            ("stopped", f"{r.stopped} {r.stop_message}".strip()),
            ("candidates", f"{r.candidates} ({r.scored} scored, {r.duplicates} duplicates, "
                           f"{r.errors} errors)"),
            ("usage", f"{t['calls']:.0f} calls · {t['tokens']:.0f} tokens · "
                      f"${t['cost_usd']:.4f} · {t['cache_hits']:.0f} cache hits"),
            ("top attributes", "; ".join(r.top_attributes()) or "-")]
    if r.replayed:
        meta.append(("replayed", "found by replaying the failure memory"))
    head = (f'<h2>{_badge(verdict)} {_e(test_id)}</h2>'
            f'<p class="headline">{_e(headline(r))}</p>')
    if verdict == "pass":  # passes are collapsed: the page leads with what went wrong
        head = f"<details><summary>{head}</summary>"
    out = [f'<section id="t{n}" class="s-{verdict}">{head}<dl class="meta">'
           + "".join(f"<dt>{k}</dt><dd>{_e(v)}</dd>" for k, v in meta) + "</dl>"]
    if r.usage:
        out.append('<details><summary>usage per role</summary><table><tr><th>role</th>'
                   + "".join(f"<th>{k}</th>" for k in _USAGE_KEYS) + "</tr>"
                   + "".join(f"<tr><td>{_e(role)}</td>"
                             + "".join(f'<td class="n">{_fmt(u.get(k), "g")}</td>'
                                       for k in _USAGE_KEYS) + "</tr>"
                             for role, u in r.usage.items()) + "</table></details>")
    if r.error_messages:
        out.append("<h3>Errors</h3><ul>"
                   + "".join(f"<li>{_e(m)}</li>" for m in r.error_messages) + "</ul>")
    if r.steer is not None:
        out.append("<h3>Steering</h3>" + steer_chart(r.steer))
        return "".join(out) + ("</details>" if verdict == "pass" else "") + "</section>"
    if r.regression is not None:
        out.append("<h3>Baseline comparison</h3>" + regression_chart(r.regression))
    out.append("<h3>Score trajectory</h3>" + score_chart(r.iterations, r.threshold))
    out.append("<h3>Attribute weights per iteration</h3>" + weights_table(r.iterations))
    failures = r.failures
    out.append(f"<h3>Confirmed failures ({len(failures)})</h3>")
    out += [_failure(i, c) for i, c in enumerate(failures, 1)] or ['<p class="muted">none</p>']
    unconfirmed = len(r.confirmations) - len(failures)
    if unconfirmed:
        out.append(f'<p class="muted">{unconfirmed} candidate(s) above the threshold did not '
                   "reproduce on re-sampling.</p>")
    if r.attributions:
        out.append(f"<h3>TURF attribution ({len(r.attributions)})</h3>")
        out += [_attribution(a) for a in r.attributions]
    return "".join(out) + ("</details>" if verdict == "pass" else "") + "</section>"


def _summary(results: Sequence[tuple[int, str, SearchResult]]) -> str:
    if not results:
        return '<p class="muted">no chunky tests ran</p>'
    head = ("test", "rubric", "model", "verdict", "confirmed", "calls", "tokens", "cost $",
            "cache hits", "top trigger")
    rows = ["<div class=\"scroll\"><table class=\"summary\"><tr>"
            + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for n, test_id, r in results:
        t = usage_totals(r)
        rows.append(f'<tr><td title="{_e(test_id)}"><a href="#t{n}">'
                    f"{_e(excerpt(test_id, 90))}</a></td><td>{_e(excerpt(r.rubric, 40))}</td>"
                    f"<td>{_e(excerpt(r.model, 40))}</td><td>{_badge(_verdict(r))}</td>"
                    f'<td class="n">{len(r.failures)}</td><td class="n">{t["calls"]:.0f}</td>'
                    f'<td class="n">{t["tokens"]:.0f}</td><td class="n">{t["cost_usd"]:.4f}'
                    f'</td><td class="n">{t["cache_hits"]:.0f}</td>'
                    f"<td>{_e(excerpt(_trigger(r), 80))}</td></tr>")
    return "".join(rows) + "</table></div>"


def render_html(results: Results, *, title: str = "pytest-chunky report") -> str:
    """One self-contained page: summary table, then one section per test, failures first."""
    counts = Counter(_verdict(r) for _, r in results)
    # Ids follow the session's order; the page shows failures first.
    ordered = [(n, tid, r) for n, (tid, r) in enumerate(results, 1)]
    ordered.sort(key=lambda item: VERDICT_ORDER.get(_verdict(item[2]), 1))
    tally = " · ".join(f"{counts[v]} {v}" for v in _VERDICTS)
    return page(title, f'<p class="muted">{len(results)} test(s): {tally}</p>'
                f"{_summary(ordered)}" + "".join(_section(n, tid, r) for n, tid, r in ordered))


def page(title: str, body: str) -> str:
    """The self-contained page shell (CSP, no referrer, inline styles) around `body`."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="referrer" content="no-referrer">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
            f'<main class="chunky-report"><h1>{_e(title)}</h1>{body}</main></body></html>\n')


def write_html(path: str | Path, results: Results, *,
               title: str = "pytest-chunky report") -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(redact(render_html(results, title=title)), encoding="utf-8")
    return target


def _jsonable(value: Any) -> Any:
    """Strict JSON: non-finite floats become null, unknown objects their str()."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def to_json(results: Results) -> dict[str, Any]:
    """The report's data: every SearchResult field plus id, verdict and session totals."""
    tests: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"tests": len(results), **dict.fromkeys(_VERDICTS, 0),
                              "confirmed_failures": 0, **dict.fromkeys(_USAGE_KEYS, 0)}
    totals["tokens"] = 0
    for test_id, r in results:
        try:
            dump = r.model_dump(mode="json")
        except ValueError:  # an attribution holding an object pydantic cannot serialise
            dump = r.model_dump()
        verdict = _verdict(r)
        tests.append(_jsonable({"id": test_id, "verdict": verdict,
                                "confirmed_failures": len(r.failures),
                                "top_attributes": r.top_attributes(), **dump}))
        totals[verdict] += 1
        totals["confirmed_failures"] += len(r.failures)
        for key, value in usage_totals(r).items():
            totals[key] += value
    for key in (*_USAGE_KEYS, "tokens"):
        totals[key] = round(totals[key], 6) if key == "cost_usd" else int(totals[key])
    return {"version": 1, "tests": tests, "totals": totals}


def write_json(path: str | Path, results: Results) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(redact(json.dumps(to_json(results), indent=2, ensure_ascii=False,
                                        allow_nan=False)) + "\n", encoding="utf-8")
    return target


_CHART_TAG = re.compile(r"<(svg|polyline|rect|circle)\b", re.IGNORECASE)


def browser_check(html_path: str | Path, *, chromium: str = "/usr/bin/chromium",
                  marker: str = SCRIPT_MARKER, timeout: float = 120.0) -> dict[str, bool]:
    """Load a page in headless Chromium: did the charts render, did an injected script run?

    `renders`: the loaded DOM holds the report root and at least as many svg/polyline/rect/
    circle elements as the file's markup. `script_ran`: the DOM has an element whose id is
    `marker`, or the title became `marker` — test payloads build that name by concatenation at
    run time, so escaped payload text can never match.
    """
    page = Path(html_path).resolve()
    if not Path(chromium).exists():
        raise ConfigError(f"browser_check: {chromium} not found; install Chromium "
                          "(apt-get install chromium) or pass chromium=PATH")
    with tempfile.TemporaryDirectory(prefix="chunky-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
               "--virtual-time-budget=3000", "--dump-dom", page.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              check=False)
    dom = proc.stdout
    if not dom.strip():
        tail = " ".join(proc.stderr.split())[-300:]
        raise ChunkyError(f"browser_check: {chromium} exited {proc.returncode} without a DOM "
                          f"for {page}: {tail}")
    want = Counter(m.group(1).lower() for m in _CHART_TAG.finditer(page.read_text("utf-8")))
    got = Counter(m.group(1).lower() for m in _CHART_TAG.finditer(dom))
    renders = 'class="chunky-report"' in dom and all(got[k] >= v for k, v in want.items())
    name = re.escape(marker)
    ran = bool(re.search(rf"<[^<>]*\bid=\"{name}\"", dom)
               or re.search(rf"<title>\s*{name}\s*</title>", dom))
    return {"renders": renders, "script_ran": ran}
