"""The plumbing every official-SDK provider shares (OpenAI, Anthropic, and any like them).

Retries, backoff, Retry-After and timeouts are left to the official SDK (`max_retries`,
`timeout`); this layer only maps our types to the API and turns whatever is left after the
SDK's retries into a one-line `ProviderError`. The SDK is imported on construction, never at
module import, so `import pytest_chunky` stays light.

The API key is held in a `_Secret` (masked repr) and scrubbed from every error message; errors
are raised `from None` so no SDK exception (which may quote a response body) is chained.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import re
import weakref
from collections.abc import Sequence
from random import random
from types import ModuleType
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from pytest_chunky.infra.credentials import redact
from pytest_chunky.infra.environment import env_number
from pytest_chunky.infra.errors import ConfigError, MissingKeyError, ProviderError
from pytest_chunky.models.base import Model
from pytest_chunky.models.pricing import Pricing, load_pricing
from pytest_chunky.types import Completion, Message, SamplingParams, Usage

PLACEHOLDER_KEY = "chunky-local-no-key"
_KEYLIKE = re.compile(r"(sk-[A-Za-z0-9_\-*]{4,}|(Bearer|Basic)\s+\S+)")
_RETRYABLE = {408, 409, 429}


class _Secret:
    """Holds a credential; its repr never shows it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    __str__ = __repr__


_TRANSPORT_MODULES = ("httpx", "httpx2", "httpcore", "httpcore2", "h11", "h2", "anyio")



def _is_timeout(err: BaseException | None) -> bool:
    """A transport timeout of any httpx generation, wrapped by the SDK or not."""
    return err is not None and (isinstance(err, TimeoutError) or "Timeout" in type(err).__name__)


def _unwrapped_kind(err: Exception) -> str | None:
    """What an exception the SDK did not wrap means: a bad body, a broken transport, or None
    (a bug to raise as is)."""
    if isinstance(err, ValueError | KeyError | TypeError | AttributeError | IndexError):
        return "malformed response"
    if type(err).__module__.split(".")[0] in _TRANSPORT_MODULES or isinstance(
            err, TimeoutError | ConnectionError):
        return "transport error while reading the response"
    return None


def _one_line(text: str, secret: _Secret, limit: int = 200) -> str:
    key = secret.reveal()
    if len(key) >= 4:
        text = text.replace(key, "***")
    text = redact(text)
    text = _KEYLIKE.sub("***", text)
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


SAMPLE_HEADER = "x-chunky-sample"


def sample_header(params: SamplingParams) -> dict[str, Any]:
    """Re-samples of one request differ only in `sample_index`; a header carries it so that a
    deterministic server (the lab) can answer each re-sample differently. Real APIs ignore it."""
    return {"extra_headers": {SAMPLE_HEADER: str(params.sample_index)}} if params.sample_index \
        else {}


