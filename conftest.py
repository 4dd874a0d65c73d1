"""Repository-wide test configuration: real-API tests are opt-in."""

from __future__ import annotations

import os

import pytest

# The plugin loads the engine lazily. pytester's in-process runs restore sys.modules afterwards,
# and numpy (like other C extensions) cannot be imported twice in one process, so the engine is
# loaded once here, before any inline run can import it and have it taken away again.
import pytest_chunky.reports.html  # noqa: F401
import pytest_chunky.runner  # noqa: F401


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CHUNKY_REAL_API") == "1":
        return
    skip = pytest.mark.skip(reason="real-API test: set CHUNKY_REAL_API=1 and the API keys")
    for item in items:
        if "realapi" in item.keywords:
            item.add_marker(skip)
