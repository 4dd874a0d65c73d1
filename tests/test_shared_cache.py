"""Two concurrent pytest sessions on one cache directory lose no response and no failure."""

from __future__ import annotations

from pathlib import Path

from shared_cache_harness import shared_cache_case


def test_two_sessions_share_one_cache_directory(tmp_path: Path) -> None:
    case = shared_cache_case(tmp_path)
    assert case["failed_tests"], case  # the sessions wrote failure memory, not only responses
    assert case["cache_rows"] > 100, case  # type: ignore[operator]
    assert case["memory_lost"] == [] and case["replay_misses"] == 0, case
    assert case["replay_same"], case
