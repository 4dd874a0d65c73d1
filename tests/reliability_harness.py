"""Reliability harness: a lab SURF search over HTTP with every call recorded, fault
matrices, broken judges, kill-and-resume runs and concurrent writers.

Shared by tests/test_reliability.py and benchmarks/bench_reliability.py, so the benchmark and
the tests measure the very same things.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_chunky import runner
from pytest_chunky.calls import prompts
from pytest_chunky.fakeapi.server import BAD_JUDGE_REPLY, FaultConfig, request_key, serve
from pytest_chunky.infra.errors import ProviderError
from pytest_chunky.lab.corpus import build_corpus, write_sft_jsonl
from pytest_chunky.lab.role_model import LabRoleModel
from pytest_chunky.markers import parse_marker
from pytest_chunky.models.base import Model
from pytest_chunky.models.openai import OpenAIModel
from pytest_chunky.pool.files import get_pool
from pytest_chunky.results import SearchResult
from pytest_chunky.settings import build_settings
from pytest_chunky.types import Completion, Message, SamplingParams

ROOT = Path(__file__).resolve().parent.parent
LAB_POOL = tuple(get_pool("lab"))
TRANSPORT = ("429", "500", "529", "slow", "malformed")
FAULT_KINDS = (*TRANSPORT, "bad_judge")
SEARCH = dict(iterations=4, candidates=12, resamples=4)
MAX_RETRIES = 6  # SDK retries per logical call in the fault runs: at most 7 requests each


# ---------------------------------------------------------------------------------------------
# Harness: a lab SURF search over HTTP, with every logical call and every request recorded


@dataclass
class Call:
    """One logical call the client made (the SDK may send it several times)."""

    key: str
    start: float
    end: float
    error: str | None


class CountingOpenAI(OpenAIModel):
    """The real OpenAI provider, recording each logical call under the server's request key."""

    def __init__(self, *args: Any, calls: list[Call], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls = calls

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        sent = self.request_kwargs(list(messages), params)
        sent.pop("extra_headers", None)  # headers, not part of the body the server keys on
        body = json.dumps(sent).encode()
        key, start = request_key(body), time.monotonic()
        try:
            completion = await super().generate(messages, params)
        except ProviderError as exc:
            self.calls.append(Call(key, start, time.monotonic(), str(exc)))
            raise
        self.calls.append(Call(key, start, time.monotonic(), None))
        return completion


@dataclass
class HttpRun:
    result: SearchResult
    lines: list[dict[str, Any]]
    stats: dict[str, int]
    served: Counter[str]
    calls: list[Call]
    max_retries: int
    seconds: float
    fault_events: list[tuple[float, str, str]] = field(default_factory=list)
    search: dict[str, int] = field(default_factory=lambda: dict(SEARCH))

    @property
    def faults_injected(self) -> int:
        return sum(self.stats.get(k, 0) for k in FAULT_KINDS)

    @property
    def fault_fraction(self) -> float:
        return self.faults_injected / max(1, self.stats.get("requests", 0))

    @property
    def faults_not_survived(self) -> int:
        """Faults whose logical call still failed: the faults inside a model call that raised,
        plus the three replies of each judge call that never parsed. (A fault is survived when
        the call it hit succeeded after all; a candidate retried later does not count.)"""
        lost = 0
        for call in self.calls:
            if call.error is not None:
                lost += sum(1 for t, key, _ in self.fault_events
                            if key == call.key and call.start <= t <= call.end)
        judge_errors = [m for m in self._error_texts() if "judge" in m and "attempts" in m]
        return lost + 3 * len(judge_errors)

    def _error_texts(self) -> list[str]:
        return [str(line.get("error") or "") for line in self.lines
                if line.get("status") == "error"]


def http_search(faults: FaultConfig, rubric: str, cache_dir: Path, *, max_retries: int = 4,
                timeout: float = 1.0, seed: int = 0, search: dict[str, int] | None = None,
                variant: str = "lab") -> HttpRun:
    """Target, generator and judge all `openai:lab@<loopback>/v1`, the lab playing each role."""
    calls: list[Call] = []
    started = time.perf_counter()
    with serve(LabRoleModel(variant), faults=faults) as srv:
        settings = build_settings({"model": "lab", "seed": seed, "cache_dir": str(cache_dir),
                                   **(search or SEARCH)})
        merged, spec = parse_marker({"rubric": rubric}, settings)
        session = runner.Session(merged)
        try:
            models: dict[str, Model] = {
                role: CountingOpenAI("lab", base_url=srv.openai_base_url, calls=calls,
                                     max_retries=max_retries, timeout=timeout)
                for role in ("target", "generator", "judge")}
            check = runner.build_check(session, merged, spec, models=models,  # type: ignore[arg-type]
                                       pool=LAB_POOL)
            result = runner.run_check(session, check, test_id=f"reliability::{rubric}",
                                      runs_dir=cache_dir / "runs")
        finally:
            session.close()
        events = srv.events
        stats = srv.stats
    jsonl = cache_dir / "runs" / f"{runner.test_slug(f'reliability::{rubric}')}.jsonl"
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    return HttpRun(result, lines, stats, Counter(e.key for e in events), calls, max_retries,
                   time.perf_counter() - started,
                   [(e.t, e.key, e.fault) for e in events if e.fault != "ok"],
                   dict(search or SEARCH))


def accounting_problems(run: HttpRun, search: dict[str, int] | None = None) -> list[str]:
    """Every candidate is scored, a duplicate, a counted error, or stopped by the budget.

    The JSONL holds one line per attempt: an errored candidate is tried again at the end of
    the search, and its last attempt is what counts.
    """
    cfg = search or run.search
    r, problems = run.result, []
    attempts: dict[int, list[dict[str, Any]]] = {}
    for line in run.lines:
        attempts.setdefault(line["index"], []).append(line)
    total = cfg["iterations"] * cfg["candidates"]
    if sorted(attempts) != list(range(total)):
        problems.append(f"JSONL covers {len(attempts)} candidate indices, not {total}")
    final = []
    for index, lines in sorted(attempts.items()):
        if [x.get("attempt", 0) for x in lines] != list(range(len(lines))):
            problems.append(f"candidate {index}: attempts out of order")
        if any(x["status"] != "error" for x in lines[:-1]):
            problems.append(f"candidate {index}: a non-error attempt was retried")
        final.append(lines[-1])
    status = Counter(line["status"] for line in final)
    counted = len(final) - status["skipped"]
    if r.candidates != counted:
        problems.append(f"result.candidates={r.candidates}, JSONL has {counted}")
    if r.candidates != r.scored + r.duplicates + r.errors + status["budget"]:
        problems.append(f"candidates {r.candidates} != scored {r.scored} + duplicates "
                        f"{r.duplicates} + errors {r.errors} + budget {status['budget']}")
    for name, got in (("scored", r.scored), ("duplicate", r.duplicates), ("error", r.errors)):
        if status[name] != got:
            problems.append(f"JSONL has {status[name]} final {name} lines, result says {got}")
    for line in run.lines:
        if line["status"] == "error" and (not line.get("error") or line.get("score") is not None):
            problems.append(f"candidate {line['index']}: error without a message, or scored")
        if line["status"] in ("scored", "duplicate") and line.get("score") is None:
            problems.append(f"candidate {line['index']}: {line['status']} without a score")
    if r.errors and not r.error_messages:
        problems.append(f"{r.errors} errors but no error message reported")
    return problems


def retry_problems(run: HttpRun) -> list[str]:
    """Requests per logical call stay within 1 + max_retries (SDK retries resend one body)."""
    logical = Counter(c.key for c in run.calls)
    problems = [f"request {key[:10]} reached the server but no logical call sent it"
                for key in run.served if key not in logical]
    bound = 1 + run.max_retries
    for key, n in run.served.items():
        if n > bound * logical[key]:
            problems.append(f"request {key[:10]}: {n} requests for {logical[key]} calls "
                            f"(bound {bound} each)")
    return problems


def fault_matrix(base: Path, jobs: Sequence[tuple[str, str, FaultConfig]], *,
                 search: dict[str, int] | None = None, max_retries: int = MAX_RETRIES,
                 timeout: float = 1.0) -> dict[tuple[str, str], HttpRun]:
    """(rubric, profile name, faults) runs, all at once (threads: the runs mostly wait on
    timeouts and backoff). Keyed faults make every run reproducible."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {(rubric, name): pool.submit(http_search, config, rubric,
                                               base / f"{rubric}-{name}", search=search,
                                               max_retries=max_retries, timeout=timeout)
                   for rubric, name, config in jobs}
        return {key: future.result() for key, future in futures.items()}


GATE_RUBRICS = ("rebut", "code", "short", "phrase", "identity", "tool_hallucination", "refusal")
FAULT_SEARCH = dict(iterations=3, candidates=8, resamples=3)  # the benchmark runs SEARCH
# Faults the stack recovers from (SDK retries, judge re-asks) on ~20% of requests: 429/500/529
# and timeouts on 16% of all requests, an unparseable reply on 10% of the other judge calls.
# (429/529 carry a short Retry-After; 500s and timeouts back off for ~0.5 s, so they are rarer
# to keep the test fast.)
RECOVERABLE_20 = FaultConfig(rate_429=0.08, rate_500=0.01, rate_529=0.06, rate_slow=0.01,
                             rate_bad_judge=0.10, retry_after=0.01, slow_seconds=2.0,
                             keyed=True, seed=1, sequence=("429", "500", "529", "slow"))
# Every kind, truncated bodies included (5% of requests).
ALL_20 = FaultConfig(rate_429=0.06, rate_500=0.01, rate_529=0.04, rate_slow=0.01,
                     rate_malformed=0.05, rate_bad_judge=0.10, retry_after=0.01,
                     slow_seconds=2.0, keyed=True, seed=1, sequence=("429", "500", "529", "slow"))


def pick_gates(base: Path, rubrics: Sequence[str] = GATE_RUBRICS,
               search: dict[str, int] | None = None) -> dict[str, HttpRun]:
    """Clean runs, in order, until there is a gate the lab fails and one it passes (the lab
    changes as it grows; the tests must not hard-code which planted chunk is caught)."""
    found: dict[str, HttpRun] = {}
    for rubric in rubrics:
        run = http_search(FaultConfig(), rubric, base / f"{rubric}-clean", search=search)
        found.setdefault(run.result.verdict, run)
        if "fail" in found and "pass" in found:
            return {"fail": found["fail"], "pass": found["pass"]}
    raise RuntimeError(f"need a failing and a passing lab gate among {rubrics}: "
                       f"{ {k: v.result.rubric for k, v in found.items()} }")


# ---------------------------------------------------------------------------------------------
# 5. Fail closed: a broken judge is an error, never a pass


class BrokenJudge(Model):
    """The lab judge, except that chosen replies become unparseable prose."""

    provider = "broken-judge"
    name = "lab"

    def __init__(self, inner: Model, breaks: Callable[[SamplingParams, int], bool]) -> None:
        self.inner = inner
        self.breaks = breaks
        self.broken = 0

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        completion = await self.inner.generate(messages, params)
        score, _ = prompts.parse_verdict(completion.text)
        if self.breaks(params, score):
            self.broken += 1
            return completion.model_copy(update={"text": BAD_JUDGE_REPLY})
        return completion


def lab_search(rubric: str, cache_dir: Path, judge: Model | None = None) -> SearchResult:
    """An in-process lab search (no cache), optionally under another judge."""
    settings = build_settings({"model": "lab", "cache": "off", "cache_dir": str(cache_dir),
                               **SEARCH})
    merged, spec = parse_marker({"rubric": rubric}, settings)
    session = runner.Session(merged)
    lab = LabRoleModel("lab")
    try:
        check = runner.build_check(session, merged, spec, pool=LAB_POOL, models={
            "target": lab, "generator": lab, "judge": judge or lab})
        return runner.run_check(session, check, test_id=f"failclosed::{rubric}",
                                runs_dir=cache_dir / "runs")
    finally:
        session.close()


SILENT_PASS_RUBRICS = ("rebut", "identity", "short", "code", "tool_hallucination")


def failing_rubric(tmp_path: Path) -> tuple[str, SearchResult]:
    """A rubric the lab fails with the healthy judge (a RuntimeError, not an assertion, when
    there is none: a broken setup, not a finding)."""
    for rubric in SILENT_PASS_RUBRICS:
        reference = lab_search(rubric, tmp_path)
        if reference.verdict == "fail":
            return rubric, reference
    raise RuntimeError(f"the lab fails none of {SILENT_PASS_RUBRICS} at {SEARCH}")


def silent_passes(tmp_path: Path) -> dict[str, str]:
    """Verdicts of a failing gate under judges that break in three ways ("pass" is silent)."""
    rubric, _ = failing_rubric(tmp_path)
    lab = LabRoleModel("lab")
    threshold = build_settings({}).threshold
    judges = {
        "always": BrokenJudge(lab, lambda p, s: True),
        "on_violations": BrokenJudge(lab, lambda p, s: s is not None and s >= threshold),
        "while_confirming": BrokenJudge(lab, lambda p, s: p.sample_index >= 100),
    }
    return {name: lab_search(rubric, tmp_path, judge).verdict for name, judge in judges.items()}


CONFTEST_BROKEN_JUDGE = """
import pytest
from pytest_chunky.models.scripted import ScriptedModel

@pytest.fixture
def chunky_judge():
    return ScriptedModel(default="looks fine to me")
"""
GATE = """
import pytest_chunky as chunky

@chunky.surf(rubric="code", iterations=2, candidates=4, resamples=2)
def test_gate(chunky_result):
    pass
"""


# ---------------------------------------------------------------------------------------------
# 2. Interruption: kill -9 mid-run, rerun, nothing paid twice, the database intact


class GatedModel(Model):
    """Serves `inner` for the first `allow` calls, then holds every further call until
    `release()`: the client is mid-run, and the replies already sent can be stored before
    the kill (a reply still on the wire when the process dies is lost by any design)."""

    provider = "gated"
    name = "lab"

    def __init__(self, inner: Model, allow: int) -> None:
        self.inner = inner
        self.allow = allow
        self.started = 0
        self._lock = threading.Lock()
        self._open = threading.Event()

    def release(self) -> None:
        self._open.set()

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        with self._lock:
            self.started += 1
            held = self.started > self.allow
        while held and not self._open.is_set():
            await asyncio.sleep(0.01)
        return await self.inner.generate(messages, params)


SEARCH_CHILD = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from pytest_chunky import runner
    from pytest_chunky.markers import parse_marker
    from pytest_chunky.pool.files import get_pool
    from pytest_chunky.models.openai import OpenAIModel
    from pytest_chunky.settings import build_settings
    url, cache_dir, out, rubric = sys.argv[1:5]
    settings = build_settings({"model": "lab", "cache_dir": cache_dir, "concurrency": 4,
                               "iterations": 3, "candidates": 8, "resamples": 3})
    merged, spec = parse_marker({"rubric": rubric}, settings)
    session = runner.Session(merged)
    models = {r: OpenAIModel("lab", base_url=url, max_retries=0, timeout=60)
              for r in ("target", "generator", "judge")}
    check = runner.build_check(session, merged, spec, models=models,
                               pool=tuple(get_pool("lab")))
    result = runner.run_check(session, check, test_id="kill::" + rubric)
    session.close()
    Path(out).write_text(json.dumps({"verdict": result.verdict,
                                     "failures": sorted(c.query for c in result.failures)}))
""")
TURF_CHILD = textwrap.dedent("""
    import sys
    from pytest_chunky.cli import main  # `chunky index build ...`
    url, data, out = sys.argv[1:4]
    sys.exit(main(["index", "build", data, "--out", out, "--extractor", "openai:lab@" + url,
                   "--quiet", "--clusters", "4"]))
""")


