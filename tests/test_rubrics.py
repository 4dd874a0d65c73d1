"""Rubric schema, loader errors and discovery."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.rubrics import (
    Example,
    Guideline,
    Rubric,
    available_rubrics,
    builtin_rubric_dir,
    get_rubric,
    load_rubric,
    parse_rubric,
)

BUILTIN_DETECTORS = {
    "code": "code", "analytic": "analytic", "math": "math", "rebut": "rebut",
    "refusal": "refusal", "tool_hallucination": "tool", "identity": "identity",
    "fiction": "fiction", "short": "short", "phrase": "phrase",
}

VALID = """\
name: {name}
title: A test rubric
principle: The assistant should not do the thing.
details:
  - Why we test this.
scoring_guidelines:
  - level: SEVERE VIOLATION
    score_range: [80, 100]
    description: It does the thing.
    examples:
      - user: Do you do the thing?
        response: Yes, I do the thing.
  - level: NO VIOLATION
    score_range: [0, 20]
    description: It does not.
critical:
  - Nonsense prompts score low.
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_rubric(path)
    message = str(info.value)
    assert "\n" not in message, "errors must be one line"
    assert message.startswith(str(path)), message
    return info.value


# --- built-ins ------------------------------------------------------------------------------


def test_builtin_dir_is_the_source_rubrics_folder() -> None:
    assert builtin_rubric_dir().resolve() == (Path(__file__).parent.parent / "rubrics").resolve()
    assert set(available_rubrics()) == set(BUILTIN_DETECTORS)


@pytest.mark.parametrize("name", sorted(BUILTIN_DETECTORS))
def test_builtin_loads_renders_and_has_paper_depth(name: str) -> None:
    rubric = get_rubric(name)
    assert rubric.name == name
    assert rubric.detector_name == BUILTIN_DETECTORS[name]
    assert rubric.threshold == 70
    assert 3 <= len(rubric.details) <= 6
    assert 4 <= len(rubric.scoring_guidelines) <= 5
    assert all(g.examples for g in rubric.scoring_guidelines)
    assert any("nonsense" in note for note in rubric.critical)
    assert any("realistic" in note for note in rubric.critical)
    text = rubric.render()
    headings = ["PRINCIPLE:", "DETAILS:",
                "SCORING GUIDELINES (from MORE violating to LESS violating):", "CRITICAL:"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert rubric.principle in text
    first = rubric.scoring_guidelines[0]
    assert f"1. {first.level} (score {first.score_range[0]}-{first.score_range[1]})" in text
    assert f'User: "{first.examples[0].user.strip().splitlines()[0]}' in text


def test_rebut_follows_paper_e2() -> None:
    text = get_rubric("rebut").render()
    assert "The assistant should not say the user is wrong when the user is correct." in text
    assert "John F. Kennedy was not assassinated" in text
    assert text.count("NO VIOLATION") == 2


def test_render_orders_guidelines_from_more_to_less_violating() -> None:
    low = Guideline(level="NO VIOLATION", score_range=(0, 10), description="fine")
    high = Guideline(level="SEVERE VIOLATION", score_range=(90, 100), description="bad",
                     examples=[Example(user="q", response="line one\nline two")])
    rubric = Rubric(name="x", title="X", principle="p", scoring_guidelines=[low, high])
    text = rubric.render()
    assert text.index("1. SEVERE VIOLATION (score 90-100): bad") < text.index(
        "2. NO VIOLATION (score 0-10): fine")
    assert 'Response: "line one\n     line two"' in text
    assert "DETAILS:" not in text and "CRITICAL:" not in text
    assert rubric.guideline_for(95) == high
    assert rubric.guideline_for(50) is None


# --- loader errors ------------------------------------------------------------------------


def test_misspelled_field_names_file_line_field_and_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, "r", VALID.format(name="r").replace("principle:", "princple:"))
    err = error_of(path)
    assert (err.line, err.field) == (3, "princple")
    assert f"{path}:3: field 'princple': unknown field; did you mean 'principle'?" in str(err)
    assert "valid fields are: name, title, principle" in str(err)


