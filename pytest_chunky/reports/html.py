"""Self-contained HTML and JSON reports of a session's searches.

The HTML opens offline and runs nothing: styles are inline, charts are SVG drawn here, and a
strict Content-Security-Policy forbids every load and every script. Model output and test ids
are untrusted, so every string is escaped where it lands (text, attributes, SVG tooltips); the
CSP is a second wall in case an escape is ever missed, not the first.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from pytest_chunky.infra.credentials import redact
from pytest_chunky.infra.errors import ChunkyError, ConfigError
from pytest_chunky.reports.charts import (
    _e,
    _fmt,
    _num,
    chunk_chart,
    rate_bars,
    regression_chart,
    score_chart,
    steer_chart,
    weights_table,
)
from pytest_chunky.reports.text import VERDICT_ORDER, excerpt, generation_note, headline
from pytest_chunky.results import (
    Confirmation,
    SearchResult,
)

__all__ = ["CSP", "SCRIPT_MARKER", "browser_check", "page", "rate_bars", "render_html",
           "usage_totals", "write_html"]

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


def usage_totals(result: SearchResult) -> dict[str, float]:
    """Usage summed over roles, plus `tokens` (input + output)."""
    totals = dict.fromkeys(_USAGE_KEYS, 0.0)
    for role in result.usage.values():
        for key in _USAGE_KEYS:
            totals[key] += _num(role.get(key)) or 0.0
    totals["tokens"] = totals["input_tokens"] + totals["output_tokens"]
    return totals


def _trigger(result: SearchResult) -> str:
    return result.headline_trigger() or "-"




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
            ("top attributes", "; ".join(r.top_attributes()) or "-"),
            ("prompts", generation_note(r).removeprefix("prompts: "))]
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
