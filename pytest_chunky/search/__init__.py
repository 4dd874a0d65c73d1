"""SURF: search over prompt attributes for rubric violations (paper §3.1)."""

from pytest_chunky.results import Candidate, Confirmation, SearchResult
from pytest_chunky.search.engine import SearchConfig, SurfSearch, run_search

__all__ = ["Candidate", "Confirmation", "SearchConfig", "SearchResult", "SurfSearch",
           "run_search"]