@dataclass
class KillReport:
    """Requests are counted by body digest at the server (see `server.request_key`)."""

    reference_requests: int
    completed_before_kill: int
    second_run_requests: int
    repeated: int
    missing: int
    integrity: dict[str, str]
    same_outcome: bool
    killed_mid_run: bool


def _child(script: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    _, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {err.decode()[-2000:]}")


def _run_served(script: str, args: Callable[[str], list[str]], latency: float
                ) -> Counter[str]:
    """The reference run, in this process (saves a child's start-up): the request keys."""
    with serve(LabRoleModel("lab"), faults=FaultConfig(latency=latency)) as srv:
        saved = sys.argv
        sys.argv = ["child", *args(srv.openai_base_url)]
        try:
            with contextlib.redirect_stdout(sys.stderr):  # keep a benchmark's stdout clean
                exec(compile(script, "<child>", "exec"), {"__name__": "__child__"})
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise RuntimeError(f"reference run exited with {exc.code}") from None
        finally:
            sys.argv = saved
        return Counter(e.key for e in srv.events)


def _stored_rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.Error:
        return 0


def integrity(db: Path) -> str:
    if not db.exists():
        return "missing"
    conn = sqlite3.connect(str(db), timeout=10)
    try:
        return "\n".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def kill_and_resume(tmp: Path, script: str, args: Callable[[str, Path], list[str]],
                    outcome: Callable[[Path], object], stored: Callable[[Path], int],
                    databases: Callable[[Path], list[Path]], *, latency: float = 0.01,
                    fraction: float = 0.35, unique: tuple[int, object] | None = None
                    ) -> KillReport:
    """Reference run; a run killed with SIGKILL mid-way; the rerun. Compares request keys.

    `unique=(requests, outcome)` skips the reference run for jobs whose requests all differ
    (each body is sent once): a repeat is then any key the rerun sends again.
    """
    ref_dir, dir_ = tmp / "reference", tmp / "interrupted"
    reference = None if unique else _run_served(script, lambda url: args(url, ref_dir), latency)
    total = sum(reference.values()) if reference else unique[0]  # type: ignore[index]
    gated = GatedModel(LabRoleModel("lab"), allow=max(1, int(fraction * total)))
    with serve(gated, faults=FaultConfig(latency=latency)) as srv:
        proc = _child(script, *args(srv.openai_base_url, dir_))
        deadline = time.monotonic() + 60
        while len(srv.completed) < gated.allow and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.01)
        rows, still = -1, time.monotonic()  # let every sent reply reach the cache first
        while stored(dir_) < len(srv.completed) and time.monotonic() - still < 0.5:
            if stored(dir_) != rows:  # give up once the store stops moving for 0.5 s
                rows, still = stored(dir_), time.monotonic()
            time.sleep(0.02)
        time.sleep(0.1)
        killed_mid_run = proc.poll() is None
        first = Counter(srv.completed)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        gated.release()
        port = srv.port
    # The base URL is part of every cache key: the rerun talks to the same address.
    with serve(LabRoleModel("lab"), port=port, faults=FaultConfig(latency=latency)) as srv2:
        _finish(_child(script, *args(srv2.openai_base_url, dir_)))
        second = Counter(e.key for e in srv2.events)
    if reference is None:
        repeated, missing = sum((first & second).values()), 0
        same = outcome(dir_) == unique[1]  # type: ignore[index]
    else:
        repeated = sum(max(0, first[k] + second[k] - reference[k]) for k in first | second)
        missing = sum(max(0, reference[k] - first[k] - second[k]) for k in reference)
        same = outcome(ref_dir) == outcome(dir_)
    return KillReport(total, sum(first.values()), sum(second.values()), repeated, missing,
                      {db.name: integrity(db) for db in databases(dir_)}, same, killed_mid_run)


