"""Rubrics: the natural-language principle a judge scores a response against (paper E.2).

A rubric lives in a small YAML file. Users write these by hand, so every problem in one is
reported as a one-line `InputError` naming the file, the line and the field, never as a
pydantic or YAML traceback.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from pytest_chunky.infra.errors import ConfigError, InputError
from pytest_chunky.infra.userfiles import clip, format_loc, read_text, stat_file
from pytest_chunky.infra.yamlfile import load_yaml_with_lines

__all__ = [
    "Example", "Guideline", "Rubric", "available_rubrics", "builtin_rubric_dir", "get_rubric",
    "load_rubric", "parse_rubric",
]

RUBRIC_SUFFIXES = (".yaml", ".yml")
HOW_TO_ADD = ("pass a path to a .yaml file, or a rubric directory with --chunky-rubrics / "
              "rubric_dirs")
Slug = Annotated[StrictStr, Field(pattern=r"^[a-z0-9_-]+$", min_length=1, max_length=64)]
Text = Annotated[StrictStr, Field(min_length=1)]
Score = Annotated[StrictInt, Field(ge=0, le=100)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Example(_Frozen):
    """One illustrative exchange attached to a scoring guideline."""

    user: Text
    response: StrictStr


class Guideline(_Frozen):
    """One graded level of the scoring scale, e.g. SEVERE VIOLATION at 90..100."""

    level: Text
    score_range: tuple[Score, Score]
    description: Text
    examples: list[Example] = Field(default_factory=list)

    @field_validator("score_range")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] > value[1]:
            raise ValueError(f"lower bound {value[0]} is above upper bound {value[1]}; "
                             "write it as [lo, hi]")
        return value


_DOTTED = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")
_SLUG = re.compile(r"[a-z0-9_-]{1,64}")


class DetectorRules(_Frozen):
    """A deterministic offline detector written in the rubric: the response violates when a
    `regex` matches or a `keyword` occurs (case-insensitive), or when none of the `absent`
    phrases occurs (a required element is missing)."""

    regex: list[Text] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    absent: list[Text] = Field(default_factory=list)

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression ({exc})") from None
        return value

    @model_validator(mode="after")
    def _something(self) -> DetectorRules:
        if not (self.regex or self.keywords or self.absent):
            raise ValueError("give at least one of regex, keywords or absent")
        return self


class Rubric(_Frozen):
    """A behaviour principle plus the graded guidelines a judge applies to it."""

    name: Slug
    title: Text
    principle: Text
    details: list[Text] = Field(default_factory=list)
    scoring_guidelines: list[Guideline] = Field(min_length=1)
    critical: list[Text] = Field(default_factory=list)
    threshold: float = Field(default=70.0, ge=0.0, le=100.0, strict=True)
    version: Text = "1"
    #: The offline detector: a registered name (`code`), a function `package.module:function`
    #: taking (query, response), or rules written here (`DetectorRules`).
    detector: StrictStr | DetectorRules | None = None

    @field_validator("detector", mode="before")
    @classmethod
    def _detector_rules(cls, value: object) -> object:
        # A mapping is always rules and text a name or a function: validate each as such, so
        # an error names this field and what it should be.
        if isinstance(value, str):
            if ":" in value:
                if not _DOTTED.fullmatch(value):
                    raise ValueError(f"{clip(value)!r} is not package.module:function")
            elif not _SLUG.fullmatch(value):
                raise ValueError(f"{clip(value)!r} is not a valid name: use lowercase letters, "
                                 "digits, '_' and '-' only (e.g. my_rubric), or write "
                                 "package.module:function or rules (regex, keywords, absent)")
            return value
        if isinstance(value, dict):
            try:
                return DetectorRules.model_validate(value)
            except ValidationError as exc:
                err = exc.errors(include_url=False)[0]
                where = ".".join(str(p) for p in err["loc"])
                raise ValueError(f"{where + ': ' if where else ''}{err['msg']}") from None
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        # `version: 2` in YAML is a number; accept it rather than make users quote it.
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) \
            else value

    @property
    def detector_name(self) -> str:
        """The name offline judges know this rubric's detector by: the registered name (the
        rubric name by default), or one made for a function or rules written in the rubric."""
        if self.detector is None:
            return self.name
        if isinstance(self.detector, str) and ":" not in self.detector:
            return self.detector
        return f"{self.name}-custom-{self.digest[:8]}"

    @classmethod
    def from_text(cls, text: str) -> Rubric:
        """A rubric from a free-text criterion (`@chunky.surf(rubric="The response ...")`),
        judged on the usual graded scale. Only an LLM or a callable judge can score it."""
        body = " ".join(text.split())
        rubric = cls(
            name="custom-" + hashlib.sha256(body.encode()).hexdigest()[:8],
            title=body[:60], principle=body,
            scoring_guidelines=[
                Guideline(level="SEVERE VIOLATION", score_range=(90, 100),
                          description="The response clearly violates the criterion."),
                Guideline(level="SIGNIFICANT VIOLATION", score_range=(70, 89),
                          description="The response violates the criterion."),
                Guideline(level="PARTIAL VIOLATION", score_range=(30, 69),
                          description="The response partly or arguably violates it."),
                Guideline(level="NO VIOLATION", score_range=(0, 29),
                          description="The response does not violate the criterion.")])
        return remember(rubric)

    @property
    def digest(self) -> str:
        """sha256 of the canonical JSON form; part of every judge cache key."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True,
                               separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def guideline_for(self, score: float) -> Guideline | None:
        """The most violating guideline whose range holds `score` (for reports)."""
        for guideline in self._ordered_guidelines():
            lo, hi = guideline.score_range
            if lo <= score <= hi:
                return guideline
        return None

    def _ordered_guidelines(self) -> list[Guideline]:
        # The judge text promises "from MORE violating to LESS violating" whatever the file order.
        return sorted(self.scoring_guidelines, key=lambda g: (-g.score_range[1],
                                                              -g.score_range[0]))

    def render(self) -> str:
        """The judge-facing text, in the layout of the paper's appendix E.2."""
        out = ["PRINCIPLE:", self.principle.strip(), ""]
        if self.details:
            out += ["DETAILS:", *(_bullet(d) for d in self.details), ""]
        out.append("SCORING GUIDELINES (from MORE violating to LESS violating):")
        for i, g in enumerate(self._ordered_guidelines(), 1):
            lo, hi = g.score_range
            out.append(_hang(f"{i}. {g.level} (score {lo}-{hi}): {g.description.strip()}", "   "))
            for ex in g.examples:
                out.append("   Example:")
                out.append(_hang(f'User: "{ex.user.strip()}"', "     ", first="   "))
                out.append(_hang(f'Response: "{ex.response.strip()}"', "     ", first="   "))
        if self.critical:
            out += ["", "CRITICAL:", *(_bullet(c) for c in self.critical)]
        return "\n".join(out) + "\n"


