"""SURF: search over prompt attributes for rubric violations (paper §3.1)."""

from pytest_chunky.search.engine import SearchConfig, SurfSearch, run_search
from pytest_chunky.search.records import Candidate, Confirmation, SearchResult

__all__ = ["Candidate", "Confirmation", "SearchConfig", "SearchResult", "SurfSearch",
           "run_search"]
