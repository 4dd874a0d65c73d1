"""Project errors.

Every error carries a one-line message that names what to fix (the file, line, field or flag),
so that the plugin can show it as-is instead of a traceback from deep inside.
"""

from __future__ import annotations


class ChunkyError(Exception):
    """Base class for every error pytest-chunky raises on purpose.

    Its message is shown with credentials masked (URL userinfo, `?api-key=`, remembered
    secrets), whatever text went into it: an SDK's own message included.
    """

    def __str__(self) -> str:
        from pytest_chunky.infra.credentials import redact

        return redact(super().__str__())


class ConfigError(ChunkyError):
    """A setting, flag, ini key or marker argument has a bad value."""


class InputError(ChunkyError):
    """A user file (rubric, attribute pool, dataset, index) is malformed.

    The message names the file and, where known, the line and the field.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        where = ""
        if path is not None:
            where = str(path)
            if line is not None:
                where += f":{line}"
            where += ": "
        if field is not None:
            message = f"field {field!r}: {message}"
        super().__init__(where + message)
        self.path = path
        self.line = line
        self.field = field


class ProviderError(ChunkyError):
    """A model provider failed after the SDK's own retries (infrastructure, not a verdict)."""


class MissingKeyError(ProviderError):
    """The API key for a provider is not set; the message names the environment variable."""


class GateFailed(AssertionError):
    """A gate found what it guards against: violations confirmed by re-sampling (or a steering
    score or regression above its bound). The one outcome `xfail(raises=GateFailed)` expects."""

    def __str__(self) -> str:
        from pytest_chunky.infra.credentials import redact

        return redact(super().__str__())


class NoVerdict(ChunkyError):
    """A gate could not reach a verdict (provider down, judge unparseable, budget spent, no
    candidate): an error of the run, never a failed gate and never a pass."""


class ChunkyWarning(UserWarning):
    """Something was repaired on the way (a corrupt cache moved aside): worth a look."""


class CacheMissError(ChunkyError):
    """In replay mode a request was not in the cache."""


class BudgetExceeded(ChunkyError):
    """A call, token or dollar cap was reached."""


class Interrupted(BudgetExceeded):
    """Ctrl-C: no new call starts. A subclass of BudgetExceeded because every place that
    stops for a spent budget must stop the same way for this (skip the rest, keep what is
    done, never pass)."""


class SearchInterrupted(KeyboardInterrupt):
    """Ctrl-C, carrying what the interrupted work had produced (a partial SearchResult)."""

    def __init__(self, result: object = None, message: str = "interrupted") -> None:
        super().__init__(message)
        self.result = result


class JudgeParseError(ChunkyError):
    """A judge (or other structured role) reply could not be parsed, even after retries."""


def shown(value: object, limit: int = 80) -> str:
    """A user value for a one-line error: repr'd (so control characters stay escaped), clipped."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
