"""Data-driven text features worded as natural-language attributes.

Nothing here knows any world or rubric: features are case-preserving word n-grams and leading
templates mined from the corpus itself above a support threshold, plus shape features (casing,
tables, code fences, LaTeX, lists, URLs, emoji, numbers, quotes, JSON, short lines, script and
length). Each is worded like an LLM extractor's attribute ("The query contains the phrase
'Kindly do the needful'"), so reports read the same with or without an LLM.
"""

from __future__ import annotations

from pytest_chunky.describe.extractor import DataExtractor
from pytest_chunky.describe.space import FeatureSpace, fit_spaces

__all__ = ["DataExtractor", "FeatureSpace", "fit_spaces"]
