"""`chunky judge`: score one response against a rubric with the configured judge.

    chunky judge --rubric NAME --prompt TEXT --response TEXT [--judge MODEL] [--json]

It goes through the search's own path (RoleClient → Judge.score → the judge prompt and its
fail-closed parser), so a score here is the score a gate would see.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from pytest_chunky.infra.errors import ChunkyError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chunky judge",
                                     description="score one response against a rubric")
    parser.add_argument("--rubric", required=True, help="built-in rubric name or a YAML path")
    parser.add_argument("--prompt", required=True, help="the user's prompt")
    parser.add_argument("--response", required=True, help="the model's response")
    parser.add_argument("--judge", default="lab",
                        help="judge model string (default: lab, the offline judges)")
    parser.add_argument("--rubrics", action="append", default=[],
                        help="extra rubric file or directory (repeatable)")
    parser.add_argument("--json", action="store_true",
                        help='print {"score": int or null, "abstained": bool, "reason": str} '
                             "as the last line (null: the judge could not decide)")
    return parser


def score_one(rubric_name: str, prompt: str, response: str, judge: str = "lab",
              extra_rubrics: Sequence[str] = ()) -> tuple[int | None, str]:
    from pytest_chunky.calls.accounting import Ledger
    from pytest_chunky.calls.client import RoleClient
    from pytest_chunky.calls.roles import Judge
    from pytest_chunky.models.registry import create_model
    from pytest_chunky.rubrics import get_rubric

    rubric = get_rubric(rubric_name, extra_rubrics)
    model = create_model(judge, flag="--judge")
    client = RoleClient("judge", model, cache=None, ledger=Ledger(), budget=None,
                        cache_extra={"rubric": rubric.digest})
    verdict = asyncio.run(Judge(client).score(prompt, response, rubric))
    return verdict.score, verdict.reason


def judge_main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        score, reason = score_one(args.rubric, args.prompt, args.response, args.judge,
                                  args.rubrics)
    except ChunkyError as exc:
        print(f"chunky judge: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("chunky judge: interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps({"score": score, "abstained": score is None, "reason": reason}))
    else:
        print(f"{'  -' if score is None else f'{score:3d}'}  {reason}")
    return 0
