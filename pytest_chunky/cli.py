"""The `chunky` command: index building, attribute pools and the lab, outside pytest."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: chunky COMMAND ...

commands:
  index build DATA.jsonl --out DIR    build a TURF training-data index
  index info|search|explain ...       inspect an index, search it, explain a failure
  attributes build DATA.jsonl --out POOL.yaml
                                      build a SURF attribute pool from a dataset
  lab serve --port N                  serve the lab model over the OpenAI/Anthropic APIs
  lab build-corpus --out FILE         write the lab's SFT corpus as JSONL
  judge --rubric NAME --prompt TEXT --response TEXT [--judge MODEL] [--json]
                                      score one response with the judge (lab by default)
"""


def _index(argv: list[str]) -> int:
    from .turf.cli import index_main

    return index_main(argv)


def _attributes(argv: list[str]) -> int:
    from .poolbuild import attributes_main

    return attributes_main(argv)


def _lab(argv: list[str]) -> int:
    from .lab.cli import main as lab_main

    return int(lab_main(argv) or 0)


def _judge(argv: list[str]) -> int:
    from .judging.cli import judge_main

    return judge_main(argv)


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "index": _index, "attributes": _attributes, "lab": _lab, "judge": _judge}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        print(USAGE, file=sys.stderr if args and args[0] not in ("-h", "--help") else sys.stdout)
        return 0 if args and args[0] in ("-h", "--help") else 2
    # Each sub-command reports its own errors (one line) and interruptions.
    return COMMANDS[args[0]](args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
