"""The world file format (`world.json`, `truth.json`) as pydantic records."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

WORLD_VERSION = 1


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class AttributeSpec(_Record):
    """One pool attribute and how the realiser applies it."""

    attribute: str
    kind: Literal["trigger", "topic", "style"]
    family: str = ""
    params: dict[str, Any] = {}


class PlantedSpec(_Record):
    source: str
    family: str
    trigger: str               # the pool attribute that describes the trigger
    trigger_params: dict[str, Any]
    behaviour: str             # behaviour name (a key of BEHAVIOURS)
    behaviour_description: str
    behaviour_params: dict[str, Any]
    rubric: str
    count: int


class BackgroundSpec(_Record):
    source: str
    domain: str
    style: str
    count: int


class WorldSpec(_Record):
    version: int = WORLD_VERSION
    seed: int
    size: int
    domains: list[str]
    background: list[BackgroundSpec]
    planted: list[PlantedSpec]
    attributes: list[AttributeSpec]


class TruthEntry(_Record):
    """The answer key for one planted chunk (what SURF and TURF should find)."""

    source: str
    family: str
    trigger: str
    behaviour: str
    behaviour_name: str
    rubric: str
    detector: str
    count: int
