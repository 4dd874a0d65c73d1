"""One realisable attribute: where the offline generator writes it and how a query shows it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Where = Literal["pre", "post", "wrap", "whole", "fn", "content", "lang", "gen"]


@dataclass(frozen=True)
class Spec:
    where: Where
    options: tuple[str, ...]  # sentences, templates ({q}), whole queries, or a transform name
    check: str | None  # regex (case-insensitive) a carrying query matches; None: `fn`'s own
    rx: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.check is not None:
            flags = re.S if self.check.startswith("^") and self.check.endswith("$") else \
                re.I | re.S | re.M
            object.__setattr__(self, "rx", re.compile(self.check, flags))

    def carried(self, text: str) -> bool | None:
        return None if self.rx is None else bool(self.rx.search(text))
