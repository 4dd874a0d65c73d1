"""Repository-wide test configuration: real-API tests are opt-in."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CHUNKY_REAL_API") == "1":
        return
    skip = pytest.mark.skip(reason="real-API test: set CHUNKY_REAL_API=1 and the API keys")
    for item in items:
        if "realapi" in item.keywords:
            item.add_marker(skip)
