"""Preference records: one JSON object per line with prompt, chosen, rejected (and source;
and the reward model's `chosen_reward` and `rejected_reward` when the data has scores)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pytest_chunky.infra.errors import InputError
from pytest_chunky.infra.jsonl import read_jsonl

FIELDS = ("prompt", "chosen", "rejected")
REWARDS = ("chosen_reward", "rejected_reward")


@dataclass(frozen=True, slots=True)
class PreferencePair:
    prompt: str
    chosen: str
    rejected: str
    source: str = "unknown"
    chosen_reward: float | None = None
    rejected_reward: float | None = None


def load_prefs(path: str | Path) -> list[PreferencePair]:
    """Read a preference JSONL file; anything malformed names the file, line and field."""
    pairs = []
    shown = str(path)
    for lineno, obj, shown in read_jsonl(path, "preference file", missing_hint="; pass a JSONL "
                                         "file with prompt, chosen and rejected per line"):
        for name in FIELDS:
            if not isinstance(obj.get(name), str) or not obj[name].strip():
                raise InputError("missing or empty (a non-empty string is required)",
                                 path=shown, line=lineno, field=name)
        source = obj.get("source", "unknown")
        rewards = [obj.get(name) for name in REWARDS]
        for name, value in zip(REWARDS, rewards, strict=True):
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, int | float)):
                raise InputError("must be a number", path=shown, line=lineno, field=name)
        if (rewards[0] is None) != (rewards[1] is None):
            missing = REWARDS[rewards.index(None)]
            raise InputError("give both rewards or neither", path=shown, line=lineno,
                             field=missing)
        pairs.append(PreferencePair(obj["prompt"], obj["chosen"], obj["rejected"],
                                    str(source), *rewards))
    if not pairs:
        raise InputError("no preference pairs", path=shown)
    return pairs