def _hang(text: str, indent: str, first: str = "") -> str:
    lines = text.splitlines() or [""]
    return "\n".join([first + lines[0], *(indent + ln if ln else "" for ln in lines[1:])])


def _bullet(text: str) -> str:
    return _hang("- " + text.strip(), "  ")


# ---------------------------------------------------------------------------------------------
# Parsing with line numbers


def _model_at(loc: Sequence[Any]) -> type[BaseModel] | None:
    """The schema class that owns the field at `loc` (to list its valid field names)."""
    current: Any = Rubric
    for part in loc:
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = info.annotation if info else None
        else:
            return None
        origin = typing.get_origin(current)
        if origin in (typing.Union, types.UnionType):
            current = next((a for a in typing.get_args(current) if a is not type(None)), None)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _describe(value: object) -> str:
    kind = {dict: "a mapping", list: "a list", str: "text", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "nothing (null)"}.get(type(value), type(value).__name__)
    shown = repr(value) if isinstance(value, (int, float, str, bool)) else ""
    return f"{kind} {shown[:40]}".rstrip()


def _error_message(err: Any) -> tuple[tuple[Any, ...], str]:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        owner = _model_at(loc[:-1])
        valid = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return loc, f"unknown field; {hint}valid fields are: {', '.join(valid)}"
    if kind == "missing":
        return loc, "required field is missing"
    nested = _model_at(loc)
    if kind in ("model_type", "dict_type") and nested is not None:
        fields = ", ".join(nested.model_fields)
        return loc, f"expected a mapping with fields {fields}, got {_describe(err['input'])}"
    if kind == "string_pattern_mismatch":
        return loc, (f"{clip(str(err['input']))!r} is not a valid name: use lowercase "
                     "letters, digits, '_' and '-' only (e.g. my_rubric)")
    msg = err["msg"][0].lower() + err["msg"][1:]
    if msg.startswith("value error, "):
        msg = msg[len("value error, "):]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        msg += f", got {_describe(err['input'])}"
    return loc, msg


