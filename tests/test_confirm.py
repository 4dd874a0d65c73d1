"""Sequential confirmation: the SPRT's stated error rates, its sample cap and determinism."""

from __future__ import annotations

import pytest
from confirm_harness import confirm_known_rate, fixed_rule

from pytest_chunky.stats import SPRT


@pytest.mark.parametrize("min_rate", [0.05, 0.1, 0.2, 0.3, 0.5, 0.7])
def test_exact_error_rates_meet_the_guarantee(min_rate: float) -> None:
    test = SPRT.for_min_rate(min_rate)
    low = test.operating_characteristic(min_rate / 2)
    high = test.operating_characteristic(min(1.0, 2 * min_rate))
    assert low["confirmed"] <= 0.05
    assert high["rejected"] + high["undecided"] <= 0.05


def test_batches_never_overshoot_a_decision() -> None:
    """Drawing next_batch() samples at once decides exactly as drawing one at a time."""
    test = SPRT.for_min_rate(0.3)
    for hits, n in [(0, 0), (1, 1), (1, 3), (2, 4), (5, 9)]:
        batch = test.next_batch(hits, n)
        for extra in range(batch - 1):  # no prefix of the batch can cross a bound
            assert test.decide(hits + extra + 1, n + extra + 1) == "undecided"
            assert test.decide(hits, n + extra + 1) == "undecided"


def test_cap_is_never_below_the_fewest_deciding_samples() -> None:
    test = SPRT.for_min_rate(0.3, cap=1)
    assert test.cap == test.min_samples() >= 2
    assert test.run([True] * 10) == ("confirmed", test.min_samples())


def test_undecided_at_the_cap() -> None:
    test = SPRT.for_min_rate(0.3, cap=6)
    decision, used = test.run([True, False, False, True, False, False, True, False])
    assert (decision, used) == ("undecided", 6)


@pytest.mark.parametrize("rate,expected", [(0.9, "confirmed"), (0.0, "rejected")])
def test_clear_cases_decide_through_the_search_path(rate: float, expected: str) -> None:
    conf = confirm_known_rate(rate, seed=1)
    assert conf.decision == expected
    assert conf.confirmed == (expected == "confirmed")
    assert conf.samples <= 8
    assert conf.ci_low <= conf.rate <= conf.ci_high


def test_sampled_error_rates_and_cost_against_the_fixed_rule() -> None:
    seeds = range(150)
    low = [confirm_known_rate(0.15, s) for s in seeds]
    high = [confirm_known_rate(0.6, s) for s in seeds]
    false_confirm = sum(c.confirmed for c in low) / len(low)
    miss = sum(not c.confirmed for c in high) / len(high)
    assert false_confirm <= 0.08 and miss <= 0.08  # 0.05 stated; sampling noise at n=150
    fixed_false = sum(fixed_rule(0.15, s) for s in seeds) / len(low)
    assert fixed_false > false_confirm  # the old rule confirms rare failures more often
    mean_calls = sum(c.samples for c in low + high) / (2 * len(low))
    assert mean_calls <= 8


def test_a_rerun_gives_the_same_decision() -> None:
    a = [confirm_known_rate(0.3, s).decision for s in range(20)]
    b = [confirm_known_rate(0.3, s).decision for s in range(20)]
    assert a == b


def test_perturbations_use_the_same_sequential_test() -> None:
    conf = confirm_known_rate(0.95, seed=4, perturbations=10)
    assert conf.perturbation_decision == "confirmed"
    assert 0 < conf.perturbation_samples <= 10
    conf = confirm_known_rate(0.0, seed=4, perturbations=10)
    assert conf.perturbation_decision == "rejected" and conf.perturbation_rate == 0.0
