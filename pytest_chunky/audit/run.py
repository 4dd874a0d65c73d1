"""The two pipelines of the preference audit, on concepts mined from the responses themselves.

For each concept (a data feature of the responses, or a cluster of an extractor's wordings:
`audit.concepts`), count the pairs
whose chosen response has it and the rejected one does not (b), and the reverse (c). Under "the
concept does not drive preference" b and c are exchangeable: an exact McNemar (binomial) test,
lift (b+½)/(c+½), Benjamini–Hochberg over every concept tested. The prompt-conditioned pipeline
runs the same test inside clusters of similar prompts, where a preference confined to one kind
of prompt is not diluted by the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from pytest_chunky.audit.concepts import ConceptSpace, data_concepts
from pytest_chunky.audit.data import PreferencePair
from pytest_chunky.stats import benjamini_hochberg, exact_mcnemar

MIN_DISCORDANT = 5   # pairs that disagree on a concept before it is tested
PER_CLUSTER = 50     # pairs per prompt cluster: enough for a test, few enough to be local


@dataclass
class Hypothesis:
    concept: str
    direction: str            # "more": chosen responses carry it more; "less": fewer
    scope: str                # "global" or "cluster N"
    cluster_summary: str
    chosen_only: int          # b
    rejected_only: int        # c
    pairs: int                # pairs in scope
    lift: float
    p_value: float
    q_value: float = 1.0
    evidence: list[int] = field(default_factory=list)  # pairs on the preferred side only
    # A concept on exactly the same pairs, on the other side ("start by" chosen where "begin
    # by" is rejected): one preference of `concept` over `instead`, reported once.
    instead: str = ""

    def claim(self) -> str:
        what = self.concept[0].lower() + self.concept[1:]
        if self.instead:
            what += f", in place of where {self.instead[0].lower()}{self.instead[1:]}"
        where = f" when the prompt is like {self.cluster_summary}" if self.cluster_summary else ""
        return f"the model will learn to produce {self.direction} responses where {what}{where}"

    def sentence(self) -> str:
        return (f"{self.claim()} (chosen-only {self.chosen_only} vs rejected-only "
                f"{self.rejected_only} of {self.pairs} pairs, lift ×{self.lift:.1f}, "
                f"p={self.p_value:.2g}, q={self.q_value:.2g})")


@dataclass
class AuditReport:
    pairs: int
    concepts: int
    clusters: list[str]
    global_: list[Hypothesis]
    by_cluster: list[Hypothesis]
    chosen: sparse.csr_matrix
    rejected: sparse.csr_matrix
    space: ConceptSpace
    assignments: list[int]

    def significant(self, alpha: float = 0.05) -> list[Hypothesis]:
        return [h for h in [*self.global_, *self.by_cluster] if h.q_value <= alpha]


def _tests(chosen: sparse.csr_matrix, rejected: sparse.csr_matrix, rows: np.ndarray,
           space: ConceptSpace, scope: str, summary: str) -> list[Hypothesis]:
    c_rows, r_rows = chosen[rows], rejected[rows]
    both = c_rows.multiply(r_rows)
    b = np.asarray((c_rows - both).sum(axis=0)).ravel()
    c = np.asarray((r_rows - both).sum(axis=0)).ravel()
    out: list[Hypothesis] = []
    seen: dict[tuple[str, str], Hypothesis] = {}
    tested = np.nonzero(b + c >= MIN_DISCORDANT)[0]
    order = sorted(tested, key=lambda f: int(space.rank[f]))
    chosen_only, rejected_only = (c_rows - both).tocsc(), (r_rows - both).tocsc()
    for f in order:
        on_chosen, on_rejected = chosen_only[:, f].nonzero()[0], rejected_only[:, f].nonzero()[0]
        key = (_digest(on_chosen), _digest(on_rejected))
        # Concepts on exactly the same discordant pairs say the same thing: keep the first
        # in the space's rank (for data features: shapes, templates, phrases).
        if key in seen:
            continue
        h = Hypothesis(
            concept=space.attributes[f], direction="more" if b[f] > c[f] else "less",
            scope=scope, cluster_summary=summary, chosen_only=int(b[f]),
            rejected_only=int(c[f]), pairs=len(rows),
            lift=round(float((b[f] + 0.5) / (c[f] + 0.5)), 3),
            p_value=exact_mcnemar(int(b[f]), int(c[f]), "two-sided"),
            evidence=[int(rows[i]) for i in (on_chosen if b[f] > c[f] else on_rejected)[:3]])
        seen[key] = h
        mirror = seen.get(key[::-1])
        if mirror is None:
            out.append(h)
        elif not mirror.instead:  # the same pairs, sides swapped: fold into one, "more" first
            if mirror.direction == "more":
                mirror.instead = space.attributes[f]
            else:
                h.instead = mirror.concept
                out[out.index(mirror)] = h
    return out


def _digest(rows: np.ndarray) -> str:
    return hashlib.sha1(rows.astype(np.int64).tobytes()).hexdigest()


def _clusters(prompts: Sequence[str], k: int | None, seed: int) -> tuple[list[int], list[str]]:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(prompts)
    k = k or max(2, min(100, round(n / PER_CLUSTER)))
    if n < 2 * k:
        return [0] * n, ["any prompt"]
    vec = TfidfVectorizer(min_df=2, max_features=20000, sublinear_tf=True, stop_words="english")
    x = vec.fit_transform(prompts)
    model = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(x)
    terms = np.asarray(vec.get_feature_names_out())
    summaries = ["'" + "', '".join(terms[np.argsort(-centre)[:3]]) + "'"
                 for centre in model.cluster_centers_]
    return [int(a) for a in model.labels_], summaries


def audit(pairs: Sequence[PreferencePair], *, clusters: int | None = None, seed: int = 0,
          concepts: ConceptSpace | None = None) -> AuditReport:
    """Both pipelines over `pairs`; hypotheses sorted by q-value then lift.

    `concepts`: columns over the n chosen then the n rejected responses (default: the data's
    own features)."""
    space = concepts or data_concepts([p.chosen for p in pairs] + [p.rejected for p in pairs])
    n = len(pairs)
    chosen, rejected = space.matrix[:n], space.matrix[n:]
    everything = np.arange(n)
    global_ = _tests(chosen, rejected, everything, space, "global", "")
    assignments, summaries = _clusters([p.prompt for p in pairs], clusters, seed)
    labels = np.asarray(assignments)
    by_cluster: list[Hypothesis] = []
    if len(summaries) > 1:
        for k, summary in enumerate(summaries):
            rows = np.nonzero(labels == k)[0]
            by_cluster += _tests(chosen, rejected, rows, space, f"cluster {k}", summary)
    # One false-discovery rate over every test the audit ran: corrected per pipeline, a clean
    # dataset would show a false concept in about 2α of audits instead of α.
    tests = [*global_, *by_cluster]
    for h, q in zip(tests, benjamini_hochberg([h.p_value for h in tests]), strict=True):
        h.q_value = q
    for group in (global_, by_cluster):
        group.sort(key=lambda h: (h.q_value, -abs(np.log(h.lift))))
    return AuditReport(n, len(space.attributes), summaries, global_, by_cluster, chosen, rejected,
                       space, assignments)
