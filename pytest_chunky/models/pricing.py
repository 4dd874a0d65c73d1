"""Dollar cost of a completion, from a price table matched by longest model-name prefix.

Budgets are enforced in dollars, so every provider needs a price. The built-in table ships as
`pricing.yaml` next to this module; a user file (`CHUNKY_PRICING`) is merged over it,
so a new model or a negotiated price needs no release. Unknown models cost 0.0 and `known()`
lets the caller warn that the dollar cap cannot see them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.yamlfile import load_yaml_with_lines
from pytest_chunky.types import Usage

PRICING_ENV = "CHUNKY_PRICING"
_PER = 1_000_000.0


class ModelPrice(BaseModel):
    """USD per million input and output tokens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0.0)
    output: float = Field(ge=0.0)


class PricingFile(BaseModel):
    """The shape of `pricing.yaml` and of user override files."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    models: dict[str, ModelPrice] = Field(default_factory=dict)


class Pricing:
    """A price table; lookups are case-insensitive and match the longest name prefix."""

    def __init__(self, prices: Mapping[str, ModelPrice]) -> None:
        self._prices = {name.lower(): price for name, price in prices.items()}
        # Longest first, so the first prefix hit is the most specific entry.
        self._order = sorted(self._prices, key=len, reverse=True)

    @property
    def prices(self) -> dict[str, ModelPrice]:
        return dict(self._prices)

    def lookup(self, model: str) -> ModelPrice | None:
        """The price entry for `model`; accepts bare names and `provider:name[@url]` strings."""
        for candidate in _candidates(model):
            for name in self._order:
                if candidate.startswith(name):
                    return self._prices[name]
        return None

    def known(self, model: str) -> bool:
        return self.lookup(model) is not None

    def cost(self, model: str, usage: Usage) -> float:
        price = self.lookup(model)
        if price is None:
            return 0.0
        return (usage.input_tokens * price.input + usage.output_tokens * price.output) / _PER

    def merged(self, other: Mapping[str, ModelPrice]) -> Pricing:
        """A new table where `other` replaces or adds entries."""
        return Pricing({**self._prices, **{k.lower(): v for k, v in other.items()}})

    def __repr__(self) -> str:
        return f"<Pricing {len(self._prices)} models>"


def _candidates(model: str) -> list[str]:
    text = model.strip().lower()
    out = [text]
    if ":" in text:  # provider:name[@base_url]
        bare = text.split(":", 1)[1].split("@", 1)[0]
        out.append(bare)
    return out


def parse_pricing(text: str, path: str) -> PricingFile:
    """Validate one pricing document; errors name the file, line and field."""
    data, lines = load_yaml_with_lines(text, path, empty=None)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping with a 'models:' key", path=path, line=1)
    try:
        return PricingFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"] if isinstance(p, int | str)]
        field = ".".join(str(p) for p in loc) or None
        hint = " (expected e.g. 'gpt-x: {input: 1.25, output: 10.0}', USD per million tokens)"
        line = next((lines[tuple(loc[:i])] for i in range(len(loc), -1, -1)
                     if tuple(loc[:i]) in lines), None)
        raise InputError(err["msg"] + hint, path=path, line=line, field=field) from None


@functools.lru_cache(maxsize=1)
def builtin_pricing() -> Pricing:
    """The table shipped with the package (parsed once per process)."""
    ref = resources.files(__package__ or "pytest_chunky.models").joinpath("pricing.yaml")
    return Pricing(parse_pricing(ref.read_text(encoding="utf-8"), str(ref)).models)


def load_pricing(override: str | Path | None = None) -> Pricing:
    """The built-in table with `override` (or the file in `CHUNKY_PRICING`) merged over it."""
    if override is None:
        override = os.environ.get(PRICING_ENV) or None
    base = builtin_pricing()
    if override is None:
        return base
    path = Path(override)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read pricing file ({exc.strerror or exc}); "
                         f"fix the path or unset {PRICING_ENV}", path=str(path)) from None
    return base.merged(parse_pricing(text, str(path)).models)
