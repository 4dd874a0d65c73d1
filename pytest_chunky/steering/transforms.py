"""Surface transforms: each rewrites a prompt's form and keeps its substance.

Deterministic given (prompt, seed), so a rerun asks the same transformed prompts and hits the
cache. `system_prompt` changes no text: it sends the prompt with a system message instead.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from pytest_chunky.infra.errors import ConfigError

_FORMAL_WORDS = (("explain", "elucidate"), ("describe", "delineate"), ("show", "demonstrate"),
                 ("tell me", "expound upon"), ("use", "utilise"), ("help", "assist"),
                 ("about", "concerning"), ("get", "obtain"), ("need", "require"),
                 ("how", "in what manner"))


@dataclass(frozen=True)
class Transform:
    """A named rewrite; `system` is sent as a system message with the unchanged prompt;
    `language` means the generator translates the prompt into it, `feature` that the generator
    rewrites the prompt to have that feature too."""

    name: str
    apply: Callable[[str, random.Random], str]
    system: str | None = None
    language: str | None = None
    feature: str | None = None


def _rng(prompt: str, seed: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}\x00{prompt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


_TIMES = "\\times"


def _latex(prompt: str, rng: random.Random) -> str:
    out = re.sub(r"(?<![\w$])(\d+(?:\.\d+)?)\s*([+\-*/×^])\s*(\d+(?:\.\d+)?)",
                 lambda m: f"${m.group(1)} {m.group(2).replace('×', _TIMES)} {m.group(3)}$",
                 prompt)
    out = re.sub(r"(?<![\w$])(\d+(?:\.\d+)?)(?![\w$])", r"$\1$", out) if out == prompt else out
    aside = rng.choice((r" (In my notes the key relation is written $y = k x^{2}$.)",
                        r" I've seen it written as $\frac{a}{b} = \sqrt{c}$."))
    return out + aside


def _keep_case(word: str) -> Callable[[re.Match[str]], str]:
    return lambda m: word[:1].upper() + word[1:] if m.group(0)[:1].isupper() else word


def _formal(prompt: str, rng: random.Random) -> str:
    out = prompt
    for plain, fancy in _FORMAL_WORDS:
        out = re.sub(rf"\b{plain}\b", _keep_case(fancy), out, flags=re.I)
    if out == prompt:
        out = f"Could you kindly elucidate the following: {prompt}"
    return out


def _table(prompt: str, rng: random.Random) -> str:
    words = [w for w in re.findall(r"[A-Za-z]{4,}", prompt)][:3] or ["item"]
    rows = "\n".join(f"| {w} | {rng.randint(1, 9)} |" for w in words)
    return f"{prompt}\n\n| term | weight |\n|---|---|\n{rows}"


TRANSFORMS: dict[str, Transform] = {
    "latex": Transform("latex", _latex),
    "all_caps": Transform("all_caps", lambda p, _: p.upper()),
    "formal_vocabulary": Transform("formal_vocabulary", _formal),
    "markdown_table": Transform("markdown_table", _table),
}


def get_transform(spec: object) -> Transform:
    """A built-in name, `prefix:TEXT`, `suffix:TEXT`, `system_prompt:TEXT`,
    `translate:LANGUAGE` and `inject:FEATURE` (through the generator), or a function
    `str -> str`."""
    if isinstance(spec, Transform):
        return spec
    if callable(spec):
        fn = spec
        name = getattr(fn, "__name__", "callable")
        return Transform(name, lambda p, _: str(fn(p)))
    if not isinstance(spec, str) or not spec.strip():
        raise ConfigError(f"@chunky.steer: transform must be a name, prefix:TEXT, suffix:TEXT, "
                          f"system_prompt:TEXT, translate:LANGUAGE, inject:FEATURE or a "
                          f"function, got {spec!r}")
    kind, sep, text = spec.partition(":")
    if sep and kind == "prefix":
        return Transform(spec, lambda p, _: f"{text.strip()} {p}")
    if sep and kind == "suffix":
        return Transform(spec, lambda p, _: f"{p} {text.strip()}")
    if sep and kind == "system_prompt":
        return Transform(spec, lambda p, _: p, system=text.strip())
    if kind == "translate":
        return Transform(spec, lambda p, _: p, language=text.strip() or "Malay")
    if sep and kind == "inject" and text.strip():
        return Transform(spec, lambda p, _: p, feature=text.strip())
    if spec in TRANSFORMS:
        return TRANSFORMS[spec]
    raise ConfigError(f"@chunky.steer: unknown transform {spec!r}; valid: "
                      f"{', '.join(sorted(TRANSFORMS))}, prefix:TEXT, suffix:TEXT, "
                      "system_prompt:TEXT, translate:LANGUAGE, inject:FEATURE, or a function "
                      "str -> str")


def transformed(transform: Transform, prompt: str, seed: int) -> str:
    return transform.apply(prompt, _rng(prompt, seed))
