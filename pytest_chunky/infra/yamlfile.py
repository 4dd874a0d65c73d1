"""YAML from files users exchange: safe loading with the line of every key, within a budget.

Rubrics, attribute pools and pricing files all load through `load_yaml_with_lines`, so every
error names the file and line, and a hostile file cannot blow up: aliases are walked once each
(a 1 KB "billion laughs" file is a few dozen nodes, not billions) and the document's size and
node count are capped.
"""

from __future__ import annotations

from typing import Any

import yaml

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.userfiles import clip, format_loc, printable

__all__ = ["MAX_NODES", "MAX_YAML_CHARS", "YAML_LOADER", "load_yaml_with_lines", "yaml_error"]

# libyaml when available (~8x faster); both report marks, and errors go through yaml_error.
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_CHARS = 4_000_000
MAX_NODES = 200_000
Loc = tuple[Any, ...]


def yaml_error(exc: Exception, text: str, path: str) -> InputError:
    """A one-line InputError with the line for any error PyYAML raises while loading."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else None
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        problem = f"character {shown} is not allowed ({exc.reason})"
    elif isinstance(exc, yaml.YAMLError):
        problem = getattr(exc, "problem", None) or str(exc)
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and problem.startswith("but "):
            problem = f"{context}, {problem}"
        elif context and start is not None and mark is not None and start.line != mark.line:
            problem += f" ({context} that starts on line {start.line + 1})"
    elif isinstance(exc, RecursionError):
        problem = "the document is nested too deeply"
    else:  # a scalar YAML accepts but Python cannot build (2024-13-45, a 5000-digit integer)
        problem = f"bad value ({exc})"
    problem = " ".join(printable(problem).split())
    if len(problem) > 200:
        problem = problem[:197] + "..."
    return InputError(f"invalid YAML: {problem}", path=path, line=line)


def load_yaml_with_lines(text: str, path: str, *, empty: str | None, noun: str = "key",
                         empty_field: str | None = None) -> tuple[Any, dict[Loc, int]]:
    """(document, {pydantic-style loc: 1-based line}) of one YAML document.

    Keys must be plain, unique text. A node reached again through an alias is not walked again,
    and an alias that would make the constructed document hold more than `MAX_NODES` nodes is
    refused before anything is constructed.
    """
    if len(text) > MAX_YAML_CHARS:
        raise InputError(f"file is {len(text):,} characters, over the {MAX_YAML_CHARS:,} a YAML "
                         "file may have here; split it", path=path)
    lines: dict[Loc, int] = {}
    sizes: dict[int, int] = {}  # node id -> nodes in its expanded subtree

    def walk(node: yaml.Node, loc: Loc) -> int:
        if id(node) in sizes:  # an alias: its subtree was walked (and its keys checked) once
            return sizes[id(node)]
        sizes[id(node)] = 1  # a recursive alias counts once while it is being walked
        lines.setdefault(loc, node.start_mark.line + 1)
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                line = key.start_mark.line + 1
                if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                    shown_key = repr(clip(str(key.value))) if isinstance(
                        key, yaml.ScalarNode) else "a list"
                    raise InputError(f"{noun} {shown_key} must be plain text; quote it",
                                     path=path, line=line, field=format_loc(loc) or None)
                if key.value in seen:
                    raise InputError(f"duplicate {noun}; keep only one", path=path, line=line,
                                     field=format_loc((*loc, key.value)))
                seen.add(key.value)
                lines[(*loc, key.value)] = line
                total += 1 + walk(value, (*loc, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                total += walk(item, (*loc, i))
        if total > MAX_NODES:
            raise InputError(f"the document expands to over {MAX_NODES:,} values (aliases "
                             "repeated many times?); write it without nested aliases",
                             path=path, line=node.start_mark.line + 1)
        sizes[id(node)] = total
        return total

    loader: yaml.SafeLoader | None = None
    try:
        loader = YAML_LOADER(text)
        node = loader.get_single_node()
        if node is None:  # `empty=None`: an empty document is None
            if empty is None:
                return None, {(): 1}
            raise InputError(empty, path=path, line=1, field=empty_field)
        walk(node, ())
        return loader.construct_document(node), lines
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise yaml_error(exc, text, path) from None
    finally:
        if loader is not None:
            loader.dispose()