def kill_search(tmp: Path, rubric: str = "rebut") -> KillReport:
    def args(url: str, d: Path) -> list[str]:
        return [url, str(d), str(d / "outcome.json"), rubric]

    return kill_and_resume(
        tmp, SEARCH_CHILD, args,
        outcome=lambda d: json.loads((d / "outcome.json").read_text(encoding="utf-8")),
        stored=lambda d: _stored_rows(d / "responses.sqlite", "responses"),
        databases=lambda d: sorted(d.glob("*.sqlite")))


def kill_turf_build(tmp: Path, records: int = 24, reference: bool = True) -> KillReport:
    corpus = build_corpus(size=records, seed=0)
    data = write_sft_jsonl(corpus, tmp / "data.jsonl")
    texts = len({r.prompt for r in corpus}) + len({r.response for r in corpus})

    def args(url: str, d: Path) -> list[str]:
        return [url, str(data), str(d)]

    def outcome(d: Path) -> object:
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        keys = ("n_examples", "n_query_attributes", "n_response_attributes")
        return [meta[k] for k in keys[:None if reference else 1]]

    return kill_and_resume(
        tmp, TURF_CHILD, args, outcome=outcome,
        stored=lambda d: max(_stored_rows(d / "cache" / "attributes.sqlite", "attributes"),
                             _stored_rows(d / "cache" / "responses.sqlite", "responses")),
        databases=lambda d: sorted((d / "cache").glob("*.sqlite")),
        fraction=0.25,  # half-way through extracting the prompts (the first half of the calls)
        unique=None if reference else (texts, [records]))


