"""Repository-wide test configuration: real-API tests are opt-in."""

from __future__ import annotations

import os

# The plugin loads the engine lazily. pytester's in-process runs restore sys.modules afterwards,
# and numpy (like other C extensions) cannot be imported twice in one process, so everything an
# inline run may import (the package, the lab, and the numeric libraries they import inside
# functions) is loaded once here, before any inline run can import it and have it taken away.
import pkgutil
from importlib import import_module

import pytest

import pytest_chunky

_SKIP = (".turf.ray_engine", ".__main__")  # the `ray` extra; a CLI entry point
for _info in pkgutil.walk_packages(pytest_chunky.__path__, "pytest_chunky."):
    if not _info.name.endswith(_SKIP):
        import_module(_info.name)
for _name in ("hnswlib", "scipy.sparse", "scipy.special", "scipy.stats", "sklearn.cluster",
              "sklearn.decomposition", "sklearn.exceptions", "sklearn.feature_extraction.text",
              "sklearn.linear_model", "sklearn.preprocessing"):
    import_module(_name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CHUNKY_REAL_API") == "1":
        return
    skip = pytest.mark.skip(reason="real-API test: set CHUNKY_REAL_API=1 and the API keys")
    for item in items:
        if "realapi" in item.keywords:
            item.add_marker(skip)
