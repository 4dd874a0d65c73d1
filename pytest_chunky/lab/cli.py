"""`python -m pytest_chunky.lab`: serve the lab model on loopback, or write the lab corpus."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from pytest_chunky.infra.errors import ChunkyError
from pytest_chunky.lab.chunks import CHUNKS, PLANTED
from pytest_chunky.lab.corpus import DEFAULT_SIZE, build_corpus, write_sft_jsonl
from pytest_chunky.lab.provider import VARIANTS
from pytest_chunky.models.base import Model


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a rate between 0 and 1")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be >= 0 seconds")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_chunky.lab",
        description="The pytest-chunky lab: a small post-training world with planted, "
                    "learned chunky behaviour.")
    sub = parser.add_subparsers(dest="command", required=True)
    srv = sub.add_parser("serve", help="serve the lab model over the OpenAI and Anthropic APIs "
                                       "on 127.0.0.1")
    srv.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    srv.add_argument("--variant", choices=VARIANTS, default="lab")
    srv.add_argument("--seed", type=int, default=0)
    srv.add_argument("--corpus", metavar="FILE", help="train on this SFT JSONL instead")
    srv.add_argument("--roles", action="store_true",
                     help="also answer chunky role prompts (generator, judge, extractor)")
    for kind in ("429", "500", "529", "slow", "malformed"):
        srv.add_argument(f"--rate-{kind}", type=_rate, default=0.0, metavar="P",
                         help=f"fraction of requests answered with {kind}")
    srv.add_argument("--rate-bad-judge", type=_rate, default=0.0, metavar="P",
                     help="fraction of judge requests answered with unparseable prose")
    srv.add_argument("--latency", type=_seconds, default=0.0, help="seconds added to replies")
    srv.add_argument("--slow-seconds", type=_seconds, default=5.0,
                     help="delay of a 'slow' fault")
    srv.add_argument("--retry-after", type=_seconds, default=None,
                     help="Retry-After header on 429/529 replies")
    build = sub.add_parser("build-corpus", help="write the lab SFT corpus as JSONL")
    build.add_argument("--out", required=True, metavar="FILE")
    build.add_argument("--size", type=int, default=DEFAULT_SIZE,
                       help="examples in the full mix (excluded chunks are then removed)")
    build.add_argument("--seed", type=int, default=0)
    build.add_argument("--exclude", nargs="+", default=[], metavar="CHUNK",
                       choices=sorted(CHUNKS), help="chunks to leave out (an ablation)")
    build.add_argument("--clean", action="store_true", help="leave out every planted chunk")
    world = sub.add_parser("build-world", help="generate a random post-training world with "
                                               "planted chunks and its answer key")
    world.add_argument("--seed", type=int, required=True)
    world.add_argument("--out", required=True, metavar="DIR")
    world.add_argument("--chunks", type=int, default=4, metavar="K", help="planted chunks")
    world.add_argument("--size", type=int, default=6000, metavar="N", help="SFT examples")
    return parser


def _build_world(args: argparse.Namespace) -> int:
    from pytest_chunky.lab.worlds import build_world

    start = time.perf_counter()
    root = build_world(args.seed, args.out, chunks=args.chunks, size=args.size)
    print(f"wrote world {args.seed} ({args.chunks} planted chunks, {args.size} examples) to "
          f"{root} in {time.perf_counter() - start:.2f}s; train it with --chunky-model=lab:"
          f"{root}", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from pytest_chunky.fakeapi.server import FaultConfig, run_forever

    try:
        faults = FaultConfig(rate_429=args.rate_429, rate_500=args.rate_500,
                             rate_529=args.rate_529, rate_slow=args.rate_slow,
                             rate_malformed=args.rate_malformed,
                             rate_bad_judge=args.rate_bad_judge, latency=args.latency,
                             slow_seconds=args.slow_seconds, retry_after=args.retry_after,
                             seed=args.seed)
    except ValidationError as exc:
        msg = exc.errors()[0].get("msg", str(exc))
        raise SystemExit(f"error: --rate-* flags: {msg}") from None
    model: Model
    if args.roles:
        if args.corpus:
            raise SystemExit("error: --roles serves the built-in lab; drop --corpus")
        from pytest_chunky.lab.role_model import LabRoleModel

        model = LabRoleModel(args.variant, seed=args.seed)
    else:
        from pytest_chunky.lab.provider import LabModel

        model = LabModel(args.variant, seed=args.seed, corpus_path=args.corpus)
    run_forever(model, "127.0.0.1", args.port, faults)
    return 0


def _build(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    exclude = sorted(set(args.exclude) | (set(PLANTED) if args.clean else set()))
    records = build_corpus(size=args.size, seed=args.seed, exclude=exclude)
    path = write_sft_jsonl(records, args.out)
    print(f"wrote {len(records)} records to {path} in {time.perf_counter() - start:.2f}s"
          + (f" (excluded: {', '.join(exclude)})" if exclude else ""), file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        run = {"serve": _serve, "build-corpus": _build, "build-world": _build_world}
        return run[args.command](args)
    except ChunkyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
