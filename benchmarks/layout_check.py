"""The package's layering, measured from its imports: `python benchmarks/layout_check.py`.

Reads every module's imports with `ast` (lazy imports inside functions count; imports under
`if TYPE_CHECKING:` do not, since they never run), then checks the promises of the layout:

- the lab is a leaf: no module outside `lab/` (and the CLI dispatcher) imports it;
- the fake OpenAI/Anthropic API is a test double: no production module imports it;
- no import cycles between layers (a subpackage, or a module at the package root);
- `import pytest_chunky.plugin` loads no heavy module (numpy, yaml, pydantic, SDKs, ...);
- no module is over 450 lines;
- and, reported only, which files name each provider outside that provider's own module.

The last line is one JSON object.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = "pytest_chunky"
HEAVY = ("numpy", "yaml", "pydantic", "scipy", "sklearn", "hnswlib", "openai", "anthropic",
         "httpx")
DISPATCHER = f"{PKG}.cli"  # the one CLI entry point that may dispatch into the lab
PROVIDER_WORDS = {"openai": r"\bopenai\b", "anthropic": r"\banthropic\b"}
MAX_LINES = 450


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted((ROOT / PKG).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else (
                test.attr if isinstance(test, ast.Attribute) else "")
            if name == "TYPE_CHECKING":
                for inner in node.body:
                    skip.update(id(n) for n in ast.walk(inner))
    return skip


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Package modules `name` imports (resolved to the deepest known module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod
                       for a in node.names]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith(PKG) and target != name:
                out.add(target)
    return out


def layer(module: str) -> str:
    """A subpackage, or a root module: the units whose imports must not form cycles."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def plugin_heavy() -> list[str]:
    code = ("import sys, pytest_chunky.plugin; "
            f"print(' '.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()
    return sorted(out)


def main() -> None:
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    lab = f"{PKG}.lab"
    fake = f"{PKG}.fakeapi"
    lab_outside = sorted(m for m, deps in graph.items()
                         if not m.startswith(lab) and m != DISPATCHER
                         and any(d == lab or d.startswith(lab + ".") for d in deps))
    production = [m for m in graph if not (m.startswith(lab) or m.startswith(fake)
                                           or m == DISPATCHER)]
    fake_from_prod = sorted(m for m in production
                            if any(d == fake or d.startswith(fake + ".") for d in graph[m]))
    # The package root's __init__ re-exports the public API; it is no layer of its own.
    layers: dict[str, set[str]] = {}
    for m, deps in graph.items():
        if m == PKG:
            continue
        src = layer(m) if layer(m) != "(root)" else m.rsplit(".", 1)[-1]
        for d in deps:
            if d == PKG:
                continue
            dst = layer(d) if layer(d) != "(root)" else d.rsplit(".", 1)[-1]
            if dst != src:
                layers.setdefault(src, set()).add(dst)
    found_cycles = cycles(layers)
    long_files = sorted(str(p.relative_to(ROOT)) for p in known.values()
                        if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES)
    provider_files: dict[str, list[str]] = {}
    for provider, pattern in PROVIDER_WORDS.items():
        own = f"{PKG}.models.{provider}"
        hits = []
        for m, path in known.items():
            if m == own or m.startswith(lab) or m.startswith(fake):
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(pattern, text, re.I):
                hits.append(str(path.relative_to(ROOT)))
        provider_files[provider] = sorted(hits)
    for name, value in (("lab imported outside lab/", lab_outside),
                        ("fake API imported by production", fake_from_prod),
                        ("import cycles between layers", found_cycles),
                        ("files over 450 lines", long_files)):
        print(f"{name}: {value or 'none'}")
    for provider, files in provider_files.items():
        print(f"files naming {provider} outside models/{provider}.py: {len(files)}: {files}")
    print(json.dumps({
        "lab_imports_outside_lab": len(lab_outside),
        "fakeapi_imports_from_production": len(fake_from_prod),
        "import_cycles": len(found_cycles),
        "plugin_import_heavy": plugin_heavy(),
        "files_over_450_lines": long_files,
        "provider_files": {k: len(v) for k, v in provider_files.items()},
    }))


if __name__ == "__main__":
    main()
