"""The pytest plugin: options, the `surf` and `steer` markers, fixtures and reports.

This is the only module that imports pytest; everything it drives is a plain library
(`runner`, `search`, `turf`), so the same checks run from a notebook or a CLI. It is loaded in
every pytest process where the package is installed, so it imports nothing heavy: the settings
(pydantic), the engine (numpy) and the reports load when a chunky option or marker is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pytest

from pytest_chunky.options import OPTIONS

if TYPE_CHECKING:
    from pytest_chunky.markers import SurfSpec
    from pytest_chunky.models.base import Model
    from pytest_chunky.results import IterationStats, SearchResult
    from pytest_chunky.runner import Session
    from pytest_chunky.settings import Settings
    from pytest_chunky.types import Role

MARKER = "chunky_surf"
SETTINGS_KEY = pytest.StashKey["Settings"]()
SESSION_KEY = pytest.StashKey["Session"]()
ITEM_KEY = pytest.StashKey["tuple[Settings, SurfSpec]"]()
RESULT_KEY = pytest.StashKey["SearchResult"]()
RESULTS_KEY = pytest.StashKey["list[tuple[str, SearchResult]]"]()
PROBLEMS_KEY = pytest.StashKey[list[str]]()
NO_TARGET = ("no target model configured: pass --chunky-model=lab for the offline lab, or "
             "--chunky-model=openai:gpt-5.1 --chunky-judge=anthropic:claude-opus-4-5, or set "
             "chunky_model in [tool.pytest.ini_options]")


def surf(**kwargs: Any) -> pytest.MarkDecorator:
    """Mark a test as a SURF search: `@chunky.surf(rubric="rebut", threshold=70)`."""
    return getattr(pytest.mark, MARKER)(**kwargs)


STEER_MARKER = "chunky_steer"


def steer(**kwargs: Any) -> pytest.MarkDecorator:
    """Mark a test as a steering gate: `@chunky.steer(rubric="code", transform="latex")`."""
    return getattr(pytest.mark, STEER_MARKER)(**kwargs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("chunky", "pytest-chunky: SURF/TURF behavioural gates for LLMs")
    for spec in OPTIONS:
        help_text = spec.help + (f" (one of: {', '.join(spec.choices)})" if spec.choices else "")
        if spec.kind == "bool":
            group.addoption(spec.flag, action="store_true", default=None, dest=spec.dest,
                            help=help_text)
            parser.addini(spec.ini, help_text, type="bool", default=None)
        elif spec.kind == "list":
            group.addoption(spec.flag, action="append", default=None, dest=spec.dest,
                            metavar="PATH", help=help_text)
            parser.addini(spec.ini, help_text, type="args", default=[])
        else:
            group.addoption(spec.flag, action="store", default=None, dest=spec.dest,
                            metavar=spec.metavar or spec.kind.upper(), help=help_text)
            parser.addini(spec.ini, help_text, type="string", default=None)


def _read_settings(config: pytest.Config) -> Settings:
    from pytest_chunky.settings import build_settings

    ini: dict[str, Any] = {}
    cli: dict[str, Any] = {}
    for spec in OPTIONS:
        raw_ini = config.getini(spec.ini)
        if raw_ini not in (None, "", []):
            ini[spec.field] = raw_ini
        raw_cli = config.getoption(spec.dest, default=None)
        if raw_cli is not None:
            cli[spec.field] = raw_cli
    return build_settings(ini, cli)


def _chunky_in_use(config: pytest.Config) -> bool:
    """Whether any chunky flag or ini key is set (then bad values stop the run at once)."""
    return any(config.getoption(spec.dest, default=None) is not None
               or config.getini(spec.ini) not in (None, "", []) for spec in OPTIONS)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(rubric, ...): run the test as a SURF behavioural search "
        "(use @pytest_chunky.surf)")
    config.addinivalue_line(
        "markers", f"{STEER_MARKER}(rubric, transform, ...): measure how far a surface "
        "transform moves a behaviour (use @pytest_chunky.steer)")
    config.stash[RESULTS_KEY] = []
    config.stash[PROBLEMS_KEY] = []
    if config.pluginmanager.hasplugin("xdist") and not config.pluginmanager.hasplugin(
            "chunky-xdist"):
        config.pluginmanager.register(XdistHooks(), "chunky-xdist")
    if _chunky_in_use(config):
        _settings(config)


def _settings(config: pytest.Config) -> Settings:
    """The run's settings, validated once, on first use (a chunky option, marker or fixture)."""
    if SETTINGS_KEY in config.stash:
        return config.stash[SETTINGS_KEY]
    from pytest_chunky.infra.credentials import install_log_redaction, redact
    from pytest_chunky.infra.errors import ChunkyError
    from pytest_chunky.settings import role_models

    install_log_redaction()
    try:
        settings = _read_settings(config)
        for model in role_models(settings).values():  # a real target needs a judge
            redact(model or "")  # remembers credentials in URLs, masked from here on
    except ChunkyError as exc:
        raise pytest.UsageError(str(exc)) from None
    if settings.turf_index is not None and not settings.turf_index.is_dir():
        raise pytest.UsageError(
            f"--chunky-turf-index: {settings.turf_index} is not a directory; build one with "
            "`chunky index build DATA.jsonl --out DIR`")
    config.stash[SETTINGS_KEY] = settings
    return settings


