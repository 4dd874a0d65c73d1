"""Options, ini precedence and errors, through a real pytest run (pytester)."""

from __future__ import annotations

import pytest

from pytest_chunky.options import OPTIONS

SHOW = """
def test_show(chunky_settings):
    s = chunky_settings
    print("SETTINGS", s.model, s.iterations, s.threshold, s.cache, s.seed)
"""


def test_help_lists_every_option(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    out = result.stdout.str()
    for spec in OPTIONS:
        assert spec.flag in out, spec.flag


def test_defaults_ini_and_cli_precedence(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nchunky_model = lab\nchunky_iterations = 4\n"
                     "chunky_threshold = 60\n")
    pytester.makepyfile(SHOW)
    result = pytester.runpytest("-s", "--chunky-iterations=9", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    # model from ini, iterations from CLI (beats ini), threshold from ini, cache default
    result.stdout.fnmatch_lines(["*SETTINGS lab 9 60.0 readwrite 0"])


def test_pyproject_ini_options(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\nchunky_cache = "replay"\n'
                               'chunky_seed = "7"\n')
    pytester.makepyfile(SHOW)
    result = pytester.runpytest("-s")
    result.stdout.fnmatch_lines(["*SETTINGS None 8 70.0 replay 7"])


@pytest.mark.parametrize("args,needle", [
    (["--chunky-cache=sometimes"], "--chunky-cache: invalid value 'sometimes'*valid values: off,"
     " read, write, readwrite, replay"),
    (["--chunky-threshold=150"], "--chunky-threshold: invalid value '150'*<= 100*"),
    (["--chunky-iterations=many"], "--chunky-iterations: invalid value 'many'*integer*"),
    (["--chunky-model=gpt-5.1"], "*needs a judge: pass --chunky-judge=*"),
    (["--chunky-model=foo:bar", "--chunky-judge=lab"], "*unknown provider 'foo'*valid providers:*"),
])
def test_bad_values_are_usage_errors(pytester: pytest.Pytester, args: list[str],
                                     needle: str) -> None:
    pytester.makepyfile(SHOW)
    result = pytester.runpytest(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {needle}"])


def test_bad_ini_value_names_the_flag(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nchunky_concurrency = 0\n")
    pytester.makepyfile(SHOW)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --chunky-concurrency: invalid value '0'*>= 1*"])


def test_marker_unknown_rubric_lists_valid_names(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="rebutt")
        def test_x(): pass
    """)
    result = pytester.runpytest("--chunky-model=lab")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *test_x*rebutt*code*refusal*"])


def test_marker_bad_argument_named(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="rebut", treshold=50)
        def test_x(): pass

        @chunky.surf(rubric="rebut", threshold=500)
        def test_y(): pass
    """)
    result = pytester.runpytest("--chunky-model=lab", "-k", "test_x")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: *unknown argument(s) 'treshold'; valid arguments:*"])


def test_no_target_skips_with_instructions(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest_chunky as chunky

        @chunky.surf(rubric="rebut")
        def test_x(chunky_result): pass
    """)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*no target model configured: pass --chunky-model=lab*"])
