"""SURF: search over prompt attributes for rubric violations (paper §3.1)."""

from .engine import SearchConfig, SurfSearch, run_search
from .records import Candidate, Confirmation, SearchResult

__all__ = ["Candidate", "Confirmation", "SearchConfig", "SearchResult", "SurfSearch",
           "run_search"]
