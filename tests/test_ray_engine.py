"""`--engine ray`: the extraction and embedding map on a local Ray instance (opt-in: slow).

Run with CHUNKY_RAY_TESTS=1 and the `ray` extra installed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pytest_chunky.lab import build_corpus
from pytest_chunky.turf.build import build_index

pytestmark = pytest.mark.skipif(not os.environ.get("CHUNKY_RAY_TESTS"),
                                reason="opt-in: set CHUNKY_RAY_TESTS=1 (starts a local Ray)")


def test_ray_engine_builds_the_same_index_as_one_machine(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    records = [json.loads(r.to_json()) for r in build_corpus(400, seed=7)]
    local = build_index(records, tmp_path / "local", extractor="lab", show_progress=False)
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        remote = build_index(records, tmp_path / "ray", extractor="lab", engine="ray",
                             show_progress=False)
        data = build_index(records, tmp_path / "ray-data", engine="ray", show_progress=False)
    finally:
        ray.shutdown()
    assert remote.meta["cache"]["attribute_misses"] == 0  # every text came from the Ray map
    assert remote.content_digest() == local.content_digest()
    assert data.content_digest() == build_index(records, tmp_path / "data-local",
                                                show_progress=False).content_digest()


def test_unknown_engine_is_a_config_error(tmp_path: Path) -> None:
    from pytest_chunky.infra.errors import ConfigError

    with pytest.raises(ConfigError, match="--engine"):
        build_index([{"prompt": "a", "response": "b", "source": "s"}], tmp_path / "x",
                    engine="spark", show_progress=False)
