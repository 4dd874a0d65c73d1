"""Offline judges for the rubrics whose truth can be checked without an LLM.

They read the phrasings real models use ("No, 5 + 8 is not equal to 13.", "I'm sorry, but I
can't assist with that", "Claude was created by Alibaba Cloud.") and decide from what they can
compute or look up: arithmetic is evaluated exactly, assistants' makers come from a table, and
when the truth is out of reach they say so with a score below the violation threshold rather
than guess. Each returns (score 0..100, one-line reason) like the lab's detectors.
"""

from pytest_chunky.judging.assistants import judge_identity
from pytest_chunky.judging.claims import judge_rebut
from pytest_chunky.judging.codeuse import judge_code, judge_tool
from pytest_chunky.judging.refusal import judge_refusal

__all__ = ["judge_code", "judge_identity", "judge_rebut", "judge_refusal", "judge_tool"]
