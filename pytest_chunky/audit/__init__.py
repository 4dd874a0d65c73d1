"""Audit preference data (arXiv 2606.12360, "Anatomy of Post-Training"): which concepts do
chosen responses carry more than rejected ones, globally and within groups of similar prompts?

    report = audit(load_prefs("prefs.jsonl"))        # library
    report = audit(pairs, concepts=extracted_concepts(texts, get_extractor("openai:gpt-5.1"),
                                                      cache=".chunky/audit"))
    chunky audit prefs.jsonl [--extractor MODEL] [--json] [--out DIR]     # CLI
"""

from __future__ import annotations

from pytest_chunky.audit.concepts import ConceptSpace, data_concepts, extracted_concepts
from pytest_chunky.audit.data import PreferencePair, load_prefs
from pytest_chunky.audit.run import AuditReport, Hypothesis, audit

__all__ = ["AuditReport", "ConceptSpace", "Hypothesis", "PreferencePair", "audit",
           "data_concepts", "extracted_concepts", "load_prefs"]