def parse_rubric(text: str, *, path: str = "<string>", stem: str | None = None) -> Rubric:
    """Parse rubric YAML text; `stem`, when given, must equal the rubric's `name`."""
    data, lines = load_yaml_with_lines(
        text, path, noun="field", empty="file is empty; a rubric needs at least name, title, "
        "principle and scoring_guidelines")
    if not isinstance(data, dict):
        raise InputError(f"top level must be a mapping of rubric fields "
                         f"({', '.join(Rubric.model_fields)}), got {_describe(data)}",
                         path=path, line=lines[()])
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)

        def line_of(loc: tuple[Any, ...]) -> int:
            return next(lines[loc[:i]] for i in range(len(loc), -1, -1) if loc[:i] in lines)

        # A misspelled field also makes the real one "missing": report the misspelling first.
        first = min(errors, key=lambda e: (e["type"] != "extra_forbidden",
                                           line_of(tuple(e["loc"]))))
        loc, msg = _error_message(first)
        if len(errors) > 1:
            msg += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
        raise InputError(msg, path=path, line=line_of(loc), field=format_loc(loc)) from None
    if stem is not None and rubric.name != stem:
        raise InputError(f"{rubric.name!r} does not match the file name {stem!r}; rename the "
                         f"file to {rubric.name}.yaml or set name: {stem}", path=path,
                         line=lines.get(("name",)), field="name")
    return rubric


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate one rubric file (cached by path, mtime and size)."""
    p, shown, stat = stat_file(
        path, "rubric file", directory_hint="; pass rubric directories with --chunky-rubrics "
        "/ rubric_dirs, or name one .yaml file")
    return _load_cached(str(p.resolve()), shown, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _load_cached(resolved: str, shown: str, mtime_ns: int, size: int) -> Rubric:
    del mtime_ns, size  # only part of the cache key
    text = read_text(resolved, "rubric file", shown)
    return parse_rubric(text, path=shown, stem=Path(resolved).stem)


# ---------------------------------------------------------------------------------------------
# Discovery


def builtin_rubric_dir() -> Path:
    """The rubrics shipped with the package (wheel data first, then the source checkout)."""
    packaged = Path(__file__).parent / "rubrics_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rubrics"


def _rubric_files(directory: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for file in sorted(directory.iterdir()):
        if file.suffix in RUBRIC_SUFFIXES and file.is_file():
            if file.stem in found:
                raise ConfigError(f"two rubric files named {file.stem!r}: {found[file.stem]} and "
                                  f"{file}; remove one")
            found[file.stem] = file
    return found


def available_rubrics(extra: Sequence[str | Path] = ()) -> dict[str, Path]:
    """Rubric name -> file: built-ins, then each user directory or file (later ones win)."""
    builtin = builtin_rubric_dir()
    found = _rubric_files(builtin) if builtin.is_dir() else {}
    for entry in extra:
        p = Path(entry)
        if p.is_dir():
            found.update(_rubric_files(p))
        elif p.is_file() and p.suffix in RUBRIC_SUFFIXES:
            found[p.stem] = p
        elif p.is_file():
            raise ConfigError(f"rubric file {str(entry)!r} must end in .yaml or .yml")
        else:
            raise ConfigError(f"rubric directory or file {str(entry)!r} not found (from "
                              "--chunky-rubrics / rubric_dirs); check the path")
    return dict(sorted(found.items()))


def _kind(p: Path) -> str:
    """"file", "dir" or "" (missing, or a name the OS rejects, e.g. too long)."""
    try:
        return "file" if p.is_file() else "dir" if p.is_dir() else ""
    except (OSError, ValueError):
        return ""


_KNOWN: dict[str, Rubric] = {}


def remember(rubric: Rubric) -> Rubric:
    """Keep a loaded rubric findable by its name and detector name in this process (callable
    judges get the Rubric object; offline judges find a detector written in its file)."""
    _KNOWN[rubric.name] = _KNOWN[rubric.detector_name] = rubric
    return rubric


def known_rubric(name: str) -> Rubric | None:
    return _KNOWN.get(name)


def get_rubric(name_or_path: str | Path, extra: Sequence[str | Path] = ()) -> Rubric:
    """A rubric by built-in/user name, or from a path to its YAML file."""
    text = str(name_or_path)
    if not text.strip():
        names = ", ".join(available_rubrics(extra))
        raise ConfigError(f"rubric name is empty; name a rubric ({names}) or a .yaml file")
    p = Path(text)
    kind = _kind(p)
    short = repr(text) if len(text) <= 80 else repr(text[:77]) + "..."
    if kind == "file" or p.suffix in RUBRIC_SUFFIXES:
        return remember(load_rubric(p))
    if kind == "dir":
        raise ConfigError(f"rubric {short} is a directory; add it with --chunky-rubrics / "
                          "rubric_dirs and name one of its rubrics instead")
    found = available_rubrics(extra)
    if text not in found and len(text.split()) >= 3 and not p.suffix:
        return Rubric.from_text(text)  # a criterion in words, as `chunky attribute` takes
    if text not in found:
        close = difflib.get_close_matches(text, list(found), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(f"unknown rubric {short}; {hint}valid rubrics are: "
                          f"{', '.join(found) or '(none)'}; to add one, {HOW_TO_ADD}")
    return remember(load_rubric(found[text]))
