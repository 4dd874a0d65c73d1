"""The lab plugged into the package as an extension: nothing in production imports the lab.

Entry points (`pyproject.toml`) name `lab_provider` / `lab_clean_provider` in the
`pytest_chunky.providers` group and `register` in `pytest_chunky.extensions`, which registers
the lab's attribute pool, its rule-based extractor and its detectors' crux words.
"""

from __future__ import annotations

from collections.abc import Callable

from pytest_chunky.judging.registry import register_detector
from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import ModelSpec, Provider
from pytest_chunky.pool.files import register_pool
from pytest_chunky.turf.extract import register_extractor


def _factory(variant: str) -> Callable[[ModelSpec], Model]:
    def create(spec: ModelSpec) -> Model:
        from pytest_chunky.lab.role_model import LabRoleModel

        if spec.name and not spec.name.isdigit():  # lab:PATH.jsonl or lab:WORLD_DIR
            return LabRoleModel(variant, corpus=spec.name)
        return LabRoleModel(variant, seed=int(spec.name or 0))

    return create


def _default_roles(spec: ModelSpec) -> str:
    """A lab target brings the lab for every other role; a world directory brings its own
    (`lab:DIR` for `lab-clean:DIR` too)."""
    from pytest_chunky.lab.worlds import is_world

    world = spec.name and not spec.name.isdigit() and is_world(spec.name)
    return f"lab:{spec.name}" if world else "lab"


lab_provider = Provider(_factory("lab"), default_roles=_default_roles)
lab_clean_provider = Provider(_factory("lab-clean"), default_roles=_default_roles)


def _pool() -> list[str]:
    from pytest_chunky.lab.attribute_table import LAB_ATTRIBUTES

    return LAB_ATTRIBUTES


def _extractor() -> object:
    from pytest_chunky.lab.extractor import LabExtractor

    return LabExtractor()


def register() -> None:
    from pytest_chunky.lab.judge import DETECTORS
    from pytest_chunky.lab.role_model import CRUX_WORDS

    register_pool("lab", _pool)
    register_extractor("lab", _extractor)  # type: ignore[arg-type]
    for name in sorted({*DETECTORS, *CRUX_WORDS}):
        register_detector(name, DETECTORS.get(name), crux_words=CRUX_WORDS.get(name, ()))

