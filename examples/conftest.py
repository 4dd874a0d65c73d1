"""Example configuration: the lab target comes from pytest.ini; this shows fixture overrides."""

from __future__ import annotations

import pytest

from pytest_chunky.models.base import Model
from pytest_chunky.models.registry import create_model


@pytest.fixture
def clean_model() -> Model:
    """The lab model retrained without the planted chunks (the paper's ablation, §4.4)."""
    return create_model("lab-clean")
