"""Procedurally generated post-training worlds with planted chunks and their answer keys."""

from __future__ import annotations

from pytest_chunky.lab.worlds.build import build_world, draw_world, truth, world_records
from pytest_chunky.lab.worlds.world import World, is_world, load_world

__all__ = ["World", "build_world", "draw_world", "is_world", "load_world", "truth", "world_records"]