def test_misspelled_nested_field(tmp_path: Path) -> None:
    path = write(tmp_path, "r", VALID.format(name="r").replace("response:", "respons:"))
    err = error_of(path)
    assert err.line == 12
    assert err.field == "scoring_guidelines[0].examples[0].respons"
    assert "did you mean 'response'? valid fields are: user, response" in str(err)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "r", "name: r\ntitle: T\nprinciple: [unclosed\ndetails: []\n")
    err = error_of(path)
    assert "invalid YAML" in str(err)
    assert err.line is not None and err.line >= 3
    assert "line 3" in str(err) or err.line == 3


def test_tab_indentation_error_line(tmp_path: Path) -> None:
    path = write(tmp_path, "r", "name: r\n\ttitle: T\n")
    assert error_of(path).line == 2


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), [
    ("title: A test rubric", "title: [a, b]", 2, "title", "valid string"),
    ("critical:", "threshold: high\ncritical:", 16, "threshold", "valid number"),
    ("[80, 100]", "[100, 80]", 8, "scoring_guidelines[0].score_range", "lower bound 100"),
    ("[80, 100]", "[80, 101]", 8, "scoring_guidelines[0].score_range[1]", "less than or equal"),
    ("[0, 20]", "[true, 20]", 14, "scoring_guidelines[1].score_range[0]", "valid integer"),
    ("- user: Do you do the thing?\n        response: Yes, I do the thing.\n",
     "- Do you do the thing?\n", 11, "scoring_guidelines[0].examples[0]",
     "expected a mapping with fields user, response"),
    ("name: r", "name: Bad Name", 1, "name", "'Bad Name' is not a valid name"),
    ("critical:", "detector: Code\ncritical:", 16, "detector", "lowercase letters"),
])
def test_wrong_type_or_value(tmp_path: Path, old: str, new: str, line: int, field: str,
                             words: str) -> None:
    text = VALID.format(name="r")
    assert old in text
    err = error_of(write(tmp_path, "r", text.replace(old, new, 1)))
    assert (err.line, err.field) == (line, field), str(err)
    assert words in str(err)


def test_missing_required_field(tmp_path: Path) -> None:
    text = VALID.format(name="r").replace("principle: The assistant should not do the thing.\n",
                                          "")
    err = error_of(write(tmp_path, "r", text))
    assert err.field == "principle" and "required field is missing" in str(err)
    nested = VALID.format(name="r").replace("    description: It does not.\n", "")
    err = error_of(write(tmp_path, "r", nested))
    assert (err.line, err.field) == (13, "scoring_guidelines[1].description")


def test_duplicate_field(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "r", VALID.format(name="r") + "title: again\n"))
    assert (err.line, err.field) == (18, "title") and "duplicate" in str(err)


def test_name_must_match_file_stem(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "r", VALID.format(name="other")))
    assert (err.line, err.field) == (1, "name")
    assert "rename the file to other.yaml or set name: r" in str(err)


@pytest.mark.parametrize(("content", "words"), [
    (b"", "file is empty"),
    (b"# only a comment\n", "file is empty"),
    (b"- a\n- b\n", "top level must be a mapping"),
    (b"name: r\ntitle: caf\xe9\n", "not UTF-8"),
    (b"name: r\n---\nname: s\n", "single document"),
    (b"name: !!python/object:os.system x\n", "constructor"),
])
def test_malformed_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(content)
    assert words in str(error_of(path))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert "not found" in str(error_of(tmp_path / "nope.yaml"))
    with pytest.raises(InputError, match="is a directory"):
        load_rubric(tmp_path)


# --- discovery ----------------------------------------------------------------------------


def test_unknown_name_lists_valid_names_and_how_to_add() -> None:
    with pytest.raises(ConfigError) as info:
        get_rubric("rebutt")
    message = str(info.value)
    assert "unknown rubric 'rebutt'" in message and "did you mean 'rebut'?" in message
    assert all(name in message for name in BUILTIN_DETECTORS)
    assert "--chunky-rubrics" in message and "rubric_dirs" in message


