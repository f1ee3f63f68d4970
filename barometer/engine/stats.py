"""The benchmark's arithmetic: pure functions on plain numbers, no database.

Shares carry Wilson score intervals (good at small n and near 0 % and 100 %, unlike the
normal approximation); means and index scores carry t intervals with exact Student t
quantiles (scipy). Which figures are hidden is decided in ``barometer.engine.suppression``;
an ``Estimate`` only records the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

Z_95 = 1.959963984540054


class Suppressed(StrEnum):
    TOO_FEW = "too_few"
    COMPLEMENT = "complement"


@dataclass(frozen=True)
class Estimate:
    """A share (0-1), a mean or an index score with its 95 % interval, over ``n`` workplaces.

    ``effective_n`` is Kish's effective sample size of a weighted estimate (None when
    unweighted): the number of equally weighted answers that would give the same precision.
    """

    n: int
    value: float | None
    low: float | None
    high: float | None
    suppressed: Suppressed | None = None
    effective_n: float | None = None

    @property
    def shown(self) -> bool:
        return self.suppressed is None and self.value is not None

    def hidden(self, reason: Suppressed) -> Estimate:
        return Estimate(n=self.n, value=None, low=None, high=None, suppressed=reason)


def wilson_interval(successes: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for ``successes`` out of ``n`` (n may be an effective size)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def share(successes: int, n: int) -> Estimate:
    if n == 0:
        return Estimate(n=0, value=None, low=None, high=None)
    low, high = wilson_interval(successes, n)
    return Estimate(n=n, value=successes / n, low=low, high=high)


@cache
def t_critical(degrees_of_freedom: int) -> float:
    """The two-sided 95 % critical value of Student's t: its 0.975 quantile (``scipy.stats.t.ppf``).

    Exact at every number of degrees of freedom (2.040 at 31), not switched to the normal
    1.960 above 30, which would make intervals about 4 % too narrow there. Raises
    ValueError below one degree of freedom.
    """
    if degrees_of_freedom < 1:
        raise ValueError("at least one degree of freedom is needed")
    # Imported here, not at the top: scipy.stats costs about 100 MB and a second to import,
    # and most processes that load the app (exports, imports, management commands) never
    # compute an interval. The value is cached per degree of freedom.
    from scipy.stats import t as student_t

    return float(student_t.ppf(0.975, degrees_of_freedom))


def mean(total: float, total_of_squares: float, n: int) -> Estimate:
    """Mean with a t interval, from the sum and the sum of squares of ``n`` values."""
    if n == 0:
        return Estimate(n=0, value=None, low=None, high=None)
    value = total / n
    if n == 1:
        return Estimate(n=1, value=value, low=None, high=None)
    variance = max(0.0, (total_of_squares - n * value * value) / (n - 1))
    half = t_critical(n - 1) * math.sqrt(variance / n)
    return Estimate(n=n, value=value, low=value - half, high=value + half)


def index_score(item_scores: Iterable[float], scale_min: float, scale_max: float, min_items: int) -> float | None:
    """One workplace's index: the mean of its item scores, rescaled to 0-100.

    ``None`` when fewer than ``min_items`` items were answered (a "don't know" is no score).
    """
    scores = list(item_scores)
    if len(scores) < min_items or not scores:
        return None
    if scale_max <= scale_min:
        raise ValueError("the scale needs a maximum above its minimum")
    return (sum(scores) / len(scores) - scale_min) / (scale_max - scale_min) * 100


def difference_of_shares(a: Estimate, b: Estimate) -> tuple[float, float, float] | None:
    """The difference a - b of two independent shares with a 95 % interval (Newcombe's
    method, from the two Wilson intervals). ``None`` if either is not shown."""
    if not (a.shown and b.shown) or a.low is None or b.low is None:
        return None
    d = a.value - b.value
    low = d - math.sqrt((a.value - a.low) ** 2 + (b.high - b.value) ** 2)
    high = d + math.sqrt((a.high - a.value) ** 2 + (b.value - b.low) ** 2)
    return d, low, high
