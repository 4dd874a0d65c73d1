"""The `chunky` command dispatches to the index, attribute-pool and lab commands."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_chunky.cli import main


def test_lab_corpus_then_pool_then_index(tmp_path: Path) -> None:
    data = tmp_path / "lab.jsonl"
    assert main(["lab", "build-corpus", "--out", str(data), "--size", "300"]) == 0
    assert len(data.read_text().splitlines()) > 100
    pool = tmp_path / "pool.yaml"
    assert main(["attributes", "build", str(data), "--out", str(pool), "--quiet"]) == 0
    assert "attributes:" in pool.read_text()
    assert main(["index", "build", str(data), "--out", str(tmp_path / "idx")]) == 0
    assert (tmp_path / "idx" / "meta.json").exists()


def test_usage_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([]) == 2
    assert main(["--help"]) == 0
    assert "index build DATA.jsonl" in capsys.readouterr().out
    assert main(["index", "build", str(tmp_path / "missing.jsonl"), "--out",
                 str(tmp_path / "o")]) == 2
    assert "missing.jsonl: file not found" in capsys.readouterr().err


def test_judge_command_scores_through_the_search_path(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import json

    assert main(["judge", "--rubric", "rebut", "--prompt", "Is 5+8=13?", "--response",
                 "No, 5 + 8 is not equal to 13.", "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["score"] >= 70 and "true statement" in out["reason"]
    assert main(["judge", "--rubric", "rebut", "--prompt", "Is 5+8=13?", "--response",
                 "Yes, 5 + 8 = 13.", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip())["score"] < 70
    # A judge whose replies never parse fails closed: an error, never a score.
    rules = tmp_path / "rules.yaml"
    rules.write_text("- {match: '.', reply: 'I think it is fine.'}\n", encoding="utf-8")
    assert main(["judge", "--rubric", "code", "--prompt", "p", "--response", "r",
                 "--judge", f"scripted:{rules}", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "after 3 attempts" in captured.err
    assert main(["judge", "--rubric", "nope", "--prompt", "p", "--response", "r"]) == 2
    assert "unknown rubric 'nope'" in capsys.readouterr().err


def test_version_and_every_subcommand_ends_quietly(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import pytest_chunky.cli as cli
    from pytest_chunky.infra.errors import InputError

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("chunky 0.")

    def interrupted(argv: list[str]) -> int:
        raise KeyboardInterrupt

    def broken(argv: list[str]) -> int:
        raise InputError("bad line", path="x.jsonl", line=3)

    monkeypatch.setitem(cli.COMMANDS, "index", interrupted)
    monkeypatch.setitem(cli.COMMANDS, "audit", broken)
    assert cli.main(["index", "build"]) == 130
    assert cli.main(["audit", "x.jsonl"]) == 2
    err = capsys.readouterr().err
    assert "chunky index: interrupted" in err and "Traceback" not in err
    assert "chunky audit: error: x.jsonl:3: bad line" in err