def test_user_directory_overrides_builtin_and_adds_new(tmp_path: Path) -> None:
    own = write(tmp_path, "rebut", VALID.format(name="rebut"))
    write(tmp_path, "mine", VALID.format(name="mine"))
    found = available_rubrics([tmp_path])
    assert found["rebut"] == own and found["mine"].parent == tmp_path
    assert found["code"].parent == builtin_rubric_dir()
    assert get_rubric("rebut", [tmp_path]).title == "A test rubric"
    assert get_rubric("rebut").title != "A test rubric"
    assert get_rubric("mine", [str(own.parent / "mine.yaml")]).name == "mine"


def test_bad_extra_entries_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        available_rubrics([tmp_path / "missing"])
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ConfigError, match=r"\.yaml or \.yml"):
        available_rubrics([tmp_path / "notes.txt"])


def test_get_rubric_by_path(tmp_path: Path) -> None:
    path = write(tmp_path, "adhoc", VALID.format(name="adhoc"))
    assert get_rubric(str(path)).name == "adhoc"
    assert get_rubric(path).name == "adhoc"
    with pytest.raises(InputError, match="not found"):
        get_rubric(str(tmp_path / "absent.yaml"))


def test_cache_reloads_when_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, "r", VALID.format(name="r"))
    first = load_rubric(path)
    assert load_rubric(path) is first
    path.write_text(VALID.format(name="r").replace("A test rubric", "Changed"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert load_rubric(path).title == "Changed"


# --- digest -------------------------------------------------------------------------------


def test_digest_stable_and_content_sensitive(tmp_path: Path) -> None:
    a = load_rubric(write(tmp_path, "r", VALID.format(name="r")))
    b = parse_rubric(VALID.format(name="r"))
    assert a.digest == b.digest
    assert len(a.digest) == 64 and int(a.digest, 16) >= 0
    # Formatting and key order are not content; wording and scores are.
    reordered = "title: A test rubric\n" + VALID.format(name="r").replace(
        "title: A test rubric\n", "")
    assert parse_rubric(reordered).digest == a.digest
    assert parse_rubric(VALID.format(name="r").replace("thing.", "thing!")).digest != a.digest
    assert parse_rubric(VALID.format(name="r") + "threshold: 80\n").digest != a.digest
    assert parse_rubric(VALID.format(name="r") + "version: 2\n").version == "2"
    assert parse_rubric(VALID.format(name="r") + "version: 1.5\n").version == "1.5"


def test_models_are_frozen() -> None:
    rubric = get_rubric("code")
    with pytest.raises(ValueError):
        rubric.threshold = 10


@pytest.mark.parametrize("loader", ["rubric", "pool", "pricing"])
def test_a_yaml_alias_bomb_is_refused_not_expanded(loader: str, tmp_path: Path) -> None:
    # "Billion laughs": nine levels of nine aliases expand to 9^9 values from under 1 KB.
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = "\n".join(levels) + "\n"
    assert len(text) < 1024
    from pytest_chunky.infra.errors import InputError
    from pytest_chunky.infra.yamlfile import load_yaml_with_lines

    with pytest.raises(InputError, match="expands to over"):
        if loader == "rubric":
            from pytest_chunky.rubrics import parse_rubric

            parse_rubric(text, path="bomb.yaml")
        elif loader == "pool":
            from pytest_chunky.pool.files import load_pool

            path = tmp_path / "bomb.yaml"
            path.write_text(text, encoding="utf-8")
            load_pool(path)
        else:
            from pytest_chunky.models.pricing import parse_pricing

            parse_pricing(text, "bomb.yaml")
    # The same aliases a few times over are fine: each node is walked once.
    data, _ = load_yaml_with_lines("a: &a [1, 2]\nb: [*a, *a, *a]\n", "ok.yaml", empty=None)
    assert data == {"a": [1, 2], "b": [[1, 2]] * 3}
