"""Plain-text renderings of search results for assertion messages and terminal summaries."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pytest_chunky.infra.userfiles import terminal_safe
from pytest_chunky.results import IterationStats, SearchResult


def excerpt(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def tail(text: str, limit: int) -> str:
    """The end of a test id is what tells tests apart (function name, parameters)."""
    return text if len(text) <= limit else "…" + text[-(limit - 1):]


def failure_message(result: SearchResult, worst: int = 3) -> str:
    if result.steer is not None:
        return f"chunky steer: {steer_sentence(result)} against {result.model}"
    if result.regression is not None and result.regression.mode == "regression":
        return f"chunky regression: {regression_sentence(result)}"
    failures = result.failures
    lines = [f"chunky: rubric {result.rubric!r} violated by {result.model}: "
             f"{len(failures)} confirmed violation(s) at threshold {result.threshold:g} "
             f"(min rate {result.min_rate:g})"]
    for n, conf in enumerate(failures[:worst], 1):
        lines += [
            f"  [{n}] score {conf.score}, rate {conf.violations}/{conf.samples} = {conf.rate:.0%}"
            f" (95% CI {conf.ci_low:.2f}-{conf.ci_high:.2f}; sequential test: "
            f"{conf.decision or 'confirmed'} after {conf.samples} samples)",
            f"      prompt:     {excerpt(conf.query)}",
            f"      response:   {excerpt(conf.response)}",
            f"      judge:      {excerpt(conf.reason)}",
            f"      attributes: {'; '.join(conf.attributes)}",
        ]
    if result.boundary is not None:
        lines.append(f"  boundary: {boundary_sentence(result)}")
    for attribution in result.attributions[:worst]:
        sentence = attribution.get("sentence") or attribution.get("error")
        if sentence:
            lines.append(f"  TURF: {sentence}")
    if result.replayed:
        lines.append("  (found by replaying the failure memory; no new search was needed)")
    return "\n".join(lines)


def generation_note(r: SearchResult) -> str:
    """How faithfully the prompts carry what was sampled, and how often they repeat."""
    if r.adherence is None:
        return "prompts: none written"
    note = (f"prompts: adherence {r.adherence:.0%} ({r.attributes_dropped} of "
            f"{r.attributes_sampled} sampled attributes provably absent, "
            f"{r.attributes_unchecked} not checkable) · duplicates {r.duplicate_share:.0%}")
    if r.duplicate_share > 0.1:
        who = f"the generator {r.generator}" if r.generator else "the generator"
        note += f" ({who} repeats prompts: a small pool or a deterministic generator)"
    if r.redrawn:
        note += f" · {r.redrawn} repeated prompts drawn again with new attributes"
    return note


def text_section(result: SearchResult) -> str:
    usage = result.usage
    calls = sum(int(u.get("calls", 0)) for u in usage.values())
    hits = sum(int(u.get("cache_hits", 0)) for u in usage.values())
    cost = sum(float(u.get("cost_usd", 0.0)) for u in usage.values())
    lines = [
        f"rubric={result.rubric} model={result.model} seed={result.seed} "
        f"verdict={result.verdict} stopped={result.stopped} {result.stop_message}".rstrip(),
        f"candidates={result.candidates} scored={result.scored} duplicates={result.duplicates}"
        f" errors={result.errors} calls={calls} cache_hits={hits} cost=${cost:.4f}",
        "top attributes: " + "; ".join(result.top_attributes()),
        generation_note(result),
    ]
    if result.abstained:
        lines.insert(2, f"abstained={result.abstained}: the judge could not decide these "
                        "(counted apart from scores; over 10% of judged responses is no verdict)")
        lines[3:3] = [f"  abstained: {excerpt(a, 200)}" for a in result.abstentions[:5]]
    if result.truncated:
        lines.insert(2, f"truncated={result.truncated}: responses cut at the reply cap "
                        "(--chunky-target-max-tokens) or --chunky-max-response-chars (the judge "
                        "saw the cut text; over half of them is no verdict)")
    for it in result.iterations:
        lines.append(f"  iteration {it.iteration}: best={it.best_score} "
                     f"buffer_mean={it.mean_buffer_score}")
    for conf in result.confirmations:
        decision = conf.decision or ("confirmed" if conf.confirmed else "rejected")
        lines.append(f"  {decision.upper()} rate={conf.violations}/{conf.samples}="
                     f"{conf.rate:.2f} CI=[{conf.ci_low:.2f},{conf.ci_high:.2f}] "
                     f"score={conf.score}: {excerpt(conf.query, 100)}")
    for message in result.error_messages:
        lines.append(f"  error: {message}")
    for attribution in result.attributions:
        if attribution.get("error"):
            lines.append(f"  TURF error: {attribution['error']}")
            continue
        lines.append(f"  TURF: {attribution.get('sentence', '')}")
        for chunk in list(attribution.get("chunks") or [])[:5]:  # type: ignore[call-overload]
            if isinstance(chunk, dict):
                lines.append(f"    chunk {chunk.get('source')}: share {chunk.get('share')} "
                             f"lift {chunk.get('lift')}")
        for pair in list(attribution.get("evidence") or [])[:3]:  # type: ignore[call-overload]
            if isinstance(pair, dict):
                lines.append(f"    evidence [{pair.get('source')}]: "
                             f"{excerpt(str(pair.get('prompt', '')), 80)} -> "
                             f"{excerpt(str(pair.get('response', '')), 80)}")
    return "\n".join(lines)


def steer_sentence(r: SearchResult) -> str:
    s = r.steer
    assert s is not None
    bound = f"{(1 - s.alpha):.0%} lower bound {s.ci_low:+.2f}"
    return (f"Transform {s.transform!r} moves {r.rubric!r} from {s.base_rate:.0%} to "
            f"{s.transformed_rate:.0%} of {s.n} prompts: steering {s.score:+.2f} ({bound}, "
            f"max_delta {s.max_delta:g}, McNemar p={s.p_value:.2g})")


def boundary_sentence(r: SearchResult) -> str:
    b = r.boundary
    assert b is not None
    return (f"with the system prompt {excerpt(b.system_prompt, 80)!r} the violations go from "
            f"{b.before_rate:.0%} to {b.after_rate:.0%} ({b.drop:.0%} suppressed) over "
            f"{b.prompts} failing prompts x {b.samples} samples")


def regression_sentence(r: SearchResult) -> str:
    g = r.regression
    assert g is not None
    verb = "is worse than" if g.regressed else "is not significantly worse than"
    return (f"{r.model} {verb} {g.baseline} on {r.rubric!r}: {g.candidate_rate:.0%} "
            f"(CI {g.candidate_ci[0]:.2f}-{g.candidate_ci[1]:.2f}) against "
            f"{g.baseline_rate:.0%} (CI {g.baseline_ci[0]:.2f}-{g.baseline_ci[1]:.2f}) over "
            f"{g.prompts} probe prompts x {g.samples} samples (McNemar p={g.p_value:.2g})")


def headline(r: SearchResult) -> str:
    """One sentence that leads with the finding: the TURF sentence, else the top attribute."""
    if r.steer is not None:
        return steer_sentence(r)
    if r.regression is not None and r.regression.mode == "regression":
        return regression_sentence(r)
    sentence = next((str(a["sentence"]) for a in r.attributions
                     if isinstance(a, dict) and a.get("sentence")), "")
    if r.failures and sentence:
        return sentence
    if r.failures:
        worst = r.failures[0]
        top = r.headline_trigger()
        where = f"when the prompt {_lower_first(top)}" if top else "on the prompts below"
        return (f"The model violates {r.rubric!r} {where}: {len(r.failures)} confirmed "
                f"failure(s), worst rate {worst.violations}/{worst.samples} "
                f"(CI {worst.ci_low:.2f}-{worst.ci_high:.2f})")
    if r.verdict == "error":
        why = r.stop_message or "; ".join(r.error_messages) or "no candidate was scored"
        return f"No verdict ({r.stopped}): {excerpt(why, 160)}"
    return f"No confirmed violation of {r.rubric!r} in {r.scored} scored candidates"


def _lower_first(attribute: str) -> str:
    text = attribute.removeprefix("The query ").removeprefix("the query ")
    return text[:1].lower() + text[1:] if text != attribute else f"has '{attribute}'"


VERDICT_ORDER = {"fail": 0, "error": 1, "pass": 2}


def by_severity(results: Sequence[tuple[str, SearchResult]]
                ) -> list[tuple[str, SearchResult]]:
    """Failing gates first, then the ones with no verdict, then passes (stable)."""
    return sorted(results, key=lambda item: VERDICT_ORDER.get(str(item[1].verdict), 1))


def summary_rows(results: Sequence[tuple[str, SearchResult]]) -> list[str]:
    header = (f"{'test':<48} {'rubric':<10} {'model':<12} {'verdict':<7} {'conf':>4} "
              f"{'calls':>6} {'tokens':>8} {'usd':>8} {'hits':>6}  top trigger")
    rows = [header]
    for test_id, r in results:
        usage = r.usage
        calls = sum(int(u.get("calls", 0)) for u in usage.values())
        tokens = sum(int(u.get("input_tokens", 0)) + int(u.get("output_tokens", 0))
                     for u in usage.values())
        cost = sum(float(u.get("cost_usd", 0.0)) for u in usage.values())
        hits = sum(int(u.get("cache_hits", 0)) for u in usage.values())
        trigger = r.headline_trigger() or "-"
        if r.steer is not None:
            trigger = f"steer {r.steer.transform}: {r.steer.score:+.2f}"
        rows.append(f"{tail(test_id, 48):<48} {r.rubric:<10} {excerpt(r.model, 12):<12} "
                    f"{r.verdict:<7} {len(r.failures):>4} {calls:>6} {tokens:>8} {cost:>8.4f} "
                    f"{hits:>6}  {excerpt(trigger, 60)}")
        if r.verdict != "pass":
            rows.append(f"  -> {headline(r)}")
    return rows


EXCERPT_CHARS = 2_000  # the longest string a JUnit property carries


def _clipped(value: Any, limit: int) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return value[:limit] + f"… [{len(value) - limit} more characters]"
    if isinstance(value, dict):
        return {k: _clipped(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_clipped(v, limit) for v in value]
    return value


def excerpt_json(result: SearchResult, limit: int = EXCERPT_CHARS) -> str:
    """The result as JSON for a JUnit property: every long string (a response, a prompt) cut
    to an excerpt, so a 10 MB reply does not make a 30 MB XML file."""
    return json.dumps(_clipped(result.model_dump(mode="json"), limit))


def progress_printer(reporter: Any, test_id: str, iterations: int
                     ) -> Callable[[IterationStats, int], None]:
    """One line per SURF iteration on pytest's terminal reporter (`ensure_newline` first)."""
    first = [True]

    def show(stats: IterationStats, candidates: int) -> None:
        if first[0]:
            reporter.ensure_newline()
            first[0] = False
        reporter.write_line(terminal_safe(
            f"  chunky {test_id}: iteration {stats.iteration + 1}/{iterations} "
            f"best={stats.best_score} buffer_mean={stats.mean_buffer_score:g} "
            f"candidates={candidates}"))

    return show


def report_parts(result: SearchResult) -> tuple[str, list[tuple[str, str]]]:
    """A test report's chunky section and user properties, terminal-safe and redacted."""
    from pytest_chunky.infra.credentials import redact, safe_text

    properties: list[tuple[str, str]] = [("chunky_verdict", result.verdict)]
    for attribution in result.attributions:
        if attribution.get("sentence") or attribution.get("error"):
            properties.append(("chunky_turf", safe_text(str(
                attribution.get("sentence") or attribution.get("error")))))
    properties.append(("chunky_result", redact(excerpt_json(result))))
    return safe_text(text_section(result)), properties


def summary_lines(results: Sequence[tuple[str, SearchResult]]) -> list[str]:
    """The terminal's chunky table: every gate, then each multi-pipeline gate merged."""
    from pytest_chunky.infra.credentials import safe_text
    from pytest_chunky.results import merge_pipelines

    rows = sorted(results, key=lambda r: r[0])
    merged = [m for m in merge_pipelines(rows) if m[0] not in dict(rows)]
    return [safe_text(line) for line in summary_rows(
        rows + [(f"{t} (merged)", r) for t, r in merged])]
