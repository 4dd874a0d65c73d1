"""The `chunky` command: index building, attribute pools and the lab, outside pytest."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

USAGE = """usage: chunky COMMAND ...   (chunky --version)

commands:
  index build DATA.jsonl --out DIR    build a TURF training-data index
  index info|search|explain ...       inspect an index, search it, explain a failure
  attribute INDEX --prompt TEXT --response TEXT [--rubric NAME] [--json]
                                      TURF: the trigger, crux and chunk behind one failure
  audit PREFS.jsonl [--out DIR] [--json]
                                      concepts chosen responses carry more than rejected
  mitigate SFT.jsonl --attribution A.json --out DIR
                                      prune the blamed chunk, add counter-examples
  attributes build DATA.jsonl --out POOL.yaml
                                      build a SURF attribute pool from a dataset
  lab serve --port N                  serve the lab model over the OpenAI/Anthropic APIs
  lab build-corpus --out FILE         write the lab's SFT corpus as JSONL
  memory export|import FILE.jsonl [--cache-dir DIR] [--as-model MODEL]
                                      the failure memory as a portable regression suite
  judge --rubric NAME --prompt TEXT --response TEXT [--judge MODEL] [--json]
                                      score one response with the judge (lab by default)
"""


def _index(argv: list[str]) -> int:
    from pytest_chunky.turf.cli import index_main

    return index_main(argv)


def _attribute(argv: list[str]) -> int:
    from pytest_chunky.turf.cli import attribute_main

    return attribute_main(argv)


def _audit(argv: list[str]) -> int:
    from pytest_chunky.audit.cli import audit_main

    return audit_main(argv)


def _mitigate(argv: list[str]) -> int:
    from pytest_chunky.mitigate.cli import mitigate_main

    return mitigate_main(argv)


def _attributes(argv: list[str]) -> int:
    from pytest_chunky.pool.build import attributes_main

    return attributes_main(argv)


def _lab(argv: list[str]) -> int:
    from pytest_chunky.lab.cli import main as lab_main

    return int(lab_main(argv) or 0)


def _judge(argv: list[str]) -> int:
    from pytest_chunky.judging.cli import judge_main

    return judge_main(argv)


def _memory(argv: list[str]) -> int:
    import argparse

    from pytest_chunky.infra.errors import ChunkyError
    from pytest_chunky.search.memory import FailureMemory

    parser = argparse.ArgumentParser(prog="chunky memory", description=(
        "export the failure memory as JSONL (commit it), or import it so every checkpoint "
        "replays the stored failures first"))
    parser.add_argument("action", choices=("export", "import"))
    parser.add_argument("file", help="JSONL file to write (export) or read (import)")
    parser.add_argument("--cache-dir", default=".chunky", help="the --chunky-cache-dir")
    parser.add_argument("--as-model", default=None,
                        help="import: store the failures for this model string (a new "
                             "checkpoint) instead of the one they were found on")
    args = parser.parse_args(argv)
    try:
        memory = FailureMemory(args.cache_dir)
        if args.action == "export":
            count = memory.export(args.file)
            print(f"exported {count} failure(s) to {args.file}")
        else:
            count = memory.import_(args.file, as_model=_model_key(args.as_model))
            print(f"imported {count} failure(s) into {args.cache_dir}")
        memory.close()
    except ChunkyError as exc:
        print(f"chunky memory: error: {exc}", file=sys.stderr)
        return 2
    return 0


def _model_key(text: str | None) -> str | None:
    """The key the plugin files failures under for a model string (its shown spec)."""
    if text is None:
        return None
    from pytest_chunky.infra.errors import ChunkyError
    from pytest_chunky.models.registry import create_model, parse_model_string

    try:
        return create_model(text, flag="--as-model").spec
    except ChunkyError:  # e.g. no API key here: the spec is the same without the client
        return str(parse_model_string(text, flag="--as-model"))


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "index": _index, "attribute": _attribute, "attributes": _attributes, "lab": _lab,
    "judge": _judge, "memory": _memory, "mitigate": _mitigate, "audit": _audit}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from pytest_chunky.infra.userfiles import TerminalSafeStream

    # Data reaches the terminal escaped: no control, bidi or zero-width character of a model's
    # output or a dataset's text acts on it.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafeStream(sys.stdout), TerminalSafeStream(sys.stderr)
    try:
        code = _dispatch(args)
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        print(f"chunky {args[0] if args else ''}: interrupted".replace("  ", " "),
              file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to say
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), streams[0].fileno())
        return 0
    finally:
        sys.stdout, sys.stderr = streams


def _dispatch(args: list[str]) -> int:
    """Sub-commands report their own errors in one line; what escapes them ends here, the same
    way for every sub-command (a project error: one line, exit 2)."""
    if args and args[0] in ("-V", "--version"):
        from pytest_chunky import __version__

        print(f"chunky {__version__}")
        return 0
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        print(USAGE, file=sys.stderr if args and args[0] not in ("-h", "--help") else sys.stdout)
        return 0 if args and args[0] in ("-h", "--help") else 2
    from pytest_chunky.infra.errors import ChunkyError

    try:
        return COMMANDS[args[0]](args[1:])
    except ChunkyError as exc:
        print(f"chunky {args[0]}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