class SDKModel(Model):
    """Common construction, per-event-loop clients and error mapping for official SDKs."""

    env_var: ClassVar[str] = ""
    sdk_module: ClassVar[str] = ""
    api_label: ClassVar[str] = ""

    def __init__(self, name: str, *, base_url: str | None = None, api_key: str | None = None,
                 max_retries: int | None = None, timeout: float | None = None,
                 pricing: Pricing | None = None) -> None:
        self.name = name
        self.base_url = base_url
        key = api_key or os.environ.get(self.env_var) or None
        if key is None:
            if base_url is None:
                raise MissingKeyError(
                    f"{self.provider}:{name} needs an API key: set {self.env_var} (or pass "
                    f"--chunky-model={self.provider}:NAME@URL for a local "
                    f"{self.api_label}-compatible server)")
            key = PLACEHOLDER_KEY  # local servers take any key
        self._key = _Secret(key)
        # Outside pytest (the CLI, index builds, batches) the environment sets them.
        if max_retries is None:
            max_retries = int(env_number("CHUNKY_MAX_RETRIES", 4))
        if timeout is None:
            timeout = min(120.0, env_number("CHUNKY_TIMEOUT", 120.0))
        if max_retries < 0:
            raise ConfigError(f"{self.spec}: max_retries must be >= 0, got {max_retries}")
        if timeout <= 0:
            raise ConfigError(f"{self.spec}: timeout must be > 0 seconds, got {timeout}")
        self.max_retries = max_retries
        self.timeout = timeout
        self.pricing = pricing if pricing is not None else load_pricing()
        try:
            self._sdk: ModuleType = importlib.import_module(self.sdk_module)
        except ImportError:
            raise ConfigError(f"{self.spec} needs the {self.sdk_module!r} package: "
                              f"pip install {self.sdk_module}") from None
        self._client: Any = None
        self._client_loop: weakref.ref[asyncio.AbstractEventLoop] | None = None

    def configure(self, *, timeout: float | None = None, max_retries: int | None = None) -> None:
        """Takes effect for clients created from now on (one per event loop)."""
        if max_retries is not None:
            self.max_retries = max_retries
        if timeout is not None:  # no single read may outlast the whole call's deadline
            self.timeout = min(self.timeout, timeout)
        if self._client is not None:
            _abandon(self._client)
            self._client = None

    # -- hooks -------------------------------------------------------------------------------
    def _new_client(self) -> Any:
        raise NotImplementedError

    async def _request(self, client: Any, messages: list[Message],
                       params: SamplingParams) -> Completion:
        raise NotImplementedError

    # -- shared ------------------------------------------------------------------------------
    def _client_kwargs(self) -> dict[str, Any]:
        """SDK client arguments; a query in the base URL (Azure's `?api-version=…&api-key=…`)
        becomes the SDK's `default_query`, sent with every request."""
        kwargs: dict[str, Any] = {"api_key": self._key.reveal(), "max_retries": self.max_retries,
                                  "timeout": self.timeout}
        if self.base_url is not None:
            base, _, query = self.base_url.partition("?")
            kwargs["base_url"] = base
            if query:
                kwargs["default_query"] = dict(parse_qsl(query, keep_blank_values=True))
        return kwargs

    def _client_for_loop(self) -> Any:
        """One SDK client per event loop: pooled connections cannot outlive their loop."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is None or self._client_loop() is not loop:
            if self._client is not None:
                _abandon(self._client)
            self._client = self._new_client()
            self._client_loop = weakref.ref(loop)
        return self._client

    async def generate(self, messages: Sequence[Message], params: SamplingParams) -> Completion:
        client = self._client_for_loop()
        for attempt in range(self.max_retries + 1):
            try:
                return await self._request(client, list(messages), params)
            except self._sdk.APIError as err:
                raise self._convert(err) from None
            except Exception as err:
                # The SDK let through a body it could not decode (a truncated 200, say), one
                # without the fields we need, or a transport error raised while the body was
                # still being read (newer SDKs on httpx2 do not wrap those). The SDK does not
                # retry these; they are as transient as a 5xx, so they get the same bounded
                # retries and backoff.
                what = _unwrapped_kind(err)
                if what is None:
                    raise
                if attempt < self.max_retries:
                    await asyncio.sleep(min(8.0, 0.5 * 2 ** attempt) * (0.75 + 0.25 * random()))
                    continue
                if _is_timeout(err):
                    raise self._timed_out() from None
                if isinstance(err, ConnectionError) or "Connect" in type(err).__name__:
                    raise self._cannot_connect(err) from None
                raise ProviderError(
                    f"{self.spec}: {what} from {self._where()} after "
                    f"{self.max_retries} retries ({type(err).__name__}: "
                    f"{_one_line(str(err), self._key, 120)})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        client, ref = self._client, self._client_loop
        self._client = self._client_loop = None
        if client is None:
            return
        if ref is not None and ref() is asyncio.get_running_loop():
            await client.close()
        else:
            _abandon(client)

    def __del__(self) -> None:
        client, ref = getattr(self, "_client", None), getattr(self, "_client_loop", None)
        if client is not None:
            loop = ref() if ref is not None else None
            if loop is None or loop.is_closed():
                _abandon(client)

    def _where(self) -> str:
        return self.shown_url or f"the {self.api_label} API"

    def _tries(self) -> str:
        return f"after {self.max_retries} retries" if self.max_retries else "with retries off"

    def _timed_out(self) -> ProviderError:
        return ProviderError(f"{self.spec}: request to {self._where()} timed out after "
                             f"{self.timeout:g}s {self._tries()}; raise the timeout or check the "
                             "server")

    def _cannot_connect(self, cause: BaseException) -> ProviderError:
        return ProviderError(f"{self.spec}: cannot connect to {self._where()} {self._tries()} "
                             f"({_one_line(str(cause), self._key, 120)})")

    def _convert(self, err: Exception) -> ProviderError:
        sdk = self._sdk
        tries = self._tries()
        if isinstance(err, sdk.APITimeoutError) or _is_timeout(err.__cause__):
            return self._timed_out()
        if isinstance(err, sdk.APIConnectionError):
            return self._cannot_connect(err.__cause__ or err)
        if isinstance(err, sdk.APIStatusError):
            code = int(err.status_code)
            detail = _one_line(_status_detail(err), self._key)
            hint = ""
            if code in (401, 403):
                hint = f"; check {self.env_var}"
            elif code == 404:
                hint = "; check the model name and base URL"
            elif code in _RETRYABLE or code >= 500:
                hint = f" ({tries})"
            return ProviderError(f"{self.spec}: HTTP {code} from {self.provider}{hint}: {detail}")
        return ProviderError(f"{self.spec}: {type(err).__name__}: {_one_line(str(err), self._key)}")

    def _cost(self, served_model: str, usage: Usage) -> float:
        name = served_model if self.pricing.known(served_model) else self.name
        return self.pricing.cost(name, usage)


def _status_detail(err: Any) -> str:
    """The API's own error message (`{"error": {"message": ...}}` in both APIs' bodies)."""
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(getattr(err, "message", "") or err)


def _abandon(client: Any) -> None:
    """Mark a client whose event loop is gone as closed, without awaiting anything.

    Otherwise its `__del__` schedules `aclose()` on whichever loop runs at collection time, and
    that fails noisily on sockets owned by the dead loop. The sockets are freed by GC.
    """
    http = getattr(client, "_client", None)
    state = getattr(http, "_state", None)
    closed = getattr(type(state), "CLOSED", None)
    if closed is not None:
        with contextlib.suppress(AttributeError):
            http._state = closed  # type: ignore[union-attr]
