"""pytest-chunky: behavioural regression tests for post-trained LLMs.

`@chunky.surf(rubric=...)` turns a test into a SURF search; failures are traced to training
data with TURF. This module stays light: SDKs and numeric libraries load on first use.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["GateFailed", "NoVerdict", "__version__", "generator", "judge", "steer", "surf",
           "target"]


def __getattr__(name: str) -> Any:
    # The marker lives with the pytest code (the one module that knows pytest).
    if name in ("surf", "steer"):
        from pytest_chunky import plugin

        return getattr(plugin, name)
    if name in ("GateFailed", "NoVerdict"):  # a finding, and a gate that could not decide
        from pytest_chunky.infra import errors

        return getattr(errors, name)
    if name in ("target", "judge", "generator"):  # plain functions as roles
        from pytest_chunky.calls import callables
        return getattr(callables, name)
    raise AttributeError(f"module 'pytest_chunky' has no attribute {name!r}")