def pytest_collection_modifyitems(config: pytest.Config) -> None:
    # Bad marker arguments stop the run with one line each, like a bad flag would.
    problems = config.stash.get(PROBLEMS_KEY, [])
    if problems:
        raise pytest.UsageError("\n".join(problems))


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()


def pytest_report_header(config: pytest.Config) -> str | None:
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is None or settings.model is None:
        return None
    from pytest_chunky.infra.credentials import safe_text
    from pytest_chunky.settings import role_models

    roles = role_models(settings)
    return safe_text("chunky: " + " ".join(f"{k}={v}" for k, v in roles.items() if v) +
                  f" cache={settings.cache}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None:
        return
    from pytest_chunky.infra.errors import ChunkyError
    from pytest_chunky.markers import parse_marker

    problems = metafunc.config.stash[PROBLEMS_KEY]
    if marker.args:
        problems.append(f"{metafunc.definition.nodeid}: @chunky.surf takes keyword "
                        "arguments only, e.g. @chunky.surf(rubric='rebut')")
        return
    try:
        settings, spec = parse_marker(dict(marker.kwargs), _settings(metafunc.config))
    except ChunkyError as exc:
        problems.append(f"{metafunc.definition.nodeid}: {exc}")
        return
    if not _overridden(metafunc.definition, "chunky_judge"):  # a rubric it cannot score
        from pytest_chunky.runner import collection_problem

        if why := collection_problem(_session(metafunc.config), settings, spec):
            problems.append(f"{metafunc.definition.nodeid}: {why}")
    if settings.pipelines > 1:
        if "chunky_pipeline" not in metafunc.fixturenames:
            metafunc.fixturenames.append("chunky_pipeline")
        metafunc.parametrize("chunky_pipeline", range(settings.pipelines),
                             ids=[f"pipeline{p}" for p in range(settings.pipelines)])


def _overridden(node: pytest.Item, fixture: str) -> bool:
    """Whether a conftest or module replaces one of our fixtures for `node` (True if unsure)."""
    try:
        defs = node.session._fixturemanager.getfixturedefs(fixture, node)
    except Exception:  # a pytest without this API: leave it to run time
        return True
    return bool(defs) and defs[-1].func.__module__ != __name__  # type: ignore[index]


def _item_config(item: pytest.Item) -> tuple[Settings, SurfSpec] | None:
    if ITEM_KEY in item.stash:
        return item.stash[ITEM_KEY]
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return None
    from pytest_chunky.markers import parse_marker

    settings, spec = parse_marker(dict(marker.kwargs), _settings(item.config))
    callspec = getattr(item, "callspec", None)
    pipeline = callspec.params.get("chunky_pipeline", 0) if callspec else 0
    if pipeline:
        settings = settings.model_copy(update={"seed": settings.seed + pipeline})
    item.stash[ITEM_KEY] = (settings, spec)
    return settings, spec


def _session(config: pytest.Config) -> Session:
    if SESSION_KEY not in config.stash:
        from pytest_chunky.runner import Session

        config.stash[SESSION_KEY] = Session(_settings(config))
    return config.stash[SESSION_KEY]


@pytest.fixture
def chunky_pipeline() -> int:
    """Index of this item's SURF pipeline (0 unless the marker sets pipelines=P)."""
    return 0


@pytest.fixture
def chunky_settings(request: pytest.FixtureRequest) -> Settings:
    """The run's validated settings, with this test's marker overrides applied."""
    found = _item_config(request.node)
    return found[0] if found else _settings(request.config)


def _role_model(request: pytest.FixtureRequest, role: str, flag: str) -> Model:
    from pytest_chunky.infra.errors import NoVerdict
    from pytest_chunky.settings import role_models

    settings: Settings = request.getfixturevalue("chunky_settings")
    name = role_models(settings)[role]
    if name is None:
        if role == "target":
            pytest.skip(NO_TARGET)
        raise NoVerdict(f"no {role} model configured: pass {flag}=MODEL (or lab for "
                               f"the offline lab), or set chunky_{role} in your ini file")
    return _session(request.config).model(name, flag)


def _role_fixtures(request: pytest.FixtureRequest) -> dict[Role, Model]:
    """The three search roles as their fixtures give them (a conftest may override any)."""
    return {role: request.getfixturevalue(f"chunky_{name}")  # type: ignore[misc]
            for role, name in (("target", "model"), ("judge", "judge"),
                               ("generator", "generator"))}


@pytest.fixture
def chunky_model(request: pytest.FixtureRequest) -> Model:
    """The target model (override in conftest.py to test your own model object)."""
    return _role_model(request, "target", "--chunky-model")


@pytest.fixture
def chunky_judge(request: pytest.FixtureRequest) -> Model:
    return _role_model(request, "judge", "--chunky-judge")


@pytest.fixture
def chunky_generator(request: pytest.FixtureRequest) -> Model:
    return _role_model(request, "generator", "--chunky-generator")


@pytest.fixture
def chunky_attributes(request: pytest.FixtureRequest, chunky_model: Model) -> Sequence[str]:
    """The attribute pool the search samples from."""
    from pytest_chunky.markers import SurfSpec
    from pytest_chunky.runner import default_pool

    found = _item_config(request.node)
    spec = found[1] if found else SurfSpec(rubric="code")
    return default_pool(request.getfixturevalue("chunky_settings"), spec, chunky_model)


@pytest.fixture
def chunky_result(request: pytest.FixtureRequest) -> SearchResult:
    """The finished search of this `@chunky.surf` test."""
    from pytest_chunky.infra.errors import ChunkyError, NoVerdict, SearchInterrupted
    from pytest_chunky.results import SearchResult
    from pytest_chunky.runner import build_check, run_check

    item = request.node
    if RESULT_KEY not in item.stash:
        found = _item_config(item)
        if found is None:
            raise pytest.UsageError(f"{item.nodeid}: chunky_result needs @chunky.surf(...)")
        settings, spec = found
        models = _role_fixtures(request)
        pool = request.getfixturevalue("chunky_attributes")
        session = _session(request.config)
        try:
            check = build_check(session, settings, spec, models=models, pool=pool,
                                with_extractor=True)
            result = run_check(session, check, test_id=item.nodeid,
                               progress=_progress_printer(request.config, item.nodeid,
                                                          settings.iterations))
        except ChunkyError as exc:
            raise NoVerdict(str(exc)) from None
        except SearchInterrupted as exc:
            if isinstance(exc.result, SearchResult):  # what was searched before Ctrl-C
                request.config.stash[RESULTS_KEY].append((item.nodeid, exc.result))
                _attach(item, exc.result)
            raise
        item.stash[RESULT_KEY] = result
        request.config.stash[RESULTS_KEY].append((item.nodeid, result))
        _attach(item, result)
        if result.verdict == "error":
            raise NoVerdict(
                f"chunky search could not reach a verdict ({result.stopped}): "
                f"{result.stop_message or '; '.join(result.error_messages) or 'no candidate'}"
                f" — {result.errors} errors, {result.scored} scored")
    return item.stash[RESULT_KEY]


def _progress_printer(config: pytest.Config, test_id: str, iterations: int
                      ) -> Callable[[IterationStats, int], None] | None:
    """Live progress with -v, where it cannot garble output (not on xdist workers)."""
    from pytest_chunky.reports.text import progress_printer

    reporter = config.pluginmanager.get_plugin("terminalreporter")
    live = reporter is not None and not _is_worker(config) and config.option.verbose >= 1
    return progress_printer(reporter, test_id, iterations) if live else None


@pytest.fixture(autouse=True)
def _chunky_gate(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("chunky_result")
    elif request.node.get_closest_marker(STEER_MARKER) is not None:
        request.getfixturevalue("chunky_steer_result")
    yield


@pytest.fixture
def chunky_steer_result(request: pytest.FixtureRequest) -> SearchResult:
    """The steering measurement of this `@chunky.steer` test (its `steer` field)."""
    from pytest_chunky.infra.errors import ChunkyError, NoVerdict
    from pytest_chunky.markers import parse_steer
    from pytest_chunky.runner import run_steer_gate

    item = request.node
    if RESULT_KEY not in item.stash:
        marker = item.get_closest_marker(STEER_MARKER)
        if marker is None:
            raise pytest.UsageError(f"{item.nodeid}: chunky_steer_result needs @chunky.steer")
        try:
            spec = parse_steer(dict(marker.kwargs))
        except ChunkyError as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc}") from None
        try:
            result = run_steer_gate(_session(request.config),
                                    request.getfixturevalue("chunky_settings"), spec,
                                    _role_fixtures(request), test_id=item.nodeid)
        except ChunkyError as exc:
            raise NoVerdict(str(exc)) from None
        item.stash[RESULT_KEY] = result
        request.config.stash[RESULTS_KEY].append((item.nodeid, result))
        _attach(item, result)
        if result.verdict == "error":
            raise NoVerdict(f"chunky steer could not reach a verdict: {result.errors} of "
                            f"{result.candidates} pairs errored "
                            f"({'; '.join(result.error_messages) or 'no prompt'})")
    return item.stash[RESULT_KEY]


def _attach(item: pytest.Item, result: SearchResult) -> None:
    from pytest_chunky.reports.text import report_parts

    section, properties = report_parts(result)
    item.add_report_section("call", "chunky", section)
    item.user_properties.extend(properties)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    __tracebackhide__ = True
    outcome = yield
    result = item.stash.get(RESULT_KEY, None)
    if result is not None and result.verdict == "fail":  # a finding: `xfail(raises=GateFailed)`
        from pytest_chunky.infra.credentials import safe_text
        from pytest_chunky.infra.errors import GateFailed
        from pytest_chunky.reports.text import failure_message

        raise GateFailed(safe_text(failure_message(result)))
    return outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """No verdict (provider down, judge unparseable...) is an error even under any xfail."""
    report = yield
    if call.excinfo is not None and getattr(report, "wasxfail", None) is not None:
        from pytest_chunky.infra.errors import ChunkyError  # GateFailed is no ChunkyError

        if isinstance(call.excinfo.value, ChunkyError):
            del report.wasxfail
            report.outcome = "failed"
    return report


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    results = config.stash.get(RESULTS_KEY, [])
    if _is_worker(config):
        # xdist: ship this worker's results to the controller (see XdistHooks).
        config.workeroutput["chunky_results"] = json.dumps(  # type: ignore[attr-defined]
            [[test_id, r.model_dump(mode="json")] for test_id, r in results])
        return
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is not None and results:
        from pytest_chunky.reports.files import write_reports

        write_reports(settings, results)


class XdistHooks:
    """Registered only when pytest-xdist is active: collect worker results on the controller."""

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        raw = getattr(node, "workeroutput", {}).get("chunky_results")
        if not raw:
            return
        from pytest_chunky.results import SearchResult

        results = node.config.stash[RESULTS_KEY]
        for test_id, data in json.loads(raw):
            results.append((test_id, SearchResult.model_validate(data)))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    results = config.stash.get(RESULTS_KEY, [])
    if not results:
        return
    from pytest_chunky.reports.text import summary_lines

    terminalreporter.section("chunky")
    for line in summary_lines(results):
        terminalreporter.write_line(line)
