"""Extensions found through entry points: third parties plug in without touching the package.

Two groups. `pytest_chunky.providers` maps a provider name to its factory (loaded only when a
model of that provider is created). `pytest_chunky.extensions` names functions that register
named things (attribute pools, extractors, offline judges' crux words); a registry that does
not know a name runs them and looks again (registering twice is harmless, so a registry module
that was re-imported is filled again). The offline lab is one such
extension, which is why no production module imports it.
"""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pytest_chunky.infra.errors import ConfigError

PROVIDERS = "pytest_chunky.providers"
EXTENSIONS = "pytest_chunky.extensions"


def _load(point: EntryPoint) -> Any:
    try:
        return point.load()
    except Exception as exc:  # a broken third-party plug-in names itself
        raise ConfigError(f"entry point {point.name!r} ({point.value}) of group "
                          f"{point.group!r} failed to load: {type(exc).__name__}: {exc}; "
                          "reinstall or uninstall the package that provides it") from None


def provider_points() -> dict[str, EntryPoint]:
    """Entry points of the providers group, by name (nothing is imported)."""
    return {p.name: p for p in entry_points(group=PROVIDERS)}


def load_provider(name: str) -> Any:
    return _load(provider_points()[name])


def load_extensions() -> None:
    """Run every registered extension's register function."""
    for point in entry_points(group=EXTENSIONS):
        found = _load(point)
        if callable(found):
            found()
