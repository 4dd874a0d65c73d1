"""A DPO-like preference update for the lab: a Bradley–Terry reward over response features,
fitted to (chosen, rejected) pairs, re-weights which response the trained lab picks
(pi ~ pi_ref · exp(r / beta)). Audit → filter or reward-shape → update shows whether a planted
preference still reaches the model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import optimize, sparse

from pytest_chunky.describe.space import FeatureSpace
from pytest_chunky.lab.trainer import TrainedLab

L2 = 1.0  # ridge on the reward weights: a feature seen in few pairs stays near zero


class Reward:
    """r(y) = w · φ(y) over the response feature space of the preference data."""

    def __init__(self, space: FeatureSpace, weights: np.ndarray) -> None:
        self.space, self.weights = space, weights

    def __call__(self, text: str) -> float:
        return float(self.weights[self.space.features(text)].sum())

    def shaped(self, concepts: Sequence[str], strength: float) -> Reward:
        """Reward shaping: r'(y) = r(y) − strength · (number of `concepts` y carries), the
        penalty `chunky audit` writes per pair (chosen minus rejected) applied to each side."""
        weights = self.weights.copy()
        for concept in concepts:
            found = self.space.by_attribute.get(concept)
            if found is not None:
                weights[found] -= strength
        return Reward(self.space, weights)


def fit_reward(chosen: Sequence[str], rejected: Sequence[str]) -> Reward:
    """Maximise Σ log σ(r(chosen) − r(rejected)) − L2·|w|²/2 (Bradley–Terry, L-BFGS)."""
    space = FeatureSpace.fit([*chosen, *rejected], "response")
    assert space.matrix is not None
    n = len(chosen)
    x = sparse.csr_matrix(space.matrix[:n] - space.matrix[n:], dtype=np.float64)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        margin = x @ w
        value = np.logaddexp(0.0, -margin).sum() + 0.5 * L2 * w @ w
        grad = -(x.T @ (1.0 / (1.0 + np.exp(margin)))) + L2 * w
        return float(value), grad

    found = optimize.minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                              options={"maxiter": 200})
    return Reward(space, found.x)


def prefer(model: TrainedLab, reward: Reward, beta: float = 0.5) -> TrainedLab:
    """The lab after the preference update (in place): each training response's logit moves
    by r(response) / beta when the lab samples among its nearest candidates."""
    model.preference = np.array([reward(r.response) / beta for r in model.records])
    return model
