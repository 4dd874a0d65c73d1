"""Mitigate what TURF found: prune the blamed chunk's triggered examples and add balanced
counter-examples (the trigger transplanted into background prompts, answered normally).

    plan = mitigate(records, attribution)          # library
    chunky mitigate SFT.jsonl --attribution A.json --out DIR   # CLI
"""

from __future__ import annotations

from pytest_chunky.mitigate.plan import Mitigation, mitigate

__all__ = ["Mitigation", "mitigate"]
