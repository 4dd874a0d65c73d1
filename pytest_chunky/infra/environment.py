"""Settings read from the environment where no pytest option reaches (the CLI, index builds)."""

from __future__ import annotations

import os

from pytest_chunky.infra.errors import ConfigError

__all__ = ["env_number"]

def env_number(name: str, default: float) -> float:
    """A number from the environment (CHUNKY_TIMEOUT, CHUNKY_MAX_RETRIES); bad text names it."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: must be a number") from None
    if value < 0 or value != value:
        raise ConfigError(f"{name}={raw!r}: must be >= 0")
    return value
