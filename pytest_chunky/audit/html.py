"""The audit as an HTML section: the headline, the significant concepts with their counts and
intervals, and evidence pairs. Preference data is untrusted text: everything is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scipy.stats import beta

from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.audit.run import AuditReport, Hypothesis
from pytest_chunky.infra.credentials import redact
from pytest_chunky.reports.charts import _e, rate_bars
from pytest_chunky.reports.html import page
from pytest_chunky.reports.text import excerpt

EVIDENCE = 3  # pairs shown per concept


def _share(h: Hypothesis) -> tuple[float, tuple[float, float]]:
    """Chosen-only share of the discordant pairs, with its 95% Clopper–Pearson interval
    (0.5 is no preference)."""
    b, c = h.chosen_only, h.rejected_only
    n = b + c
    lo = float(beta.ppf(0.025, b, c + 1)) if b else 0.0
    hi = float(beta.ppf(0.975, b + 1, c)) if c else 1.0
    return (b / n if n else 0.5), (lo, hi)


def _concept(h: Hypothesis) -> str:
    return f"{h.concept} (in place of: {h.instead})" if h.instead else h.concept


def _rows(hs: Sequence[Hypothesis]) -> str:
    head = ("<tr><th>#</th><th>concept</th><th>direction</th><th>scope</th><th>chosen-only</th>"
            "<th>rejected-only</th><th>pairs</th><th>lift</th><th>p</th><th>q</th></tr>")
    body = "".join(
        f"<tr><td class=\"n\">{n}</td><td>{_e(_concept(h))}</td><td>{_e(h.direction)}</td>"
        f"<td>{_e(h.cluster_summary or h.scope)}</td><td class=\"n\">{h.chosen_only}</td>"
        f"<td class=\"n\">{h.rejected_only}</td><td class=\"n\">{h.pairs}</td>"
        f"<td class=\"n\">×{h.lift:.1f}</td><td class=\"n\">{h.p_value:.2g}</td>"
        f"<td class=\"n\">{h.q_value:.2g}</td></tr>" for n, h in enumerate(hs, 1))
    return f'<div class="scroll"><table class="audit">{head}{body}</table></div>'


def _evidence(h: Hypothesis, pairs: Sequence[PreferencePair]) -> str:
    items = []
    for i in h.evidence[:EVIDENCE]:
        if 0 <= i < len(pairs):
            p = pairs[i]
            items.append(f'<div class="ev"><div class="lbl">pair {i}</div>'
                         f"<pre>prompt: {_e(excerpt(p.prompt, 300))}</pre>"
                         f"<pre>chosen: {_e(excerpt(p.chosen, 300))}</pre>"
                         f"<pre>rejected: {_e(excerpt(p.rejected, 300))}</pre></div>")
    return "".join(items)


def audit_section(report: AuditReport, pairs: Sequence[PreferencePair], *,
                  alpha: float = 0.05, top: int = 10) -> str:
    found = sorted(report.significant(alpha), key=lambda h: h.q_value)[:top]
    headline = (f"{found[0].claim()[:1].upper()}{found[0].claim()[1:]} (lift "
                f"×{found[0].lift:.1f}, q={found[0].q_value:.2g})"
                if found else f"No concept is significant at q ≤ {alpha}.")
    parts = [f'<section class="s-{"fail" if found else "pass"}"><h2>Preference audit</h2>'
             f'<p class="headline">{_e(headline)}</p>'
             f'<p class="muted">{report.pairs} pairs, {report.concepts} concepts '
             f"({_e(report.space.source)}), {len(report.clusters)} prompt clusters; one "
             "Benjamini–Hochberg over the global and per-cluster tests</p>"]
    if found:
        bars = [(f"#{n} {h.scope}", *_share(h), "#7c3aed") for n, h in enumerate(found, 1)]
        parts.append(rate_bars(bars, "chosen-only share of the discordant pairs "
                                     "(0.5: no preference), 95% interval"))
        parts.append(_rows(found))
        for h in found[:3]:
            said = h.sentence()
            parts.append(f"<h3>{_e(said[:1].upper() + said[1:])}</h3>{_evidence(h, pairs)}")
    return "".join(parts) + "</section>"


def write_audit_html(path: str | Path, report: AuditReport, pairs: Sequence[PreferencePair],
                     *, alpha: float = 0.05, top: int = 10) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    body = audit_section(report, pairs, alpha=alpha, top=top)
    target.write_text(redact(page("chunky audit", body)), encoding="utf-8")
    return target
