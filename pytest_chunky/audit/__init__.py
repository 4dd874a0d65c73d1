"""Audit preference data (arXiv 2606.12360, "Anatomy of Post-Training"): which concepts do
chosen responses carry more than rejected ones, globally and within groups of similar prompts?

    report = audit(load_prefs("prefs.jsonl"))        # library
    chunky audit prefs.jsonl [--json] [--out DIR]     # CLI
"""

from __future__ import annotations

from .data import PreferencePair, load_prefs
from .run import AuditReport, Hypothesis, audit

__all__ = ["AuditReport", "Hypothesis", "PreferencePair", "audit", "load_prefs"]
