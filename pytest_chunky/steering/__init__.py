"""Steering scores (paper appendix B.1): how much a surface change moves a behaviour.

A prompt set is answered as is and under a transform (LaTeX, capitals, formal vocabulary, a
markdown table, a system prompt, a framing, a translation); the steering score is the
behaviour rate on the transformed prompts minus the rate on the originals, with a paired test.
"""

from pytest_chunky.results import SteerStats
from pytest_chunky.stats import paired_steering
from pytest_chunky.steering.run import SteerConfig, run_steer
from pytest_chunky.steering.transforms import TRANSFORMS, Transform, get_transform

__all__ = ["TRANSFORMS", "SteerConfig", "SteerStats", "Transform", "get_transform",
           "paired_steering", "run_steer"]
