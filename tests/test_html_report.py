"""HTML/JSON session reports: charts present, every untrusted string inert, JSON complete."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pytest_chunky.reports.html import (
    SCRIPT_MARKER,
    browser_check,
    render_html,
    write_html,
)
from pytest_chunky.reports.json_report import to_json, write_json
from pytest_chunky.results import (
    Candidate,
    Confirmation,
    IterationStats,
    SearchResult,
)

# Payloads build the marker at run time, so the escaped text never contains it literally.
_RUN = ("var d=document.createElement('div');d.id='chunky-'+'script-ran';"
        "document.body.appendChild(d);document.title='chunky-'+'script-ran'")
SCRIPT = f"<script>{_RUN}</script>"
IMG = f'"><img src=x onerror="{_RUN}">'
SVG = f"</title></text><svg onload=\"{_RUN}\"><title>"
PAYLOAD = SCRIPT + IMG + SVG


def failing() -> SearchResult:
    conf = Confirmation(query="Explain " + SCRIPT, attributes=["uses slang " + IMG, "is short"],
                        score=91, response="Sure! " + PAYLOAD, reason="violates: " + IMG,
                        samples=10, violations=8, rate=0.8, ci_low=0.49, ci_high=0.94,
                        confirmed=True, perturbation_rate=0.7, perturbations=10)
    weak = conf.model_copy(update={"confirmed": False, "violations": 1, "rate": 0.1})
    iterations = [IterationStats(iteration=i, best_score=s, mean_buffer_score=m, scored=8,
                                 top_weights={"uses slang " + IMG: w, "is short": 1.0})
                  for i, (s, m, w) in enumerate([(40, 20.0, 0.5), (75, 41.5, 2.0),
                                                 (91, 60.2, 3.5)], 1)]
    attribution = {
        "sentence": "When the model sees " + SCRIPT, "trigger": "uses slang " + IMG,
        "crux": ["complies " + SVG, "is rude"], "top_chunk": "chat" + IMG, "lift": 3.2,
        "p_value": 1e-4, "q_value": 0.002, "hits": 7, "retrieved": 20,
        "chunks": [{"source": "chat" + IMG, "share": 0.55, "corpus_share": 0.2, "lift": 2.7},
                   {"source": "code", "share": 0.3, "corpus_share": 0.5, "lift": 0.6},
                   {"source": "math" + SCRIPT, "share": 0.15, "lift": 0.9}],
        "evidence": [{"prompt": "hey " + SCRIPT, "response": "yo " + IMG, "source": "chat",
                      "similarity": 0.91}],
    }
    buffer = [Candidate(index=0, iteration=3, seed=1, attributes=["uses slang " + IMG],
                        query="q", response="r", score=91)]
    return SearchResult(rubric="tone" + SCRIPT, model="lab", seed=7, threshold=50, min_rate=0.3,
                        candidates=24, scored=24, confirmations=[conf, weak],
                        iterations=iterations, buffer=buffer, attributions=[attribution],
                        stop_message="done " + IMG, usage={
                            "target": {"calls": 30, "cache_hits": 5, "input_tokens": 1000,
                                       "output_tokens": 500, "cost_usd": 0.01},
                            "judge": {"calls": 20, "cache_hits": 1, "input_tokens": 800,
                                      "output_tokens": 100, "cost_usd": 0.02}})


def passing() -> SearchResult:
    its = [IterationStats(iteration=i, best_score=10 + i, mean_buffer_score=5.0, scored=5)
           for i in (1, 2)]
    return SearchResult(rubric="tone", model="lab-clean", seed=1, threshold=50, min_rate=0.3,
                        candidates=10, scored=10, iterations=its,
                        usage={"target": {"calls": 10, "input_tokens": 50, "output_tokens": 5}})


def erroring() -> SearchResult:
    return SearchResult(rubric="tone", model="lab", seed=2, threshold=50, min_rate=0.3,
                        stopped="error", error_messages=["provider down " + SCRIPT])


RESULTS = [("tests/test_a.py::test_fail[" + IMG + "]", failing()),
           ("tests/test_a.py::test_pass", passing()), ("tests/test_a.py::test_err", erroring())]


def sections(page: str) -> list[str]:
    """Test sections in session order (their ids), whatever order the page shows them in."""
    found = page.split("<section ")[1:]
    return sorted(found, key=lambda sec: int(re.match(r'id="t(\d+)"', sec).group(1)))  # type: ignore[union-attr]


def test_page_leads_with_failures_and_collapses_passes() -> None:
    page = render_html(RESULTS)
    shown = [re.search(r'class="s-(\w+)"', sec).group(1)  # type: ignore[union-attr]
             for sec in page.split("<section ")[1:]]
    assert shown == ["fail", "error", "pass"]
    fail, ok, err = sections(page)
    assert '<p class="headline">' in fail and "<details><summary>" in ok
    assert "<details><summary><h2>" not in fail + err
    summary = page.split("<section ")[0]
    assert summary.index("test_fail") < summary.index("test_err") < summary.index("test_pass")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_verdicts_of_fixtures() -> None:
    assert [r.verdict for _, r in RESULTS] == ["fail", "pass", "error"]


def test_charts_match_iterations_and_chunks() -> None:
    page = render_html(RESULTS)
    fail, ok, err = sections(page)
    assert fail.count("<polyline") == 2 and fail.count('<circle class="pt') == 6
    assert fail.count('<rect class="bar') == 3 and fail.count('<rect class="bar top"') == 1
    assert fail.count('<line class="base"') == 2  # the chunk without corpus_share has no tick
    assert ok.count("<polyline") == 2 and ok.count('<circle class="pt') == 4
    assert "<svg" not in err and "no completed iteration" in err
    assert page.count("<svg") == 3
    best = re.search(r'<polyline class="best" points="([^"]+)"', fail)
    assert best is not None
    ys = [float(p.split(",")[1]) for p in best.group(1).split()]
    assert ys[0] > ys[1] > ys[2]  # rising scores are drawn upwards
    assert fail.count("<tr><th class=\"attr\"") == 2  # two attributes in the heat map
    assert "v-fail" in fail and "v-pass" in ok and "v-error" in err


def test_summary_and_details() -> None:
    page = render_html(RESULTS, title="run " + SCRIPT)
    summary = page.split("<section ")[0]
    assert summary.count('<a href="#t') == 3 and "1 pass · 1 fail · 1 error" in summary
    fail = sections(page)[0]
    assert "8/10 = 80%" in fail and "0.49–0.94" in fail and "perturbation rate 70%" in fail
    assert "Confirmed failures (1)" in fail and "1 candidate(s) above" in fail
    assert "50 calls · 2400 tokens · $0.0300 · 6 cache hits" in fail
    assert "similarity 0.910" in fail and "×3.20" in fail and "7/20" in fail
    assert "provider down" in sections(page)[2]


def test_untrusted_strings_are_inert() -> None:
    page = render_html(RESULTS, title="run " + SCRIPT)
    lowered = page.lower()
    for raw in ("<script", "<img", "<svg onload", "onload=\"", "onerror=\""):
        assert raw not in lowered
    assert "&lt;/title&gt;&lt;/text&gt;&lt;svg onload=&quot;" in page
    assert "&lt;script&gt;" in page and "&quot;&gt;&lt;img src=x onerror=&quot;" in page
    assert SCRIPT_MARKER not in page
    parser = Tags()
    parser.feed(page)
    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    for tag, attrs in parser.tags:
        for key, value in attrs:
            assert not key.startswith("on"), (tag, key)
            if key in ("href", "src"):
                assert value is not None and value.startswith("#"), (tag, key, value)
    svgs = [attrs for tag, attrs in parser.tags if tag == "svg"]
    assert all(not any(k.startswith("on") for k, _ in attrs) for attrs in svgs)


def test_self_contained_with_csp() -> None:
    page = render_html(RESULTS)
    assert "http://" not in page and "https://" not in page and "url(" not in page
    assert "@import" not in page
    head = page.split("</head>")[0]
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
    assert csp is not None and head.index(csp.group(0)) < head.index("<style>")
    assert "default-src 'none'" in csp.group(1) and "script-src" not in csp.group(1)
    assert "style-src 'unsafe-inline'" in csp.group(1) and "img-src data:" in csp.group(1)


def test_defensive_about_attribution_shapes() -> None:
    odd = failing().model_copy(update={"attributions": [
        {"trigger": "only a trigger"}, {"crux": "a string", "chunks": "nope", "lift": "abc",
                                        "evidence": [1, None, {"prompt": SCRIPT}]},
        {"chunks": [{"source": "x", "hits": 4}, {"hits": 2}, 5]}, "not a dict"]})
    page = render_html([("odd", odd)])
    assert "only a trigger" in page and "a string" in page and "×" not in page.split("TURF")[1]
    assert page.count('<rect class="bar') == 2 and "hits 4" in page
    assert "no chunk statistics" in page and "&lt;script&gt;" in page
    assert "<script" not in page.lower()
    assert "no chunky tests ran" in render_html([])


def test_write_html(tmp_path: Path) -> None:
    out = write_html(tmp_path / "sub" / "report.html", RESULTS)
    assert out.read_text(encoding="utf-8") == render_html(RESULTS)


def test_json_round_trip(tmp_path: Path) -> None:
    path = write_json(tmp_path / "r" / "report.json", RESULTS)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and [t["verdict"] for t in data["tests"]] == ["fail", "pass",
                                                                              "error"]
    first = data["tests"][0]
    assert first["id"] == RESULTS[0][0] and first["confirmed_failures"] == 1
    assert first["attributions"][0]["chunks"][0]["source"] == "chat" + IMG
    assert len(first["iterations"]) == 3 and first["confirmations"][0]["rate"] == 0.8
    fields = {k: v for k, v in first.items() if k in SearchResult.model_fields}
    assert SearchResult.model_validate(fields) == RESULTS[0][1]
    totals = data["totals"]
    assert totals == {**totals, "tests": 3, "pass": 1, "fail": 1, "error": 1,
                      "confirmed_failures": 1, "calls": 60, "cache_hits": 6, "tokens": 2455}
    assert math.isclose(totals["cost_usd"], 0.03)
    assert to_json(RESULTS) == data


def test_json_is_strict_even_with_nan() -> None:
    weird = passing().model_copy(update={"attributions": [
        {"lift": float("nan"), "p_value": float("inf"), "obj": object()}]})
    data = to_json([("nan", weird)])
    text = json.dumps(data, allow_nan=False)
    attribution = json.loads(text)["tests"][0]["attributions"][0]
    assert attribution["lift"] is None and attribution["p_value"] is None
    assert isinstance(attribution["obj"], str)


CHROMIUM = "/usr/bin/chromium"
browser = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.environ.get("CHUNKY_BROWSER_TESTS") == "1"),
    reason="opt-in: needs /usr/bin/chromium and CHUNKY_BROWSER_TESTS=1")


@browser
def test_browser_renders_and_runs_no_script(tmp_path: Path) -> None:
    # Control: the detector must see a payload that really runs, or the check proves nothing.
    control = tmp_path / "control.html"
    control.write_text(f"<!DOCTYPE html><html><body><p>x</p>{SCRIPT}</body></html>")
    assert browser_check(control)["script_ran"] is True
    report = write_html(tmp_path / "report.html", RESULTS, title="run " + SCRIPT)
    assert browser_check(report) == {"renders": True, "script_ran": False}
    # Escaping alone must hold: the same page without its CSP runs nothing either.
    bare = tmp_path / "no_csp.html"
    bare.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                           report.read_text(encoding="utf-8")), encoding="utf-8")
    assert "Content-Security-Policy" not in bare.read_text(encoding="utf-8")
    assert browser_check(bare) == {"renders": True, "script_ran": False}


def test_headline_leads_with_the_finding() -> None:
    from pytest_chunky.reports.text import headline, summary_rows

    fail, ok, err = failing(), passing(), erroring()
    sentence = next(a["sentence"] for a in fail.attributions if a.get("sentence"))
    assert headline(fail) == sentence
    bare = fail.model_copy(update={"attributions": []})
    assert "confirmed failure" in headline(bare) and "CI" in headline(bare)
    assert headline(err).startswith("No verdict") and headline(ok).startswith("No confirmed")
    rows = summary_rows([("t::fail", fail), ("t::pass", ok)])
    assert rows[2] == f"  -> {sentence}" and not any("No confirmed" in r for r in rows)


def _many_results() -> list[tuple[str, SearchResult]]:
    long_id = "tests/test_gates_with_a_rather_long_module_name.py::test_" + "x" * 120
    return [(f"{long_id}[{n}]", r) for n, r in
            enumerate([failing(), passing(), erroring()] * 3)]


@browser
def test_layout_fits_1280px_and_screenshot(tmp_path: Path) -> None:
    """No horizontal overflow at 1280 px; a screenshot is saved for a person to look at."""
    report = write_html(tmp_path / "report.html", _many_results())
    # Measuring needs a script, which the report's CSP forbids: measure a copy without it.
    probe = tmp_path / "probe.html"
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                  report.read_text(encoding="utf-8"))
    probe.write_text(page.replace("</body>", "<script>document.title='W'+document."
                                  "documentElement.scrollWidth+'/'+window.innerWidth"
                                  "</script></body>"), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--window-size=1280,900", "--hide-scrollbars"]
    dom = subprocess.run([CHROMIUM, *flags, f"--user-data-dir={tmp_path / 'p1'}",
                          "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    found = re.search(r"<title>W(\d+)/(\d+)</title>", dom)
    assert found, dom[:300]
    scroll, inner = int(found.group(1)), int(found.group(2))
    assert inner == 1280 and scroll <= inner, (scroll, inner)
    shot = tmp_path / "report.png"
    subprocess.run([CHROMIUM, *flags, f"--user-data-dir={tmp_path / 'p2'}",
                    f"--screenshot={shot}", report.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


@browser
def test_audit_page_runs_no_script_from_the_data(tmp_path: Path) -> None:
    from pytest_chunky.audit import audit
    from pytest_chunky.audit.data import PreferencePair
    from pytest_chunky.audit.html import write_audit_html
    from pytest_chunky.lab.worlds.prefs import draw_pref_world

    world = draw_pref_world(53, scope="global", size=800)
    pairs = [PreferencePair(p["prompt"], p["chosen"], p["rejected"], p["source"])
             for p in world.pairs]
    shown = audit(pairs).global_[0].evidence[0]
    pairs[shown] = PreferencePair(SCRIPT + pairs[shown].prompt, pairs[shown].chosen,
                                  pairs[shown].rejected, pairs[shown].source)
    page = write_audit_html(tmp_path / "audit.html", audit(pairs), pairs)
    assert browser_check(page) == {"renders": True, "script_ran": False}
