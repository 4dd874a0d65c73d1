"""The option table: every setting's flag, ini key, help text and kind.

Kept free of pydantic and everything else heavy, so the pytest plugin can register its options
in every pytest process without loading the settings machinery (`settings`) until a chunky
option or marker is actually used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CACHE_MODES", "OPTIONS", "OPTIONS_BY_FIELD", "OptionSpec"]

CACHE_MODES: tuple[str, ...] = ("off", "read", "write", "readwrite", "replay")


@dataclass(frozen=True)
class OptionSpec:
    """One setting as the user sees it: flag, ini key, help."""

    field: str
    help: str
    kind: Literal["str", "int", "float", "path", "bool", "list"] = "str"
    metavar: str | None = None
    choices: tuple[str, ...] | None = None

    @property
    def flag(self) -> str:
        return "--chunky-" + self.field.replace("_", "-")

    @property
    def ini(self) -> str:
        return "chunky_" + self.field

    @property
    def dest(self) -> str:
        return "chunky_" + self.field


OPTIONS: tuple[OptionSpec, ...] = (
    OptionSpec("model", "target model under test, e.g. lab, openai:gpt-5.1, claude-opus-4-5, "
               "openai:NAME@http://127.0.0.1:8000/v1", metavar="MODEL"),
    OptionSpec("judge", "judge model (defaults to the lab judge when the target is lab)",
               metavar="MODEL"),
    OptionSpec("generator", "prompt generator model (defaults to the judge)", metavar="MODEL"),
    OptionSpec("boundary", "re-sample failing gates under this system prompt ('rubric': the "
               "rubric's principle) and report how far the violations drop", metavar="TEXT"),
    OptionSpec("baseline_model", "baseline checkpoint: gates also compare the target with it "
               "(and, with mode='regression', fail only when the target is worse)",
               metavar="MODEL"),
    OptionSpec("extractor", "LLM attribute extractor for TURF (default: data features "
               "mined from the index)",
               metavar="MODEL"),
    OptionSpec("embedder", "embedder for TURF queries against --chunky-turf-index, instead of "
               "the one stored in the index (needed when its URL had credentials, which an "
               "index never stores): builtin, sentence-transformers:NAME or "
               "openai:text-embedding-3-small", metavar="EMBEDDER"),
    OptionSpec("threshold", "judge score (0-100) at or above which a candidate violates",
               "float"),
    OptionSpec("iterations", "SURF iterations per pipeline (T)", "int"),
    OptionSpec("candidates", "candidates per iteration (N)", "int"),
    OptionSpec("pipelines", "parallel SURF pipelines per test, one seed each (P)", "int"),
    OptionSpec("seed", "base random seed", "int"),
    OptionSpec("buffer_size", "replay buffer size (top-n entries kept)", "int"),
    OptionSpec("resamples", "cap on re-samples per found failure; the sequential test stops "
               "earlier (default 12/min_rate)", "int"),
    OptionSpec("min_rate", "violation rate a failure needs: SPRT of min_rate/2 against 2*min_rate",
               "float"),
    OptionSpec("cache", "response cache mode", choices=CACHE_MODES),
    OptionSpec("cache_dir", "directory for the response cache and failure memory", "path"),
    OptionSpec("budget_calls", "cap on real (uncached) model calls per test", "int"),
    OptionSpec("budget_tokens", "cap on tokens (input + output) per test", "int"),
    OptionSpec("budget_usd", "cap on dollars spent per test", "float"),
    OptionSpec("concurrency", "concurrent requests per provider", "int"),
    OptionSpec("rpm", "requests per minute per provider, shared by all xdist workers", "int"),
    OptionSpec("timeout", "seconds one model call may take in all, its retries included (a "
               "server that trickles bytes cannot hang a gate); default 300", "float"),
    OptionSpec("max_retries", "retries of a failed call (429, 5xx, dropped connection) before "
               "it counts as failed; default: the provider's own (4 for the OpenAI and "
               "Anthropic SDKs)", "int"),
    OptionSpec("test_timeout", "seconds one gate may take; past it the gate ends as an error "
               "(no verdict); default: no cap", "float"),
    OptionSpec("breaker", "consecutive failed calls to one provider after which every further "
               "call to it fails at once (the gate ends as an error in seconds, not after "
               "hundreds of calls); 0 turns it off; default 8", "int"),
    OptionSpec("max_response_chars", "longest response kept, stored and forwarded to the judge; "
               "longer ones are cut and marked truncated; default 200000", "int"),
    OptionSpec("max_tokens", "reply cap (tokens) for every role; default 1024", "int"),
    OptionSpec("temperature", "sampling temperature for the target and the generator (the "
               "judge keeps 0 unless --chunky-judge-temperature says otherwise)", "float"),
    *(OptionSpec(f"{role}_max_tokens", f"reply cap (tokens) for the {role}; overrides "
                 "--chunky-max-tokens", "int") for role in ("target", "judge", "generator")),
    *(OptionSpec(f"{role}_temperature", f"sampling temperature for the {role}; overrides "
                 "--chunky-temperature", "float") for role in ("target", "judge", "generator")),
    OptionSpec("rubrics", "extra rubric files or directories (repeatable)", "list"),
    OptionSpec("turf_index", "TURF training-data index directory; failing tests are attributed",
               "path"),
    OptionSpec("replay_only", "run only stored failing prompts, no new search", "bool"),
    OptionSpec("report", "write a self-contained HTML report to this path", "path"),
    OptionSpec("json_report", "write the session's chunky results as JSON to this path", "path"),
)
OPTIONS_BY_FIELD: dict[str, OptionSpec] = {o.field: o for o in OPTIONS}