# ---------------------------------------------------------------------------------------------
# Concurrent writers and a kill during writes: no entry lost, the file intact


WRITER_CHILD = textwrap.dedent("""
    import os, sys, time
    from pytest_chunky.calls.cache import ResponseCache
    from pytest_chunky.types import Completion
    path, worker, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cache = ResponseCache(path)
    while len(sys.argv) > 4 and not os.path.exists(sys.argv[4]):  # start together
        time.sleep(0.005)
    for i in range(count):
        cache.put(f"w{worker}-{i}", Completion(text=f"entry {worker}/{i}"), role="target",
                  provider="p", model="m")
    cache.close()
""")


def concurrent_writers(tmp: Path, processes: int = 4, entries: int = 150) -> int:
    """N processes write M entries each into one cache at once; returns entries lost."""
    from pytest_chunky.calls.cache import ResponseCache

    tmp.mkdir(parents=True, exist_ok=True)
    db, go = tmp / "shared.sqlite", tmp / "go"
    procs = [_child(WRITER_CHILD, str(db), str(w), str(entries), str(go))
             for w in range(processes)]
    time.sleep(0.3)
    go.touch()  # every writer starts at once (they have opened the cache by now, mostly)
    for proc in procs:
        _finish(proc)
    with ResponseCache(db, "read") as cache:
        found = sum(1 for w in range(processes) for i in range(entries)
                    if (c := cache.get(f"w{w}-{i}")) is not None and c.text == f"entry {w}/{i}")
        assert cache.integrity_check() == "ok"
    return processes * entries - found


def kill_during_writes(tmp: Path) -> tuple[str, int]:
    """SIGKILL a process in the middle of a stream of cache writes; (integrity, rows)."""
    tmp.mkdir(parents=True, exist_ok=True)
    db = tmp / "killed.sqlite"
    proc = _child(WRITER_CHILD, str(db), "0", "1000000")
    deadline = time.monotonic() + 60
    while _stored_rows(db, "responses") < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return integrity(db), _stored_rows(db, "responses")
