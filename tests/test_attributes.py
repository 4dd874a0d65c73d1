"""Attribute pools: the shipped default, the three file formats, their errors, and get_pool."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.pool import files as attrs_mod
from pytest_chunky.pool.files import (
    MAX_ATTRIBUTE_CHARS,
    AttributePool,
    default_pool,
    get_pool,
    load_pool,
)

A, B, C = ("The query is written in Malay.", "The query uses LaTeX notation.",
           "The query mentions C# code.")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# The shipped default pool


def test_default_pool_is_large_unique_and_well_formed() -> None:
    pool = default_pool()
    assert pool.name == "default"
    assert len(pool) >= 300
    folded = [a.casefold() for a in pool]
    assert len(folded) == len(set(folded))
    for attribute in pool:
        assert attribute.startswith("The query "), attribute
        assert attribute.endswith(".") or attribute.endswith('."'), attribute
        assert len(attribute) <= MAX_ATTRIBUTE_CHARS
    # groups partition the pool
    grouped = [a for members in pool.groups.values() for a in members]
    assert sorted(grouped) == sorted(pool.attributes)


def test_default_pool_ships_inside_the_package() -> None:
    shipped = Path(attrs_mod.__file__).parent / "data" / "attributes.yaml"
    assert shipped.is_file()
    assert load_pool(shipped).digest == default_pool().digest


def test_default_pool_has_the_named_groups() -> None:
    groups = default_pool().groups
    for name in ("paper_triggers", "format", "style_tone", "language", "structure", "persona",
                 "length", "user_state", "code_context", "fact_checking"):
        assert len(groups[name]) >= 5, name
    assert sum(1 for g in groups if g.startswith("domain_")) >= 10


@pytest.mark.parametrize("needle", [
    "highly formal and elaborate vocabulary",  # §4.2.1 elucidate -> code
    "LaTeX notation for mathematical expressions",  # §4.3.1 sympy hallucination
    "written in Malay",  # B.1 short answers in low-resource languages
    "low-resource language",
    "When did Benjamin Franklin invent the lightning rod?",  # §4.4.1 rebut true facts
    "creator of an AI model",  # §4.2.2 made by Ai2
    "Is 5+8=13?",  # B.4 Haiku rebuts true sums
    'labeled "1." and "2."',  # A.4 "I hope it is correct"
    "Role A and Role B",
    "iPhone 13",  # A.2
    "Holocaust",  # §3.2.1
    '"invoice" or "voucher"',  # figure 2, Sonnet refusal
    'repeats the word "if"',  # figure 2, GPT code
    "comments reveal personal or emotional information",  # figure 2, Gemini task focus
    "distress framed as a puzzle",  # figure 15
    '"You will be shown" and "Context:"',  # §4.3.2
    "Answer with only Yes or No",  # §3.1.1 example
    "semiconductor manufacturing",  # figure 18
])
def test_default_pool_includes_the_papers_triggers(needle: str) -> None:
    assert any(needle in attribute for attribute in default_pool().groups["paper_triggers"])


def test_default_pool_covers_requested_languages_and_domains() -> None:
    text = "\n".join(default_pool())
    for word in ("Indonesian", "Russian", "Korean", "Spanish", "Swahili", "code-switching",
                 "transliterated", "Holocaust", "invoice", "cooking", "travel", "semiconductors",
                 "AI company", "parenting", "pet", "car maintenance", "religious", "elucidate",
                 "JSON", "table", "fill-in-the-blank", "multiple-choice", "riddle", "slang",
                 "sarcastic", "urgent", "lawyer", "young child", "non-native", "very long"):
        assert word in text, word


# ---------------------------------------------------------------------------------------------
# Loading each format


def test_load_yaml_grouped(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", f"version: 1\nattributes:\n  lang:\n    - {A}\n"
                                        f"  math:\n    - {B}\n    - {C}\n")
    pool = load_pool(path)
    assert pool.attributes == (A, B, C)
    assert dict(pool.groups) == {"lang": (A,), "math": (B, C)}
    assert pool.name == "mine"  # the file stem, when the file names none
    assert pool.group_of(C) == "math"


def test_load_yaml_flat_list_name_and_folded_text(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yml", "name: tiny\nattributes:\n  - >-\n    The query is\n"
                                    "    written in Malay.\n"
                                    "  - '  The query uses LaTeX notation. '\n")
    pool = load_pool(path)
    assert pool.attributes == (A, B)
    assert pool.name == "tiny"
    assert dict(pool.groups) == {}


def test_load_json_flat_and_grouped(tmp_path: Path) -> None:
    flat = write(tmp_path, "flat.json", json.dumps({"attributes": [A, B]}))
    grouped = write(tmp_path, "grouped.json",
                    json.dumps({"version": 1, "attributes": {"g1": [A], "g2": [B]}}, indent=2))
    assert load_pool(flat).attributes == (A, B)
    pool = load_pool(grouped)
    assert dict(pool.groups) == {"g1": (A,), "g2": (B,)}


def test_load_txt_skips_comments_and_blanks_but_keeps_inline_hash(tmp_path: Path) -> None:
    path = write(tmp_path, "pool.txt", f"# my pool\n\n{A}\n   \n  # indented comment\n{C}\n")
    pool = load_pool(path)
    assert pool.attributes == (A, C)
    assert pool.name == "pool"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", ("\ufeff" + A + "\n").encode("utf-8"))
    assert load_pool(path).attributes == (A,)


def test_reload_after_edit(tmp_path: Path) -> None:
    path = write(tmp_path, "p.txt", A + "\n")
    assert load_pool(path).attributes == (A,)
    path.write_text(f"{A}\n{B}\n", encoding="utf-8")
    assert load_pool(path).attributes == (A, B)


# ---------------------------------------------------------------------------------------------
# Errors: one line naming file, line and field

LONG = "The query " + "x" * MAX_ATTRIBUTE_CHARS + "."

ERROR_CASES = [
    # name, content, line, field-or-word, message fragment
    ("syntax.yaml", "attributes:\n  - ok\n - [broken\n", 3, None, "invalid YAML"),
    ("top.yaml", f"- {A}\n- {B}\n", 1, "attributes", "top level must be a mapping"),
    ("missing.yaml", "version: 1\nname: x\n", 1, "'attributes'", "required field is missing"),
    ("typo.yaml", f"version: 1\natributes:\n  - {A}\n", 2, "'atributes'", "did you mean"),
    ("version.yaml", f"version: 2\nattributes:\n  - {A}\n", 1, "'version'", "version: 1"),
    ("int.yaml", f"attributes:\n  - {A}\n  - 42\n", 3, "'attributes[1]'", "an integer 42"),
    ("null.yaml", f"attributes:\n  - {A}\n  -\n", 3, "'attributes[1]'", "null"),
    ("nested.yaml", "attributes:\n  g:\n    - a: b\n", 3, "'attributes.g[0]'", "mapping"),
    ("blank.yaml", "attributes:\n  - '   '\n", 2, "'attributes[0]'", "empty"),
    ("long.yaml", f"attributes:\n  - {A}\n  - {LONG}\n", 3, "'attributes[1]'", "limit is 500"),
    ("dup.yaml", f"attributes:\n  g1:\n    - {A}\n  g2:\n    - {B}\n    - {A.lower()}\n", 6,
     "'attributes.g2[1]'", "line 3"),
    ("dupkey.yaml", f"attributes:\n  g:\n    - {A}\n  g:\n    - {B}\n", 4, "'attributes.g'",
     "duplicate key"),
    ("nullgroup.yaml", f"attributes:\n  g1:\n    - {A}\n  g2:\n", 4, "'attributes.g2'",
     "write [] for none"),
    ("intkey.yaml", f"attributes:\n  2024:\n    - {A}\n", 2, "'attributes'", "plain text"),
    ("emptylist.yaml", "version: 1\nattributes: []\n", 2, "'attributes'", "empty"),
    ("emptyfile.yaml", "# nothing here\n", 1, "'attributes'", "file is empty"),
    ("scalar.yaml", "attributes: Malay\n", 1, "'attributes'", "got text"),
    ("syntax.json", '{\n  "attributes": [\n    "a",,\n  ]\n}\n', 3, None, "invalid JSON"),
    ("top.json", json.dumps([A]), 1, "attributes", "top level must be a mapping"),
    ("missing.json", '{\n  "name": "x"\n}\n', 1, "'attributes'", "required field is missing"),
    ("int.json", f'{{\n  "attributes": [\n    "{A}",\n    7\n  ]\n}}\n', 4,
     "'attributes[1]'", "an integer 7"),
    ("dup.json", f'{{"attributes": {{\n  "g1": ["{A}"],\n  "g2": [\n    "{B}", "{A}"]}}}}\n',
     4, "'attributes.g2[1]'", "line 2"),
    ("dupkey.json", f'{{"attributes": {{\n  "g": ["{A}"],\n  "g": ["{B}"]}}}}\n', 3,
     "'attributes.g'", "duplicate key"),
    ("long.json", json.dumps({"attributes": [A, LONG]}, indent=1), 4, "'attributes[1]'",
     "limit is 500"),
    ("dup.txt", f"# pool\n{A}\n\n{B}\n{A}\n", 5, "'attributes[2]'", "line 2"),
    ("long.txt", f"{A}\n{LONG}\n", 2, "'attributes[1]'", "limit is 500"),
    ("empty.txt", "# only comments\n\n", 1, "'attributes'", "empty"),
]


@pytest.mark.parametrize(("name", "content", "line", "field", "fragment"), ERROR_CASES,
                         ids=[case[0] for case in ERROR_CASES])
def test_errors_name_file_line_and_field(tmp_path: Path, name: str, content: str, line: int,
                                         field: str | None, fragment: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as info:
        load_pool(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{line}: "), message
    assert info.value.line == line
    if field is not None:
        assert field in message, message
    assert fragment in message, message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.yaml", f"attributes:\n  - {A}\n  - caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.yaml:3: file is not UTF-8") as info:
        load_pool(path)
    assert "\n" not in str(info.value)


def test_not_found_and_bad_suffix_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.yaml: attribute pool file not found"):
        load_pool(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match=r"pool\.csv: unsupported .*\.yaml, \.yml, \.json, \.txt"):
        load_pool(write(tmp_path, "pool.csv", A))
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        load_pool(tmp_path / "dir.yaml")


# ---------------------------------------------------------------------------------------------
# The pool object


def test_pool_is_immutable_and_iterable() -> None:
    pool = AttributePool.from_groups({"g": [A, B], "h": [C]}, name="t")
    assert list(pool) == [A, B, C] and len(pool) == 3 and A in pool and "nope" not in pool
    with pytest.raises(AttributeError):
        pool.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        pool.groups["new"] = (A,)  # type: ignore[index]
    assert hash(pool) == hash(AttributePool.from_groups({"g": [A, B], "h": [C]}, name="t"))


def test_direct_construction_validates() -> None:
    with pytest.raises(ConfigError, match=r"attributes\[1\]: duplicate"):
        AttributePool((A, " " + A))
    with pytest.raises(ConfigError, match="is empty"):
        AttributePool(())
    with pytest.raises(ConfigError, match="not one of the pool's attributes"):
        AttributePool((A,), {"g": (B,)})
    with pytest.raises(ConfigError, match="not one string"):
        AttributePool(A)  # type: ignore[arg-type]


def test_subset_by_group_and_attribute() -> None:
    pool = default_pool()
    sub = pool.subset(["language", "The query is written in Malay."])
    assert set(sub) == set(pool.groups["language"]) | {"The query is written in Malay."}
    assert list(sub) == [a for a in pool if a in set(sub)]  # keeps pool order
    assert list(sub.groups) == ["language"]
    assert pool.subset("format").attributes == pool.groups["format"]
    with pytest.raises(ConfigError, match=r"did you mean 'language'\?.*groups are: "):
        pool.subset(["langauge"])
    with pytest.raises(ConfigError, match="empty subset"):
        pool.subset([])


def test_digest_is_sha256_of_sorted_attributes_and_stable(tmp_path: Path) -> None:
    yaml_pool = load_pool(write(tmp_path, "a.yaml", f"attributes:\n  g:\n    - {B}\n    - {A}\n"))
    json_pool = load_pool(write(tmp_path, "b.json", json.dumps({"attributes": [A, B]})))
    txt_pool = load_pool(write(tmp_path, "c.txt", f"{A}\n{B}\n"))
    expected = hashlib.sha256(json.dumps(sorted([A, B]), ensure_ascii=False,
                                         separators=(",", ":")).encode()).hexdigest()
    assert yaml_pool.digest == json_pool.digest == txt_pool.digest == expected
    # pinned: changing the recipe silently invalidates every user's response cache
    assert yaml_pool.digest == "70f33c19a1da0e6f403317ff5ff8f842f4ae8141c13a77569f9b932593d77e34"
    assert AttributePool((A, C)).digest != expected


# ---------------------------------------------------------------------------------------------
# get_pool


def test_get_pool_names_paths_and_lists(tmp_path: Path) -> None:
    assert get_pool(None) is default_pool()
    assert get_pool("default") is default_pool()
    path = write(tmp_path, "p.txt", f"{A}\n{B}\n")
    assert get_pool(str(path)).attributes == (A, B)
    assert get_pool(path).attributes == (A, B)
    custom = get_pool([A, B])
    assert custom.attributes == (A, B) and custom.name == "custom"
    assert get_pool(custom) is custom
    assert get_pool(None, default=str(path)).attributes == (A, B)


def test_get_pool_unknown_name_lists_valid_names() -> None:
    with pytest.raises(ConfigError) as info:
        get_pool("defualt")
    message = str(info.value)
    assert "did you mean 'default'" in message and "default, lab" in message
    assert "path" in message and "\n" not in message


def test_get_pool_missing_file_and_bad_list(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        get_pool(str(tmp_path / "missing.yaml"))
    with pytest.raises(ConfigError, match=r"attributes\[1\]: an attribute must be a non-empty"):
        get_pool([A, 3])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="list is empty"):
        get_pool([])


def test_get_pool_without_the_lab_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    # An install without the lab's entry points: "lab" is just an unknown pool name.
    import pytest_chunky.pool.files as pool_files

    monkeypatch.setattr(pool_files, "_NAMED", {})
    monkeypatch.setattr(pool_files, "load_extensions", lambda: None)
    with pytest.raises(ConfigError, match="unknown attribute pool 'lab'; valid names are: default"):
        get_pool("lab")


@pytest.mark.parametrize("value", [(A, B), {"g": (A, B)}])
def test_a_registered_pool_is_a_name(monkeypatch: pytest.MonkeyPatch, value: object) -> None:
    import pytest_chunky.pool.files as pool_files

    monkeypatch.setattr(pool_files, "_NAMED", {})
    pool_files.register_pool("mine", lambda: value)  # type: ignore[arg-type, return-value]
    pool = get_pool("mine")
    assert pool.name == "mine" and pool.attributes == (A, B)
