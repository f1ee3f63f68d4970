"""Post-stratification weights and weighted estimates. Pure: plain numbers in and out.

Each respondent in a stratum (workplace type x region) gets the weight N/n: the stratum's
number of workplaces in the population over its number of respondents, so that groups that
answered eagerly do not outweigh those that answered less. A stratum with too few
respondents is merged with the other small strata of the same workplace type; a type with
no respondents at all cannot be represented and is reported as such.

Intervals use Kish's effective sample size, n_eff = (sum of weights)^2 / sum of squared
weights: the number of unweighted answers that would give the same precision.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from barometer.engine.stats import Estimate, t_critical, wilson_interval

ANY_REGION = "*"

Stratum = tuple[str, str]  # (workplace type, region code)


@dataclass(frozen=True)
class Weights:
    """Weights per stratum, and how strata were merged."""

    by_stratum: dict[Stratum, float]
    merged: dict[Stratum, Stratum]  # original stratum -> the stratum it was merged into
    unrepresented: tuple[Stratum, ...]  # population strata with no respondent to stand for them

    def of(self, stratum: Stratum) -> float:
        return self.by_stratum.get(self.merged.get(stratum, stratum), 0.0)


def post_stratification(
    population: Mapping[Stratum, int], respondents: Mapping[Stratum, int], *, min_respondents: int = 1
) -> Weights:
    """Weights N/n per stratum; strata with fewer than ``min_respondents`` are merged into
    their workplace type's remaining small strata (``(type, "*")``)."""
    merged: dict[Stratum, Stratum] = {}
    pooled_population: dict[Stratum, int] = {}
    pooled_respondents: dict[Stratum, int] = {}
    for stratum in set(population) | set(respondents):
        target = stratum if respondents.get(stratum, 0) >= min_respondents else (stratum[0], ANY_REGION)
        if target != stratum:
            merged[stratum] = target
        pooled_population[target] = pooled_population.get(target, 0) + population.get(stratum, 0)
        pooled_respondents[target] = pooled_respondents.get(target, 0) + respondents.get(stratum, 0)
    weights, unrepresented = {}, []
    for stratum, n in pooled_respondents.items():
        if n > 0:
            weights[stratum] = pooled_population[stratum] / n
    for stratum, size in population.items():
        if size > 0 and pooled_respondents.get(merged.get(stratum, stratum), 0) == 0:
            unrepresented.append(stratum)
    return Weights(weights, merged, tuple(sorted(unrepresented)))


def kish_effective_n(sum_of_weights: float, sum_of_squared_weights: float) -> float:
    if sum_of_squared_weights <= 0:
        return 0.0
    return sum_of_weights * sum_of_weights / sum_of_squared_weights


@dataclass(frozen=True)
class WeightedSums:
    """Per indicator, over respondents i: n (unweighted count), sum w_i, sum w_i^2, and
    sum w_i*y_i and sum w_i*y_i^2 (for a share, y is 0 or 1)."""

    n: int = 0
    w: float = 0.0
    w2: float = 0.0
    wy: float = 0.0
    wy2: float = 0.0

    def plus(self, other: WeightedSums) -> WeightedSums:
        return WeightedSums(
            self.n + other.n, self.w + other.w, self.w2 + other.w2, self.wy + other.wy, self.wy2 + other.wy2
        )


def weighted_share(sums: WeightedSums) -> Estimate:
    if sums.n == 0 or sums.w <= 0:
        return Estimate(n=sums.n, value=None, low=None, high=None)
    p = min(1.0, max(0.0, sums.wy / sums.w))
    n_eff = kish_effective_n(sums.w, sums.w2)
    low, high = wilson_interval(p * n_eff, n_eff)
    return Estimate(n=sums.n, value=p, low=low, high=high)


def weighted_mean(sums: WeightedSums) -> Estimate:
    if sums.n == 0 or sums.w <= 0:
        return Estimate(n=sums.n, value=None, low=None, high=None)
    value = sums.wy / sums.w
    n_eff = kish_effective_n(sums.w, sums.w2)
    if sums.n < 2 or n_eff <= 1:
        return Estimate(n=sums.n, value=value, low=None, high=None)
    variance = max(0.0, sums.wy2 / sums.w - value * value) * n_eff / (n_eff - 1)
    half = t_critical(max(1, math.floor(n_eff) - 1)) * math.sqrt(variance / n_eff)
    return Estimate(n=sums.n, value=value, low=value - half, high=value + half)
